package ui

import (
	"fmt"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// NewForTest builds the kiosk without its wall-clock ticker: tests move a
// kiosk.ManualClock and call Tick. Device events still arrive through
// svc.Events(), handled one at a time.
func NewForTest(app fyne.App, svc Services, opts Options) *Kiosk {
	k := newKiosk(app, svc, opts)
	q := &postQueue{}
	k.post = q.add
	testQueues.Store(k, q)
	go k.pumpEvents()
	return k
}

// postQueue holds background results until the test settles, so UI code
// runs on the test's goroutine only (the test driver's fyne.Do would run
// it on the background goroutine, racing the test).
type postQueue struct {
	mu sync.Mutex
	fs []func()
}

func (q *postQueue) add(f func()) {
	q.mu.Lock()
	q.fs = append(q.fs, f)
	q.mu.Unlock()
}

func (q *postQueue) take() []func() {
	q.mu.Lock()
	defer q.mu.Unlock()
	fs := q.fs
	q.fs = nil
	return fs
}

var testQueues sync.Map

// Tick is one tick of the idle countdown and the clock.
func (k *Kiosk) Tick() { k.tick() }

// Settle waits for background calls (submit, print, lookups) to finish
// and their results to be shown.
func (k *Kiosk) Settle() {
	q, _ := testQueues.Load(k)
	for {
		k.wg.Wait()
		fs := q.(*postQueue).take()
		if len(fs) == 0 {
			return
		}
		for _, f := range fs {
			f()
		}
	}
}

// HasSession reports whether a citizen session is open.
func (k *Kiosk) HasSession() bool { return k.sess != nil }

// OnHome reports whether the attract screen is showing.
func (k *Kiosk) OnHome() bool {
	_, ok := k.cur.(attract)
	return ok
}

// TextSize is the theme's body text size now.
func (k *Kiosk) TextSize() float32 { return k.th.Size("text") }

// Tappables finds what a finger could tap with this label: buttons by
// text and tiles by title, visible ones only, in screen order.
func (k *Kiosk) Tappables(label string) []fyne.Tappable {
	var out []fyne.Tappable
	visit(k.win.Canvas().Content(), true, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *button:
			if x.Text == label {
				out = append(out, x)
			}
		case *tile:
			if x.Title == label {
				out = append(out, x)
			}
		}
	})
	return out
}

// Corner is the technician gesture's tap target.
func (k *Kiosk) Corner() fyne.Tappable {
	var out fyne.Tappable
	visit(k.win.Canvas().Content(), true, func(o fyne.CanvasObject) {
		if h, ok := o.(*hotCorner); ok {
			out = h
		}
	})
	return out
}

// Entries are the visible text entries, in screen order.
func (k *Kiosk) Entries() []*Entry {
	var out []*Entry
	visit(k.win.Canvas().Content(), true, func(o fyne.CanvasObject) {
		if e, ok := o.(*kEntry); ok {
			out = append(out, e)
		}
	})
	return out
}

// Entry is the kiosk's text entry, for tests outside the package.
type Entry = kEntry

// Texts is every text on screen that a citizen can see.
func (k *Kiosk) Texts() []string { return texts(k.win.Canvas().Content(), true) }

// TextsIn is every text in o, hidden ones too.
func TextsIn(o fyne.CanvasObject) []string { return texts(o, false) }

// TextSizes maps each visible text to its size.
func (k *Kiosk) TextSizes() map[string]float32 {
	out := map[string]float32{}
	visit(k.win.Canvas().Content(), true, func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok && t.Text != "" {
			out[t.Text] = t.TextSize
		}
	})
	return out
}

func texts(root fyne.CanvasObject, visibleOnly bool) []string {
	var out []string
	visit(root, visibleOnly, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *canvas.Text:
			if x.Text != "" {
				out = append(out, x.Text)
			}
		case *tile:
			out = append(out, x.Title, x.Sub)
		case *textLine:
			out = append(out, x.Text)
		case *kEntry:
			out = append(out, x.Text)
		}
	})
	return out
}

