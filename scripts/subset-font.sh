#!/usr/bin/env bash
# Makes assets/fonts/DroidSansFallbackUI.ttf, the kiosk screens' font: Droid
# Sans Fallback Full cut down to the characters a kiosk screen shows day to
# day, with the Latin letters of Noto Sans (Fyne's own Latin font) merged
# in. Fyne parses every glyph of a font when it first draws with it, and
# the full font's 49,382 glyphs cost ~20 MB of heap and tens of ms each
# time; with Latin inside, the kiosk's texts (drawn with this font as their
# source) need no other font, so start-up neither parses Fyne's Latin and
# emoji fonts nor scans the system's fonts.
#
# Kept from Droid Sans Fallback: GB2312 (levels 1 and 2 and its symbols),
# the 2,000 most frequent other characters of the pinyin dictionary (by
# the frequencies of the words they occur in: ~85% of the dictionary's use
# of characters outside GB2312), and every character of the bundled texts
# (assets/catalog, assets/i18n). A rarer character (a name on an ID card,
# a deep candidate of the pinyin keyboard) is drawn by Fyne's fallback to
# the system's fonts: the .deb depends on fonts-droid-fallback (this font,
# whole) or fonts-noto-cjk. From Noto Sans: Basic Latin, Latin-1 and the
# punctuation the English texts use, scaled to Droid's 256 units per em;
# from Inter (Fyne's other font) the arrows, ● and ⚠ that neither has;
# where both fonts have a character, Droid's glyph is kept (as before, when
# Droid came first and Fyne's Latin font second). assets' TestUIFontCoverage
# fails, naming this script, when a text gains a character the font lacks.
#
# Needs Debian's python3-fonttools; only regenerating needs it, so no other
# script installs it. Reproducible: the same inputs and fontTools release
# (4.38.0 here) give the same bytes; the head table's timestamps are Droid's.
set -euo pipefail
cd "$(dirname "$0")/.."

/usr/bin/python3 -c "import fontTools.subset" 2>/dev/null || { echo "subset-font: needs fontTools: apt-get install -y python3-fonttools" >&2; exit 1; }

fyne_fonts=$(go list -m -f '{{.Dir}}' fyne.io/fyne/v2)/theme/font
/usr/bin/python3 - "$fyne_fonts/NotoSans-Regular.ttf" "$fyne_fonts/Inter-Regular.ttf" assets/fonts/DroidSansFallbackFull.ttf assets/fonts/DroidSansFallbackUI.ttf \
	assets/ime/pinyin_simp.txt.gz assets/catalog/catalog.json assets/i18n/*.json <<'PY'
import collections, gzip, io, sys
from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem

latin_src, symbols_src, cjk_src, out, dictionary, *texts = sys.argv[1:]
FREQUENT = 2000

chars = set()
# GB2312: rows 01-09 (symbols) and 16-87 (hanzi), decoded as GBK, which
# also fills a few free cells of rows 01-09 (vertical punctuation).
for hi in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gbk"))
        except UnicodeDecodeError:
            pass
gb2312 = set(chars)
# The dictionary: a header, then key TAB word weight TAB word weight ...
freq = collections.Counter()
with gzip.open(dictionary, "rt", encoding="utf-8") as f:
    next(f)
    for line in f:
        for entry in line.rstrip("\n").split("\t")[1:]:
            word, _, weight = entry.partition(" ")
            for c in word:
                if c not in gb2312:
                    freq[c] += int(weight or 0)
# Ties broken by code point, so the choice is reproducible.
chars.update(c for c, _ in sorted(freq.items(), key=lambda cw: (-cw[1], cw[0]))[:FREQUENT])
for path in texts:
    with open(path, encoding="utf-8") as f:
        chars.update(f.read())
# Of ASCII, Droid has only NUL and the space; its space keeps the line
# height of CJK text.
cjk_unicodes = sorted(ord(c) for c in chars if ord(c) > 0x7F) + [0, 0x20]

def cut(path, unicodes, keep_hinting=False):
    o = subset.Options()
    o.hinting = keep_hinting
    o.drop_tables += ["vhea", "vmtx", "TTFA"]
    o.name_IDs = ["*"]
    o.name_languages = ["*"]
    font = TTFont(path)
    s = subset.Subsetter(o)
    s.populate(unicodes=unicodes)
    s.subset(font)
    return font

cjk = cut(cjk_src, cjk_unicodes)
latin_unicodes = list(range(0x20, 0x7F)) + list(range(0xA0, 0x100)) + \
    [0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2026, 0x2030, 0x2039, 0x203A, 0x20AC, 0x2122]
latin = cut(latin_src, latin_unicodes)
scale_upem(latin, cjk["head"].unitsPerEm)
# Symbols neither has (Droid lacks GB2312's arrows and ●): from Inter,
# Fyne's other bundled font.
symbol_unicodes = [0x2190, 0x2191, 0x2192, 0x2193, 0x25CF, 0x26A0]
symbols = cut(symbols_src, symbol_unicodes)
scale_upem(symbols, cjk["head"].unitsPerEm)

bufs = []
for font in (cjk, latin, symbols):
    b = io.BytesIO()
    font.recalcTimestamp = False
    font.save(b)
    b.seek(0)
    bufs.append(b)
merged = Merger().merge(bufs)
# The merger takes the larger of the two fonts' vertical metrics; keep
# Droid's, so that lines keep their height (Latin glyphs fit within them).
for table, fields in (("hhea", ("ascent", "descent", "lineGap")),
                      ("OS/2", ("sTypoAscender", "sTypoDescender", "sTypoLineGap", "usWinAscent", "usWinDescent"))):
    for field in fields:
        setattr(merged[table], field, getattr(cjk[table], field))
# The merger stamps head with the time of day; keep the source's.
source_head = TTFont(cjk_src)["head"]
merged["head"].created, merged["head"].modified = source_head.created, source_head.modified
merged.recalcTimestamp = False
merged.save(out)
print(f"subset-font: {len(cjk_unicodes)} CJK code points + {len(latin_unicodes)} Latin + {len(symbol_unicodes)} symbols -> {out}, {len(merged.getGlyphOrder())} glyphs", file=sys.stderr)
PY
echo "subset-font: $(stat -c %s assets/fonts/DroidSansFallbackUI.ttf) bytes" >&2
