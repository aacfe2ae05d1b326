package maint

import (
	"sync"

	"fyne.io/fyne/v2"
)

// OpenForTest opens maintenance mode without the event pump: tests hand
// events to Handle and run background results with Settle, all on the
// test's goroutine.
func OpenForTest(win fyne.Window, svc Services, opts Options) *Mode {
	q := &postQueue{}
	m := open(win, svc, opts, q.add)
	queues.Store(m, q)
	return m
}

var queues sync.Map

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

// Settle waits for background work and runs its results.
func (m *Mode) Settle() {
	q, _ := queues.Load(m)
	for {
		m.wg.Wait()
		fs := q.(*postQueue).take()
		if len(fs) == 0 {
			return
		}
		for _, f := range fs {
			f()
		}
	}
}
