package kiosk

// Text is a string in the two languages the kiosk speaks. Chinese is the
// default and always present; English falls back to Chinese when missing.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en,omitempty"`
}

// In returns the text in lang ("zh" or "en").
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.ZH
}
