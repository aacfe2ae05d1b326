package idcard

import "fmt"

// SW3 status codes of the SAM (the third status byte; SW1 SW2 relay the
// card's APDU status and are 00 00 for the codes here).
const (
	SWSuccess        = 0x90 // operation succeeded
	SWFound          = 0x9F // find card succeeded
	SWChecksum       = 0x10 // the SAM got a bad checksum from us
	SWLength         = 0x11 // the SAM got a bad length from us
	SWCommand        = 0x21 // command unknown or parameters wrong
	SWUnknown        = 0x24 // unrecognised error
	SWCardAuthReader = 0x31 // card failed to authenticate the reader
	SWReaderAuthCard = 0x32 // reader failed to authenticate the card
	SWVerify         = 0x33 // information verification failed
	SWWrongCard      = 0x40 // not an ID card
	SWReadFailed     = 0x41 // reading the card failed (moved away mid-read)
	SWRandom         = 0x47 // get-challenge failed
	SWSelfTest       = 0x60 // SAM self-test failed
	SWUnauthorised   = 0x66 // SAM not authorised
	SWNoCard         = 0x80 // find card failed: no card in the field
	SWSelectFailed   = 0x81 // select card failed
	SWNoContent      = 0x91 // no such content (e.g. no appended address)
)

// StatusError is a non-success status from the SAM.
type StatusError struct {
	SW  [3]byte
	Cmd [2]byte
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("idcard: command %02x %02x: status %02x %02x %02x (%s)", e.Cmd[0], e.Cmd[1], e.SW[0], e.SW[1], e.SW[2], e.meaning())
}

// Code is the SW3 byte.
func (e *StatusError) Code() byte { return e.SW[2] }

func (e *StatusError) meaning() string {
	switch e.SW[2] {
	case SWChecksum:
		return "reader got a bad checksum"
	case SWLength:
		return "reader got a bad length"
	case SWCommand:
		return "command rejected"
	case SWCardAuthReader, SWReaderAuthCard, SWVerify:
		return "card authentication failed"
	case SWWrongCard:
		return "not an ID card"
	case SWReadFailed:
		return "card read failed"
	case SWRandom:
		return "challenge failed"
	case SWSelfTest:
		return "SAM self-test failed"
	case SWUnauthorised:
		return "SAM not authorised"
	case SWNoCard:
		return "no card"
	case SWSelectFailed:
		return "select failed"
	case SWNoContent:
		return "no content"
	}
	return "unknown status"
}

// outOfStep reports whether the status cannot be this command's answer: a
// success the command does not accept, find's "found" for another
// command, or a code the SAM does not give. The protocol has no sequence
// numbers; this is how a reader shifted by a late answer shows.
func (e *StatusError) outOfStep() bool {
	switch e.SW[2] {
	case SWSuccess:
		return true
	case SWFound:
		return e.Cmd != CmdFind
	}
	return e.meaning() == "unknown status"
}

// NoCard reports whether the status means there is no card to read.
func (e *StatusError) NoCard() bool { return e.SW[2] == SWNoCard }

// Message is the plain-Chinese text for a citizen.
func (e *StatusError) Message() string {
	switch e.SW[2] {
	case SWNoCard:
		return "请将身份证平放在感应区"
	case SWSelectFailed, SWReadFailed:
		return "读卡失败，请将身份证平放在感应区，不要移动"
	case SWWrongCard, SWCardAuthReader, SWReaderAuthCard, SWVerify:
		return "无法识别该证件，请使用本人有效身份证"
	default:
		return "读卡器暂时无法使用，请联系工作人员"
	}
}
