package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"time"

	"govkiosk/drivers/idcard"
	"govkiosk/drivers/transport"
	"govkiosk/kiosk"
	"govkiosk/kiosk/config"
)

var idcardCommand = &command{
	summary: "read ID cards",
	sub: map[string]*command{
		"read": {
			summary: "read the card on the reader and show its fields",
			usage:   "[--port P] [--baud B] [--json]",
			example: "kioskctl idcard read --port /dev/ttyUSB0 --baud 115200 --json\n" +
				"  kioskctl idcard read   # the reader in [idcard] of the configuration",
			flags: func(fs *flag.FlagSet) {
				fs.String("port", "", "reader port: /dev/ttyUSB0, or hid:VENDOR:PRODUCT (default: [idcard] in the configuration)")
				fs.Int("baud", 115200, "serial baud rate (default: [idcard] baud when --port is not given)")
				fs.Bool("json", false, "print the card as one JSON object, ID number and address in full")
				fs.Duration("timeout", 10*time.Second, "give up after this long")
			},
			run: idcardRead,
		},
	},
}

// cardJSON is the card as printed by --json. The identity number and the
// address are in full only here, on the technician's own screen; they are
// never logged.
type cardJSON struct {
	CardType   kiosk.CardType `json:"card_type"`
	Name       string         `json:"name"`
	NameEN     string         `json:"name_en,omitempty"`
	Gender     string         `json:"gender"`
	Nation     string         `json:"nation,omitempty"`
	BirthDate  string         `json:"birth_date"`
	Address    string         `json:"address,omitempty"`
	IDNumber   string         `json:"id_number"`
	Issuer     string         `json:"issuer,omitempty"`
	ValidFrom  string         `json:"valid_from"`
	ValidUntil string         `json:"valid_until"`
	PhotoBytes int            `json:"photo_bytes"`
	Valid      bool           `json:"valid"`
	Problem    string         `json:"problem,omitempty"`
	SAM        string         `json:"sam_id"`
}

func idcardRead(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q", args[0])
	}
	spec, baud, _, err := devicePort(e, "idcard", func(c *config.Config) config.Device { return c.IDCard })
	if err != nil {
		return err
	}
	timeout, _ := time.ParseDuration(flagString(e, "timeout"))
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	framing := &transport.ReportFraming{ReportSize: 64}
	port, err := transport.Open(spec, baud, 100*time.Millisecond, framing)
	if err != nil {
		return err
	}
	defer port.Close()
	r := idcard.New(port, idcard.Options{CommandTimeout: time.Second, ReadTimeout: 4 * time.Second})
	sam, err := r.SAMID(ctx)
	if err != nil {
		return explainReader(err, spec)
	}
	id, err := r.ReadCard(ctx)
	var invalid *idcard.InvalidCardError
	switch {
	case errors.As(err, &invalid):
		id = invalid.Identity
	case err != nil:
		return explainReader(err, spec)
	}
	out := cardJSON{CardType: id.CardType, Name: id.Name, NameEN: id.NameEN, Gender: id.Gender, Nation: id.Nation,
		BirthDate: id.BirthDate, Address: id.Address, IDNumber: id.IDNumber, Issuer: id.Issuer,
		ValidFrom: id.ValidFrom, ValidUntil: id.ValidUntil, PhotoBytes: len(id.Photo), Valid: invalid == nil, SAM: sam}
	if invalid != nil {
		out.Problem = invalid.Err.Error()
	}
	id.Wipe()
	if flagBool(e, "json") {
		if err := json.NewEncoder(e.out).Encode(out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.out, "SAM       %s\ncard      %s\nname      %s\ngender    %s\nnation    %s\nbirth     %s\nnumber    %s\nvalid     %s – %s\nphoto     %d bytes\n",
			out.SAM, out.CardType, kiosk.MaskName(out.Name), out.Gender, out.Nation, out.BirthDate,
			kiosk.MaskIDNumber(out.IDNumber), out.ValidFrom, out.ValidUntil, out.PhotoBytes)
	}
	if invalid != nil {
		return fmt.Errorf("the card was read but is not valid: %v", invalid.Err)
	}
	return nil
}

// explainReader turns a driver error into what a technician should check.
func explainReader(err error, port string) error {
	var se *idcard.StatusError
	switch {
	case errors.As(err, &se) && se.NoCard():
		return fmt.Errorf("no card on the reader: place an ID card flat on the reading area and try again")
	case errors.Is(err, idcard.ErrMute):
		return fmt.Errorf("no answer from an ID-card reader on %s: check the cable, the baud rate (--baud) and that this port is the reader's", port)
	case errors.Is(err, idcard.ErrTorn), errors.Is(err, idcard.ErrChecksum), errors.Is(err, idcard.ErrLength):
		return fmt.Errorf("bad frame from the reader on %s (%v): check the baud rate and the cable", port, err)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("the reader on %s did not finish in time", port)
	}
	return err
}
