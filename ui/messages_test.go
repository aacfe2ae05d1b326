package ui

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode"

	"govkiosk/assets/i18n"
	"govkiosk/drivers/docscan"
	"govkiosk/drivers/idcard"
	"govkiosk/drivers/printer"
	"govkiosk/drivers/scanner"
	"govkiosk/kiosk"
	"govkiosk/kiosk/pages"
	"govkiosk/kiosk/store"
)

// Every plain-Chinese message the drivers, the store and the domain can
// give a citizen has its English in messages.en.json, and English mode
// shows it.
func TestCitizenMessagesHaveEnglish(t *testing.T) {
	var said []string
	for _, f := range []printer.Fault{printer.FaultPaperOut, printer.FaultCoverOpen, printer.FaultError,
		printer.FaultOffline, printer.FaultNoAnswer, printer.FaultGarbled, printer.FaultIO} {
		for _, partial := range []bool{false, true} {
			said = append(said, (&printer.Error{Fault: f, Partial: partial}).Message())
		}
	}
	for sw := 0; sw < 256; sw++ {
		said = append(said, (&idcard.StatusError{SW: [3]byte{0x90, 0, byte(sw)}}).Message())
	}
	said = append(said,
		(&idcard.InvalidCardError{Err: errors.New("bad text")}).Message(),
		(&idcard.InvalidCardError{Err: kiosk.ErrCardExpired{Until: "20200101"}}).Message(),
		idcard.UserMessage(idcard.ErrText), idcard.UserMessage(errors.New("port gone")),
		scanner.MessageUnrecognised,
		store.UserMessage(store.ErrDiskFull), store.UserMessage(store.ErrReadOnly),
		store.UserMessage(store.ErrNoSealer), store.UserMessage(errors.New("locked")),
		Message(errors.New("no message")))
	for k := docscan.NoDevice; k <= docscan.Failed; k++ {
		said = append(said, (&docscan.Error{Kind: k}).Message())
	}
	for _, k := range []pages.Kind{pages.Unreadable, pages.Blank, pages.TooLarge} {
		said = append(said, (&pages.Error{Kind: k}).Message())
	}
	said = append(said, (&kiosk.PageLimitError{}).Message())
	for _, r := range []kiosk.IDRule{kiosk.RuleLength, kiosk.RuleCharset, kiosk.RuleRegion, kiosk.RuleBirthDate, kiosk.RuleCheckDigit} {
		said = append(said, (&kiosk.IDError{Rule: r}).Message())
	}

	en := &Kiosk{lang: LangEN}
	zh := &Kiosk{lang: LangZH}
	for _, s := range said {
		if got := zh.say(s); got != s {
			t.Errorf("Chinese mode changed %q to %q", s, got)
		}
		got := en.say(s)
		if strings.HasPrefix(got, T(LangEN, "msg.untranslated")) || hasHan(got) {
			t.Errorf("no English for %q in messages.en.json (shows %q)", s, got)
		}
	}
}

func TestUntranslatedMessageShowsChineseForStaff(t *testing.T) {
	en := &Kiosk{lang: LangEN}
	got := en.say("某个新的故障")
	if !strings.HasPrefix(got, T(LangEN, "msg.untranslated")) || !strings.HasSuffix(got, "\n某个新的故障") {
		t.Errorf("untranslated message shows %q", got)
	}
	if got := en.say(""); got != "" {
		t.Errorf("empty message shows %q", got)
	}
}

func TestMessagesFileIsEnglish(t *testing.T) {
	var m map[string]string
	if err := json.Unmarshal(i18n.MessagesEN, &m); err != nil {
		t.Fatal(err)
	}
	for zh, en := range m {
		if !hasHan(zh) || en == "" || hasHan(en) {
			t.Errorf("messages.en.json: %q → %q: want Chinese → English", zh, en)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
