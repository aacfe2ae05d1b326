package assets

import _ "embed"

// PinyinDict is the dictionary of the pinyin input method (kiosk/ime): 65,000
// words of up to 4 characters with their frequencies, gzip'd text. It is
// generated from Debian's rime-data-pinyin-simp (Apache-2.0, derived from
// Android's Pinyin IME) by `go generate ./kiosk/ime`; source, changes and
// licence are in README.md and ime/pinyin_simp.LICENSE.
//
//go:embed ime/pinyin_simp.txt.gz
var PinyinDict []byte
