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
