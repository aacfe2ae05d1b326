package printer

import (
	"errors"
	"fmt"
)

// Fault classifies why a print or a status check failed.
//
//	fault       who fixes it                  retry?
//	paper_out   staff: load a roll            after fixing
//	cover_open  staff: close the cover        after fixing
//	error       technician: cutter, head      after fixing
//	offline     technician: power, button     after fixing
//	no_answer   technician: cable, port, baud yes, once; then treat as absent
//	garbled     technician: baud, wrong port  yes, once
//	io          the port failed (unplugged)   reopen the port
type Fault string

const (
	FaultPaperOut  Fault = "paper_out"
	FaultCoverOpen Fault = "cover_open"
	FaultError     Fault = "error"
	FaultOffline   Fault = "offline"
	FaultNoAnswer  Fault = "no_answer"
	FaultGarbled   Fault = "garbled"
	FaultIO        Fault = "io"
)

// Sentinels for errors.Is: errors.Is(err, printer.ErrPaperOut) holds for
// an *Error with that Fault.
var (
	ErrPaperOut  = errors.New("printer: paper out")
	ErrCoverOpen = errors.New("printer: cover open")
	ErrFault     = errors.New("printer: hardware error")
	ErrOffline   = errors.New("printer: offline")
	ErrNoAnswer  = errors.New("printer: no answer")
	ErrGarbled   = errors.New("printer: garbled answer")
	ErrIO        = errors.New("printer: port failed")
)

var faultInfo = map[Fault]struct {
	sentinel error
	what     string
	hint     string
	message  string // for citizens
}{
	FaultPaperOut:  {ErrPaperOut, "paper out", "load a new roll and close the cover", "打印机缺纸，请联系工作人员"},
	FaultCoverOpen: {ErrCoverOpen, "cover open", "close the paper cover until it clicks", "打印机纸仓盖未关好，请联系工作人员"},
	FaultError:     {ErrFault, "hardware error", "clear a paper jam at the cutter or let the head cool, then switch the printer off and on", "打印机故障，请联系工作人员"},
	FaultOffline:   {ErrOffline, "offline", "check the printer's power and that it is not held offline (FEED button, paper, cover)", "打印机暂时无法使用，请联系工作人员"},
	FaultNoAnswer:  {ErrNoAnswer, "no answer to DLE EOT", "check the cable, the port name, the baud rate and the printer's power", "打印机没有响应，请联系工作人员"},
	FaultGarbled:   {ErrGarbled, "garbled answer", "check the baud rate (the printer's self-test page shows it) and that this port is the printer's", "打印机通信异常，请联系工作人员"},
	FaultIO:        {ErrIO, "port failed", "the device went away: check the cable and reopen the port", "打印机连接中断，请联系工作人员"},
}

// Error is a failed status check or print job.
type Error struct {
	Fault  Fault
	Port   string  // the transport, as in logs: serial(/dev/ttyUSB0@9600)
	Status *Status // the decoded status, when the printer answered
	// Partial is set when part of the job may have printed: the fault
	// came after data was sent. The citizen holds a torn receipt and
	// needs a reprint.
	Partial bool
	Detail  string // for technicians
	Err     error  // the transport error, if any
}

func (e *Error) Error() string {
	info := faultInfo[e.Fault]
	msg := fmt.Sprintf("printer %s: %s", e.Port, info.what)
	if e.Partial {
		msg += " during the job (the receipt may be incomplete)"
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if info.hint != "" {
		msg += "; " + info.hint
	}
	return msg
}

// Message is the plain-Chinese sentence shown to a citizen.
func (e *Error) Message() string {
	m := faultInfo[e.Fault].message
	if m == "" {
		m = "打印机故障，请联系工作人员"
	}
	if e.Partial {
		m = "凭条未打印完整。" + m + "补打"
	}
	return m
}

// Hint tells a technician what to do.
func (e *Error) Hint() string { return e.Fault.Hint() }

// Hint tells a technician what to do about f.
func (f Fault) Hint() string { return faultInfo[f].hint }

// Unwrap returns the fault's sentinel and the underlying error.
func (e *Error) Unwrap() []error {
	var errs []error
	if s := faultInfo[e.Fault].sentinel; s != nil {
		errs = append(errs, s)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}
