package ui

import (
	"context"

	"govkiosk/kiosk"
)

// The citizen's session: it starts at the first touch or card, every touch
// pushes the idle deadline back, the last 30 seconds count down on screen,
// and its end (idle, card removed, 完成) wipes everything the citizen left.

// touch records that the citizen is there: it starts a session on the
// first interaction and pushes the idle deadline back.
func (k *Kiosk) touch() {
	if k.sess == nil {
		s := kiosk.StartSession(k.svc.Clock(), k.svc.IdleTimeout())
		k.sess = s
		s.OnEnd(func() { k.sessionEnded() })
	}
	k.sess.Touch()
	if k.overlay == ovCountdown {
		k.closeOverlay()
	}
	if k.notice != "" {
		k.notice = ""
	}
}

// onEnd registers f to run when the current session ends: screens that
// showed citizen data clear it there.
func (k *Kiosk) onEnd(f func()) {
	if k.sess != nil {
		k.sess.OnEnd(f)
	}
}

// identity is the identified citizen, or nil.
func (k *Kiosk) identity() *kiosk.Identity {
	if k.sess == nil {
		return nil
	}
	return k.sess.Identity()
}

func (k *Kiosk) endSession() {
	if k.working > 0 {
		k.pendingEnd = true
		return
	}
	if s := k.sess; s != nil {
		s.End() // runs sessionEnded
		return
	}
	k.resetForNextCitizen()
}

// sessionEnded runs as the session's first OnEnd hook: the session has
// wiped identity and runs; the screens registered after it wipe what they
// showed; the next citizen gets the attract screen in the default
// language and mode.
func (k *Kiosk) sessionEnded() {
	k.sess = nil
	k.resetForNextCitizen()
	releaseMemory()
}

func (k *Kiosk) resetForNextCitizen() {
	k.taps = nil
	k.closeOverlay()
	k.lang = k.opts.Language
	if k.elderly != k.opts.Elderly {
		k.setElderly(k.opts.Elderly)
	}
	k.stack = nil
	k.cur = &homeScreen{}
	k.render()
}

func (k *Kiosk) setElderly(on bool) {
	k.elderly = on
	k.th = &kioskTheme{elderly: on}
	k.app.Settings().SetTheme(k.th)
}

func (k *Kiosk) setLanguage(lang string) {
	k.lang = lang
	k.win.SetTitle(T(lang, "app.title"))
}

// tick updates the clock and runs the idle countdown.
func (k *Kiosk) tick() {
	now := k.now()
	if k.clockText != nil {
		k.clockText.Text = now.Format("15:04")
		k.clockText.Refresh()
	}
	if k.notice != "" && now.After(k.noticeUntil) {
		k.notice = ""
		if _, ok := k.cur.(attract); ok {
			k.render()
		}
	}
	if k.sess == nil || k.working > 0 {
		return
	}
	rem := k.sess.Remaining()
	switch {
	case rem <= 0:
		k.endSession()
	case rem <= countdownFrom:
		k.showCountdown(rem)
	}
}

// background runs work off the UI goroutine under a busy overlay, then
// done on the UI goroutine, unless the citizen has left meanwhile.
func (k *Kiosk) background(busy string, work func(ctx context.Context) error, done func(error)) {
	k.working++
	if busy != "" {
		k.showBusy(busy)
	}
	sess := k.sess
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), workTimeout)
		err := work(ctx)
		cancel()
		k.post(func() {
			k.working--
			if k.overlay == ovBusy && k.working == 0 {
				k.closeOverlay()
			}
			if k.pendingEnd && k.working == 0 {
				k.pendingEnd = false
				k.endSession()
				return
			}
			if sess != k.sess {
				return
			}
			if k.sess != nil {
				k.sess.Touch()
			}
			done(err)
		})
	}()
}
