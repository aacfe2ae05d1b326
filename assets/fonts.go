package assets

import _ "embed"

// CJKFont is Droid Sans Fallback Full, a TrueType font covering the Chinese
// characters of GB18030 (Apache-2.0; source and licence in README.md and
// fonts/DroidSansFallbackFull.LICENSE). The receipt-printer simulator
// renders with it, and the UI uses the same font so screens and printouts
// show the same glyphs. Being a fallback font it has no Basic Latin glyphs
// (digits and letters): draw ASCII with a Latin font such as
// golang.org/x/image/font/gofont and fall back to this one.
//
//go:embed fonts/DroidSansFallbackFull.ttf
var CJKFont []byte

// UIFont is CJKFont cut down to the characters the kiosk screens can show:
// GB2312, everything the pinyin keyboard can type and every character of
// the bundled texts (scripts/subset-font.sh makes it; TestUIFontCoverage
// checks it). Fyne parses all of a font's glyphs at start-up, once per
// text style: for the full font ~20 MB of heap and tens of ms each time.
// The subset keeps 28,589 of its 49,382 glyphs (composite glyphs bring
// their components). Same licence as CJKFont.
//
//go:embed fonts/DroidSansFallbackUI.ttf
var UIFont []byte
