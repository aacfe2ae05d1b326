package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"govkiosk/assets"
)

// cjkFont is the bundled UI font: Droid Sans Fallback's characters of
// everyday Chinese with Noto Sans's Latin merged in (assets.UIFont). The
// kiosk's own texts name it as their source (newText, measureText): Fyne
// then parses it once for all of them, where a text drawn in a theme's
// style costs a parse of the theme font per style plus Fyne's Latin and
// emoji fonts and a scan of the system's fonts — ~60 ms and ~15 MB before
// the first frame, which the home screen no longer waits for. A character
// it lacks still renders: Fyne falls back to the system's fonts rune by
// rune. Widgets (the entry) draw in the theme's style, with the same font.
var cjkFont = fyne.NewStaticResource("DroidSansFallbackUI.ttf", assets.UIFont)

// newText is canvas.NewText drawn with cjkFont.
func newText(s string, c color.Color) *canvas.Text {
	t := canvas.NewText(s, c)
	t.FontSource = cjkFont
	return t
}

// measureText is fyne.MeasureText for text drawn with cjkFont.
func measureText(s string, size float32, style fyne.TextStyle) fyne.Size {
	sz, _ := fyne.CurrentApp().Driver().RenderedTextSize(s, size, style, cjkFont)
	return sz
}

// kioskTheme is the kiosk's own look: large type readable at arm's length,
// calm blue and white of a government hall, and in 长辈模式 everything 1.45×
// larger with black on white.
type kioskTheme struct {
	elderly bool
}

// elderlyScale is how much larger text is in 长辈模式; the brief asks ≥ 1.4.
const elderlyScale = 1.45

// Colours: normal and high contrast (elderly).
var (
	colBackground   = color.NRGBA{0xF2, 0xF5, 0xFA, 0xFF}
	colForeground   = color.NRGBA{0x18, 0x22, 0x30, 0xFF}
	colPrimary      = color.NRGBA{0x1B, 0x4F, 0x9C, 0xFF}
	colPrimaryDark  = color.NRGBA{0x12, 0x3A, 0x75, 0xFF}
	colButton       = color.NRGBA{0xDF, 0xE7, 0xF3, 0xFF}
	colCard         = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
	colInputBorder  = color.NRGBA{0x6B, 0x7C, 0x96, 0xFF}
	colMuted        = color.NRGBA{0x4A, 0x58, 0x6E, 0xFF}
	colPlaceholder  = color.NRGBA{0x5E, 0x6A, 0x7D, 0xFF}
	colError        = color.NRGBA{0xB4, 0x23, 0x18, 0xFF}
	colSuccess      = color.NRGBA{0x1E, 0x7B, 0x34, 0xFF}
	colWarning      = color.NRGBA{0x9A, 0x4A, 0x00, 0xFF}
	colWarningBG    = color.NRGBA{0xFF, 0xF1, 0xD6, 0xFF}
	colSelected     = color.NRGBA{0xC9, 0xDB, 0xF7, 0xFF}
	colDisabled     = color.NRGBA{0x8A, 0x94, 0xA3, 0xFF}
	colDisabledBtn  = color.NRGBA{0xE4, 0xE8, 0xEE, 0xFF}
	colScrim        = color.NRGBA{0x00, 0x00, 0x00, 0x99}
	colHCBackground = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
	colHCForeground = color.NRGBA{0x00, 0x00, 0x00, 0xFF}
	colHCPrimary    = color.NRGBA{0x00, 0x33, 0x80, 0xFF}
	colHCButton     = color.NRGBA{0xD2, 0xDF, 0xF2, 0xFF}
	colHCMuted      = color.NRGBA{0x20, 0x20, 0x20, 0xFF}
)

func (t *kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	hc := t.elderly
	pick := func(normal, high color.Color) color.Color {
		if hc {
			return high
		}
		return normal
	}
	switch n {
	case theme.ColorNameBackground:
		return pick(colBackground, colHCBackground)
	case theme.ColorNameForeground:
		return pick(colForeground, colHCForeground)
	case theme.ColorNamePrimary, theme.ColorNameHyperlink:
		return pick(colPrimary, colHCPrimary)
	case theme.ColorNameForegroundOnPrimary, theme.ColorNameForegroundOnError,
		theme.ColorNameForegroundOnSuccess, theme.ColorNameForegroundOnWarning:
		return color.White
	case theme.ColorNameButton:
		return pick(colButton, colHCButton)
	case theme.ColorNameDisabledButton:
		return colDisabledBtn
	case theme.ColorNameDisabled:
		return pick(colDisabled, colHCMuted)
	case theme.ColorNamePlaceHolder:
		return pick(colPlaceholder, colHCMuted)
	case theme.ColorNameInputBackground, theme.ColorNameMenuBackground, theme.ColorNameOverlayBackground:
		return colCard
	case theme.ColorNameInputBorder:
		return pick(colInputBorder, colHCForeground)
	case theme.ColorNameError:
		return colError
	case theme.ColorNameSuccess:
		return colSuccess
	case theme.ColorNameWarning:
		return colWarning
	case theme.ColorNameFocus:
		return color.NRGBA{0x1B, 0x4F, 0x9C, 0x80}
	case theme.ColorNameSelection:
		return colSelected
	case theme.ColorNameHover:
		return color.NRGBA{0x1B, 0x4F, 0x9C, 0x18}
	case theme.ColorNamePressed:
		return color.NRGBA{0x1B, 0x4F, 0x9C, 0x40}
	case theme.ColorNameSeparator:
		return pick(color.NRGBA{0xC8, 0xD0, 0xDC, 0xFF}, colHCForeground)
	case theme.ColorNameShadow:
		return color.NRGBA{0, 0, 0, 0x30}
	case theme.ColorNameScrollBar:
		return color.NRGBA{0x1B, 0x4F, 0x9C, 0x99}
	case theme.ColorNameHeaderBackground:
		return pick(colButton, colHCButton)
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

// Font is the CJK font for every style but monospace: Fyne takes Latin
// glyphs, which it lacks, from its default (bold) font.
func (t *kioskTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	return cjkFont
}

func (t *kioskTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Base sizes at normal scale, in Fyne units (pixels at scale 1).
const (
	sizeText       = 26
	sizeHeading    = 44
	sizeSubHeading = 32
	sizeCaption    = 22
)

func (t *kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	s := float32(1)
	if t.elderly {
		s = elderlyScale
	}
	switch n {
	case theme.SizeNameText:
		return sizeText * s
	case theme.SizeNameHeadingText:
		return sizeHeading * s
	case theme.SizeNameSubHeadingText:
		return sizeSubHeading * s
	case theme.SizeNameCaptionText:
		return sizeCaption * s
	case theme.SizeNamePadding:
		return 8
	case theme.SizeNameInnerPadding:
		return 16 * s
	case theme.SizeNameLineSpacing:
		return 6 * s
	case theme.SizeNameInlineIcon:
		return 36 * s
	case theme.SizeNameInputBorder:
		if t.elderly {
			return 3
		}
		return 2
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius:
		return 10
	case theme.SizeNameScrollBar:
		return 20
	case theme.SizeNameScrollBarSmall:
		return 10
	case theme.SizeNameSeparatorThickness:
		return 2
	}
	return theme.DefaultTheme().Size(n)
}

// scale is the factor applied to the kiosk's own fixed sizes (row
// heights, key heights) in the current mode.
func (t *kioskTheme) scale() float32 {
	if t.elderly {
		return elderlyScale
	}
	return 1
}

// touchMin is the smallest height of anything a finger must hit.
const touchMin = 72
