// Package i18n holds the kiosk's translation files, embedded: zh.json
// (the default, 简体中文) and en.json. Each is one flat JSON object from key
// to text; a key ending in ".elderly" is the plainer wording used in 长辈模式.
// Texts may carry fmt verbs (%d, %s) that the screens fill in.
package i18n

import _ "embed"

// ZH is the Chinese translation file.
//
//go:embed zh.json
var ZH []byte

// EN is the English translation file.
//
//go:embed en.json
var EN []byte

// MessagesEN is English for the plain-Chinese messages that devices, the
// store and the domain give citizens (their Message methods speak Chinese,
// the language of the hall, its logs and its technicians), keyed by that
// Chinese text as gettext keys by the source text: ui shows the English
// in English mode.
//
//go:embed messages.en.json
var MessagesEN []byte
