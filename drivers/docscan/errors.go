package docscan

import "fmt"

// Kind classifies a capture failure so the kiosk can tell the citizen what
// to do and the technician what broke.
type Kind int

const (
	NoDevice  Kind = iota + 1 // no such scanner or camera (not installed, unplugged before the scan)
	Jammed                    // paper jam in the feeder
	NoPaper                   // nothing in the feeder / on the glass
	CoverOpen                 // lid or feeder cover open
	Busy                      // another program holds the device
	Unplugged                 // I/O failed mid-scan: cable, power, USB reset
	Timeout                   // no image within the bounded time
	Failed                    // anything else: permissions, driver, bad option
)

var kindNames = map[Kind]string{
	NoDevice: "no device", Jammed: "paper jam", NoPaper: "no paper", CoverOpen: "cover open",
	Busy: "device busy", Unplugged: "device I/O failed", Timeout: "timed out", Failed: "failed",
}

// Error is a failed capture. Error() carries the device and the tool's own
// words for the technician; Message() is the citizen's sentence.
type Error struct {
	Kind   Kind
	Device string
	Detail string
}

func (e *Error) Error() string {
	return fmt.Sprintf("docscan: %s: %s: %s", e.Device, kindNames[e.Kind], e.Detail)
}

// Message is what the citizen reads (ui.Message finds it).
func (e *Error) Message() string {
	switch e.Kind {
	case NoPaper:
		return "请将材料正面朝下放入扫描仪"
	case Jammed:
		return "扫描仪卡纸，请联系工作人员处理"
	case CoverOpen:
		return "请合上扫描仪盖板后重试"
	case Busy:
		return "扫描仪正忙，请稍后再试"
	case Timeout:
		return "扫描超时，请重试"
	}
	return "扫描设备暂不可用，请选择\"稍后补交\"或联系工作人员"
}

// Is matches by kind: errors.Is(err, docscan.ErrNoPaper).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind
}

// Sentinels for errors.Is.
var (
	ErrNoDevice  = &Error{Kind: NoDevice}
	ErrJammed    = &Error{Kind: Jammed}
	ErrNoPaper   = &Error{Kind: NoPaper}
	ErrCoverOpen = &Error{Kind: CoverOpen}
	ErrBusy      = &Error{Kind: Busy}
	ErrUnplugged = &Error{Kind: Unplugged}
	ErrTimeout   = &Error{Kind: Timeout}
	ErrFailed    = &Error{Kind: Failed}
)