func visit(o fyne.CanvasObject, visibleOnly bool, f func(fyne.CanvasObject)) {
	if o == nil || (visibleOnly && !o.Visible()) {
		return
	}
	f(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			visit(c, visibleOnly, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			visit(c, visibleOnly, f)
		}
	}
}

// Identified reports whether a citizen is identified.
func (k *Kiosk) Identified() bool { return k.identity() != nil }

// WrapText is wrapText at the theme's body size.
func WrapText(s string, width float32) []string {
	return wrapText(s, sizeText, fyne.TextStyle{}, width)
}

// Realize makes sure every visible widget on screen has its renderer and
// layout, as a frame about to be painted would.
func (k *Kiosk) Realize() { visit(k.win.Canvas().Content(), true, func(fyne.CanvasObject) {}) }

// OpenPlain shows a screen of one line of text through the same open and
// render path as every screen: the baseline of the tap benchmark.
func (k *Kiosk) OpenPlain(s string) { k.open(plainScreen(s)) }

type plainScreen string

func (p plainScreen) content(*Kiosk) fyne.CanvasObject { return canvas.NewText(string(p), nil) }

// ItemTiles are the visible catalogue rows showing an item, in screen order.
func (k *Kiosk) ItemTiles() []fyne.Tappable {
	var out []fyne.Tappable
	visit(k.win.Canvas().Content(), true, func(o fyne.CanvasObject) {
		if t, ok := o.(*tile); ok && t.Title != "" {
			for i := range k.cat.Items {
				if k.text(k.cat.Items[i].Name) == t.Title {
					out = append(out, t)
					break
				}
			}
		}
	})
	return out
}

// Overflow describes an open overlay whose card needs more room than the
// overlay width or the window height gives it, or is "".
func (k *Kiosk) Overflow() string {
	if len(k.layer.Objects) < 2 {
		return ""
	}
	card := k.layer.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container).Objects[0]
	w, h := min(900*k.th.scale(), k.opts.Orientation.Size().Width-80), k.opts.Orientation.Size().Height
	if m := card.MinSize(); m.Width > w || m.Height > h {
		return fmt.Sprintf("the overlay needs %v, it has %vx%v", m, w, h)
	}
	return ""
}

// RecordBusyBars keeps every animated bar made until the test ends.
func RecordBusyBars(t *testing.T) *[]*widget.ProgressBarInfinite {
	var made []*widget.ProgressBarInfinite
	t.Cleanup(func() { newBusyBar = widget.NewProgressBarInfinite })
	newBusyBar = func() *widget.ProgressBarInfinite {
		b := widget.NewProgressBarInfinite()
		made = append(made, b)
		return b
	}
	return &made
}

// Button is the citizen screens' button, for tests outside the package.
type Button = button

// NewEntry is an entry outside any screen.
func NewEntry() *Entry { return newKEntry(nil) }

// Shown is what the entry displays: its text, cut to fit, or the
// placeholder.
func (e *kEntry) Shown() string {
	return test.WidgetRenderer(e).(*entryRenderer).text.Text
}

// OffFont lists what on screen would draw text in a theme style rather
// than with the UI font: a canvas.Text without it as source, or a Fyne
// widget that draws its own text. Each would cost a system font scan and
// font parses the first time it is drawn.
func (k *Kiosk) OffFont() []string {
	var out []string
	visit(k.win.Canvas().Content(), true, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *canvas.Text:
			if x.FontSource != cjkFont && x.Text != "" {
				out = append(out, fmt.Sprintf("text %q", x.Text))
			}
		case *widget.Label, *widget.Entry, *widget.RichText, *widget.Button, *widget.Hyperlink, *widget.Select, *widget.Check, *widget.RadioGroup:
			out = append(out, fmt.Sprintf("%T", x))
		}
	})
	return out
}
