package pages

import "fmt"

// Kind classifies why a page was refused, so the caller can tell the
// citizen what to do: turn the page over, bring it to the window later, or
// try again.
type Kind int

const (
	// Unreadable: the input is not an image this package can decode.
	Unreadable Kind = iota + 1
	// Blank: the page carries nothing (face up on a flatbed, an empty
	// sheet); rescanning the other side is the usual fix.
	Blank
	// TooLarge: even at the readability floor (MinQuality, MinDPI) the
	// page does not fit MaxBytes; it must be handed in on paper.
	TooLarge
)

// Error is a refused page. Error() is for the technician's log; Message()
// is the plain-Chinese sentence for the citizen (ui.Message finds it).
type Error struct {
	Kind   Kind
	Detail string
}

func (e *Error) Error() string {
	names := map[Kind]string{Unreadable: "unreadable image", Blank: "blank page", TooLarge: "page too large"}
	return "pages: " + names[e.Kind] + ": " + e.Detail
}

// Message is what the citizen reads.
func (e *Error) Message() string {
	switch e.Kind {
	case Blank:
		return "没有扫描到内容，请将材料正面朝下放入扫描仪后重试"
	case TooLarge:
		return "这页材料内容过多，无法清晰压缩，请选择\"稍后补交\"并带纸质材料到窗口"
	}
	return "图像无法识别，请重新扫描"
}

// Is lets errors.Is(err, &Error{Kind: Blank}) match by kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind
}

// Sentinels for errors.Is.
var (
	ErrUnreadable = &Error{Kind: Unreadable}
	ErrBlank      = &Error{Kind: Blank}
	ErrTooLarge   = &Error{Kind: TooLarge}
)

func errorf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Detail: fmt.Sprintf(format, args...)}
}
