package ui

import (
	"encoding/json"
	"fmt"
	"sync"

	"govkiosk/assets/i18n"
	"govkiosk/kiosk"
)

// Languages the kiosk speaks.
const (
	LangZH = "zh"
	LangEN = "en"
)

var (
	tablesOnce sync.Once
	tables     map[string]map[string]string
	// saidEN is English for citizen messages that arrive in Chinese from
	// devices, the store and the domain (i18n.MessagesEN).
	saidEN map[string]string
)

func loadTables() {
	if err := json.Unmarshal(i18n.MessagesEN, &saidEN); err != nil {
		panic(fmt.Sprintf("ui: translation file messages.en.json: %v", err))
	}
	tables = map[string]map[string]string{}
	for lang, data := range map[string][]byte{LangZH: i18n.ZH, LangEN: i18n.EN} {
		m := map[string]string{}
		if err := json.Unmarshal(data, &m); err != nil {
			// The files are embedded and checked by a test; a broken one is a
			// build mistake, not a runtime condition.
			panic(fmt.Sprintf("ui: translation file %s.json: %v", lang, err))
		}
		tables[lang] = m
	}
}

// T returns the text for key in lang ("zh" or "en"). A key missing from the
// English file falls back to Chinese, and a key missing everywhere shows as
// itself so a mistake is visible rather than blank.
func T(lang, key string) string {
	tablesOnce.Do(loadTables)
	if s, ok := tables[lang][key]; ok && s != "" {
		return s
	}
	if s, ok := tables[LangZH][key]; ok && s != "" {
		return s
	}
	return key
}

// t is T in the kiosk's current language, with the plainer elderly wording
// (key + ".elderly") when 长辈模式 is on and the file has one.
func (k *Kiosk) t(key string) string {
	if k.elderly {
		tablesOnce.Do(loadTables)
		if s, ok := tables[k.lang][key+".elderly"]; ok && s != "" {
			return s
		}
	}
	return T(k.lang, key)
}

// tf is t with fmt arguments.
func (k *Kiosk) tf(key string, args ...any) string { return fmt.Sprintf(k.t(key), args...) }

// text picks a catalogue text in the current language.
func (k *Kiosk) text(t kiosk.Text) string { return t.In(k.lang) }

// colon separates a label from its value: "：" in Chinese, ": " in English.
func (k *Kiosk) colon() string { return k.t("punct.colon") }

// say is a citizen message that came in Chinese (a device's, the store's,
// an error's Message) in the kiosk's language. One without an English
// translation shows a general English sentence with the Chinese under it,
// for the staff the citizen is asked to turn to.
func (k *Kiosk) say(zh string) string {
	if k.lang != LangEN || zh == "" {
		return zh
	}
	tablesOnce.Do(loadTables)
	if s, ok := saidEN[zh]; ok {
		return s
	}
	return k.t("msg.untranslated") + "\n" + zh
}

// message is Message(err) in the kiosk's language.
func (k *Kiosk) message(err error) string { return k.say(Message(err)) }
