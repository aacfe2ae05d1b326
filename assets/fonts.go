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

// UIFont is the kiosk screens' font: CJKFont cut down to everyday
// Chinese (GB2312, the 2,000 most used other characters of the pinyin
// dictionary, every character of the bundled texts) with the Latin of Noto
// Sans, Fyne's own Latin font, and six symbols of Inter merged in
// (scripts/subset-font.sh makes it; TestUIFontCoverage checks it). With Latin inside, the kiosk's texts need
// no other font; a rarer character is drawn from the system's fonts
// (the .deb depends on fonts-droid-fallback or fonts-noto-cjk). Fyne
// parses all of a font's glyphs the first time it draws with it: 16,522
// glyphs here against the full font's 49,382. Same licence as CJKFont for
// the Chinese; Noto Sans's and Inter's glyphs are under the SIL Open Font
// License 1.1 (fonts/NotoSans.LICENSE, fonts/Inter.LICENSE).
//
//go:embed fonts/DroidSansFallbackUI.ttf
var UIFont []byte
