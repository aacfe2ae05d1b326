package kiosk

import (
	"fmt"
	"time"
)

// CardType is the kind of document that identified a citizen.
type CardType string

const (
	CardResident  CardType = "resident"  // 居民身份证
	CardForeigner CardType = "foreigner" // 外国人永久居留身份证 ('I')
	CardHMT       CardType = "hmt"       // 港澳台居民居住证 ('J')
)

// Identity is what a card reader (or a scanned e-ID code) tells us about the
// citizen in front of the kiosk. It is personal data: it lives in a Session,
// is never logged, is shown only masked, and Wipe clears it when the session
// ends.
type Identity struct {
	CardType   CardType `json:"card_type"`
	Name       string   `json:"name"`
	NameEN     string   `json:"name_en,omitempty"`
	Gender     string   `json:"gender"`
	Nation     string   `json:"nation,omitempty"` // 民族 for residents, nationality for foreigners
	BirthDate  string   `json:"birth_date"`       // YYYY-MM-DD
	Address    string   `json:"address,omitempty"`
	IDNumber   string   `json:"id_number"`
	Issuer     string   `json:"issuer,omitempty"`
	ValidFrom  string   `json:"valid_from,omitempty"`  // YYYY-MM-DD
	ValidUntil string   `json:"valid_until,omitempty"` // YYYY-MM-DD, or 长期 for no expiry
	Photo      []byte   `json:"-"`                     // vendor-encoded, kept as bytes
	Source     string   `json:"source"`                // idcard | qrcode
}

// ErrCardExpired is returned by Identity.Check for a card past its validity.
type ErrCardExpired struct{ Until string }

func (e ErrCardExpired) Error() string { return "card expired on " + e.Until }

// Message is the plain-Chinese explanation shown to a citizen.
func (e ErrCardExpired) Message() string {
	return "您的证件已过有效期，请到人工窗口办理"
}

// Check validates the identity number (GB 11643) and the card's validity
// dates against now.
func (id *Identity) Check(now time.Time) error {
	if _, _, err := ValidateIDNumber(id.IDNumber, now); err != nil {
		return err
	}
	if id.ValidUntil == "" || id.ValidUntil == "长期" {
		return nil
	}
	until, err := time.ParseInLocation("2006-01-02", id.ValidUntil, now.Location())
	if err != nil {
		return fmt.Errorf("card validity %q: %w", id.ValidUntil, err)
	}
	if now.After(until.AddDate(0, 0, 1)) {
		return ErrCardExpired{id.ValidUntil}
	}
	return nil
}

// Prefill returns the value of an identity field named by a form field's
// prefill source, and whether the source is known.
func (id *Identity) Prefill(source string) (string, bool) {
	switch source {
	case "name":
		return id.Name, true
	case "id_number":
		return id.IDNumber, true
	case "gender":
		return id.Gender, true
	case "nation":
		return id.Nation, true
	case "birth_date":
		return id.BirthDate, true
	case "address":
		return id.Address, true
	}
	return "", false
}

// MaskedName is the name as screens and receipts show it.
func (id *Identity) MaskedName() string { return MaskName(id.Name) }

// MaskedIDNumber is the identity number as screens and receipts show it.
func (id *Identity) MaskedIDNumber() string { return MaskIDNumber(id.IDNumber) }

// Wipe overwrites the photo bytes and drops every field. Go strings cannot be
// overwritten in place; dropping the last reference lets the collector reclaim
// them, and byte slices we own are zeroed first.
func (id *Identity) Wipe() {
	clear(id.Photo)
	*id = Identity{}
}
