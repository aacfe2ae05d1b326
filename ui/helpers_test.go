package ui_test

import (
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"

	"govkiosk/assets"
	"govkiosk/ui"
	"govkiosk/ui/uitest"
)

// kioskTest is one kiosk on a headless test app, over the fake services.
type kioskTest struct {
	t   *testing.T
	k   *ui.Kiosk
	svc *uitest.Services
	w   fyne.Window
}

func newKioskTest(t *testing.T, opts ui.Options, setup ...func(*uitest.Services)) *kioskTest {
	t.Helper()
	app := test.NewTempApp(t)
	svc := uitest.New()
	for _, f := range setup {
		f(svc)
	}
	k := ui.NewForTest(app, svc, opts)
	t.Cleanup(k.Close)
	w := k.Window()
	w.Resize(opts.Orientation.Size())
	return &kioskTest{t: t, k: k, svc: svc, w: w}
}

// mustFitWindow fails if the screen's content asks for more room than the
// window has: the kiosk clips it rather than grow the window, so the
// citizen would miss its edge.
func (kt *kioskTest) mustFitWindow() {
	kt.t.Helper()
	screen := kt.w.Content().(*fyne.Container).Objects[0] // inside the cap on the window's size
	if min, size := screen.MinSize(), kt.w.Canvas().Size(); min.Width > size.Width || min.Height > size.Height {
		kt.t.Errorf("the screen needs %v, the window is %v", min, size)
	}
}

// mustUseUIFont fails if something on screen draws text in a theme style
// (see Kiosk.OffFont) or shows a symbol the UI font lacks: either costs a
// scan of the system's fonts and more font parses.
func (kt *kioskTest) mustUseUIFont() {
	kt.t.Helper()
	if off := kt.k.OffFont(); len(off) > 0 {
		kt.t.Errorf("drawn without the UI font: %q", off)
	}
	var buf sfnt.Buffer
	for _, s := range kt.k.Texts() {
		for _, r := range s {
			if unicode.Is(unicode.Han, r) {
				continue // which are in is TestUIFontCoverage's: rare ones may fall back
			}
			if i, err := uiFont.GlyphIndex(&buf, r); err != nil || i == 0 {
				kt.t.Errorf("the UI font lacks %U %q, shown in %q", r, r, s)
			}
		}
	}
}

var uiFont = func() *sfnt.Font {
	f, err := opentype.Parse(assets.UIFont)
	if err != nil {
		panic(err)
	}
	return f
}()

// tap taps the only visible button or tile with this label (the first if
// several) and waits for any work it started.
func (kt *kioskTest) tap(label string) {
	kt.t.Helper()
	kt.tapN(label, 0)
}

func (kt *kioskTest) tapN(label string, i int) {
	kt.t.Helper()
	found := kt.k.Tappables(label)
	if len(found) <= i {
		kt.t.Fatalf("nothing to tap labelled %q on screen; texts: %q", label, kt.k.Texts())
	}
	test.Tap(found[i])
	kt.k.Settle()
	kt.mustUseUIFont()
}

// tapPaged taps label, turning pages (下一页) until it shows.
func (kt *kioskTest) tapPaged(label string) {
	kt.t.Helper()
	for i := 0; i < 20 && len(kt.k.Tappables(label)) == 0 && len(kt.k.Tappables("下一页")) > 0; i++ {
		kt.tap("下一页")
	}
	kt.tap(label)
}

// typeKeys taps on-screen keys one by one.
func (kt *kioskTest) typeKeys(keys ...string) {
	kt.t.Helper()
	for _, key := range keys {
		kt.tap(key)
	}
}

func (kt *kioskTest) has(s string) bool {
	for _, x := range kt.k.Texts() {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

func (kt *kioskTest) mustSee(ss ...string) {
	kt.t.Helper()
	for _, s := range ss {
		if !kt.has(s) {
			kt.t.Fatalf("screen does not show %q; texts: %q", s, kt.k.Texts())
		}
	}
}

func (kt *kioskTest) mustNotSee(ss ...string) {
	kt.t.Helper()
	for _, s := range ss {
		if kt.has(s) {
			kt.t.Fatalf("screen shows %q; texts: %q", s, kt.k.Texts())
		}
	}
}

// focus touches the i-th entry, bringing up its keyboard.
func (kt *kioskTest) focus(i int) {
	kt.t.Helper()
	kt.w.Canvas().Focus(kt.entry(i))
}

// entry is the i-th visible entry.
func (kt *kioskTest) entry(i int) fyne.Focusable {
	kt.t.Helper()
	es := kt.k.Entries()
	if len(es) <= i {
		kt.t.Fatalf("only %d entries on screen", len(es))
	}
	return es[i]
}

func (kt *kioskTest) typeInto(i int, s string) {
	kt.t.Helper()
	e := kt.entry(i)
	kt.w.Canvas().Focus(e) // a finger on the entry: the driver focuses it on mouse-down
	test.Type(e, s)
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
