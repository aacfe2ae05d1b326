#!/usr/bin/env bash
# Makes assets/fonts/DroidSansFallbackUI.ttf, the kiosk screens' font: Droid
# Sans Fallback Full cut down to the characters the kiosk can put on screen.
# Fyne parses every glyph of its fonts at start-up, once per text style, and
# the full font's 49,382 glyphs cost ~20 MB of heap and tens of ms each time.
#
# Kept: GB2312 (levels 1 and 2 and its symbols), every character of the
# pinyin dictionary (what the on-screen keyboard can type, rare name
# characters included), and every character of the bundled texts
# (assets/catalog, assets/i18n). assets' TestUIFontCoverage fails, naming
# this script, when a text gains a character the subset lacks.
#
# Needs Debian's python3-fonttools (fontTools.subset, i.e. pyftsubset);
# only regenerating needs it, so no other script installs it. Reproducible:
# the same inputs and fontTools release (4.38.0 here) give the same bytes;
# the head table's timestamp is kept from the source font.
set -euo pipefail
cd "$(dirname "$0")/.."

/usr/bin/python3 -c "import fontTools.subset" 2>/dev/null || { echo "subset-font: needs fontTools: apt-get install -y python3-fonttools" >&2; exit 1; }

src=assets/fonts/DroidSansFallbackFull.ttf
out=assets/fonts/DroidSansFallbackUI.ttf
list=$(mktemp)
trap 'rm -f "$list"' EXIT

# One code point a line, sorted, so the list itself is reproducible.
gzip -dc assets/ime/pinyin_simp.txt.gz | /usr/bin/python3 -c '
import json, sys
chars = set()
# GB2312: rows 01-09 (symbols) and 16-87 (hanzi), decoded as GBK, which
# also fills a few free cells of rows 01-09 (vertical punctuation).
for hi in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gbk"))
        except UnicodeDecodeError:
            pass
for i, line in enumerate(sys.stdin):   # the dictionary: header, then key TAB word weight TAB ...
    if i == 0:
        continue
    for entry in line.rstrip("\n").split("\t")[1:]:
        chars.update(entry.split(" ")[0])
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        chars.update(f.read())
# Of ASCII only what the full font has: NUL and the space. Without its own
# space a line of text is measured with the taller line height of the
# Latin fallback font, and every screen moves by a pixel or two.
chars.update("\0 ")
for c in sorted(chars):
    if ord(c) > 0x7F or c in "\0 ":
        print("U+%04X" % ord(c))
' assets/catalog/catalog.json assets/i18n/*.json >"$list"

/usr/bin/python3 -m fontTools.subset "$src" --unicodes-file="$list" --output-file="$out" \
	--no-hinting --drop-tables+=vhea,vmtx --name-IDs='*' --name-languages='*'
echo "subset-font: $(wc -l <"$list") code points -> $out ($(stat -c %s "$out") bytes)" >&2
