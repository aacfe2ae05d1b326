package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"govkiosk/kiosk"
	"govkiosk/kiosk/store"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// xorSealer stands in for the hall's sealed box: reversible in tests, and
// never equal to the plaintext, so a test can tell sealed from clear.
type xorSealer struct{}

func (xorSealer) Seal(p []byte) ([]byte, error) {
	out := make([]byte, len(p))
	for i, b := range p {
		out[i] = b ^ 0x5a
	}
	return out, nil
}

func openStore(t testing.TB, opts store.Options) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kiosk.db")
	if opts.Clock == nil {
		opts.Clock = kiosk.NewManualClock(t0)
	}
	if opts.TerminalPrefix == "" {
		opts.TerminalPrefix = "QH0001"
	}
	s, err := store.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func newCase(at time.Time) *kiosk.Case {
	return &kiosk.Case{
		ID: kiosk.NewCaseIDNow(at), ItemCode: "339900-RS-GG-0001", ItemName: "社会保险参保缴费证明打印",
		CatalogVersion: 1, SubmittedAt: at, MaskedName: "测*甲",
		Applicant: &kiosk.Identity{Name: "测试甲", IDNumber: "11010519491231002X"},
		Form:      map[string]string{"phone": "13812345678"},
		Timeline:  []kiosk.StatusEvent{{Status: kiosk.StatusSubmitted, At: at}},
	}
}

func TestSubmitCaseNumbersAndReadsBack(t *testing.T) {
	s, path := openStore(t, store.Options{Sealer: xorSealer{}})
	ctx := context.Background()
	var numbers []string
	for i := 0; i < 3; i++ {
		c := newCase(t0.Add(time.Duration(i) * time.Second))
		if err := s.SubmitCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		if c.TerminalSeq != int64(i+1) {
			t.Errorf("seq = %d, want %d", c.TerminalSeq, i+1)
		}
		if _, err := kiosk.ParseCaseNumber(c.Number); err != nil {
			t.Errorf("number %q does not parse: %v", c.Number, err)
		}
		numbers = append(numbers, c.Number)
	}
	got, err := s.CaseByNumber(ctx, numbers[1])
	if err != nil {
		t.Fatal(err)
	}
	if got.TerminalSeq != 2 || got.MaskedName != "测*甲" || got.Status != kiosk.StatusSubmitted || len(got.Timeline) != 1 {
		t.Errorf("case read back as %+v", got)
	}
	if _, err := s.CaseByNumber(ctx, "QH0001-20261125-000099-X"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown number: %v", err)
	}
	st, err := s.OutboxStats(ctx)
	if err != nil || st.Pending != 3 {
		t.Errorf("outbox = %+v, %v", st, err)
	}
	// Personal data never reaches the file in clear.
	s.Close()
	for _, f := range []string{path, path + "-wal"} {
		data, _ := os.ReadFile(f)
		if bytes.Contains(data, []byte("11010519491231002X")) || bytes.Contains(data, []byte("测试甲")) || bytes.Contains(data, []byte("13812345678")) {
			t.Errorf("%s holds personal data in clear", filepath.Base(f))
		}
	}
}

func TestSubmitWithoutSealerRefused(t *testing.T) {
	s, _ := openStore(t, store.Options{})
	err := s.SubmitCase(context.Background(), newCase(t0))
	if !errors.Is(err, store.ErrNoSealer) || store.UserMessage(err) == "" {
		t.Fatalf("err = %v", err)
	}
}

// A full disk must fail the submit with ErrDiskFull, consume no sequence
// number, leave no half case and keep the store consistent.
func TestSubmitDiskFull(t *testing.T) {
	s, _ := openStore(t, store.Options{Sealer: xorSealer{}, MaxPageCount: 40})
	ctx := context.Background()
	var last *kiosk.Case
	var err error
	big := strings.Repeat("地址", 2000)
	for i := 0; i < 500; i++ {
		c := newCase(t0.Add(time.Duration(i) * time.Millisecond))
		c.Form["note"] = big
		if err = s.SubmitCase(ctx, c); err != nil {
			break
		}
		last = c
	}
	if !errors.Is(err, store.ErrDiskFull) {
		t.Fatalf("want ErrDiskFull, got %v", err)
	}
	if !strings.Contains(store.UserMessage(err), "存储空间已满") {
		t.Errorf("message = %q", store.UserMessage(err))
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	recent, err := s.RecentCases(ctx, 1)
	if err != nil || len(recent) != 1 || recent[0].ID != last.ID {
		t.Fatalf("last good case not the newest: %v", err)
	}
	st, _ := s.OutboxStats(ctx)
	if int64(st.Pending) != last.TerminalSeq {
		t.Errorf("outbox %d != cases %d", st.Pending, last.TerminalSeq)
	}
	// A small case still fits: the failed one consumed no number.
	small := newCase(t0.Add(time.Hour))
	if err := s.SubmitCase(ctx, small); err != nil {
		t.Skipf("no room left even for a small case: %v", err)
	}
	if small.TerminalSeq != last.TerminalSeq+1 {
		t.Errorf("sequence gap: %d after %d", small.TerminalSeq, last.TerminalSeq)
	}
}

func TestEvaluateOnce(t *testing.T) {
	s, _ := openStore(t, store.Options{Sealer: xorSealer{}})
	ctx := context.Background()
	c := newCase(t0)
	if err := s.SubmitCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	e := kiosk.Evaluation{Level: 1, Reasons: []string{"slow", "device"}, Comment: "排队久", At: t0}
	if err := s.EvaluateCase(ctx, c.ID, e); err != nil {
		t.Fatal(err)
	}
	if err := s.EvaluateCase(ctx, c.ID, e); !errors.Is(err, kiosk.ErrAlreadyEvaluated) {
		t.Errorf("second evaluation: %v", err)
	}
	if err := s.EvaluateCase(ctx, "nope", e); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown case: %v", err)
	}
	if err := s.EvaluateCase(ctx, c.ID, kiosk.Evaluation{Level: 9}); err == nil {
		t.Error("level 9 accepted")
	}
	got, _ := s.CaseByNumber(ctx, c.Number)
	if got.Evaluation == nil || got.Evaluation.Level != 1 || len(got.Evaluation.Reasons) != 2 {
		t.Errorf("evaluation = %+v", got.Evaluation)
	}
	st, _ := s.OutboxStats(ctx)
	if st.Pending != 2 {
		t.Errorf("outbox pending = %d, want case + evaluation", st.Pending)
	}
}

func TestConcurrentSubmitsGetDistinctNumbers(t *testing.T) {
	s, _ := openStore(t, store.Options{Sealer: xorSealer{}, Clock: kiosk.SystemClock{}})
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]bool{}
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				c := newCase(time.Now())
				if err := s.SubmitCase(ctx, c); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seen[c.Number] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 40 {
		t.Errorf("%d distinct numbers for 40 cases", len(seen))
	}
}

func TestReopenKeepsData(t *testing.T) {
	s, path := openStore(t, store.Options{Sealer: xorSealer{}})
	ctx := context.Background()
	c := newCase(t0)
	if err := s.SubmitCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := store.Open(path, store.Options{Sealer: xorSealer{}, TerminalPrefix: "QH0001", Clock: kiosk.NewManualClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.CaseByNumber(ctx, c.Number); err != nil {
		t.Fatal(err)
	}
	c2 := newCase(t0)
	if err := s2.SubmitCase(ctx, c2); err != nil || c2.TerminalSeq != 2 {
		t.Errorf("sequence after reopen = %d, %v", c2.TerminalSeq, err)
	}
}

// A store that cannot be written (a card remounted read-only) refuses the
// submit with ErrReadOnly and a message for the citizen.
func TestSubmitReadOnly(t *testing.T) {
	s, path := openStore(t, store.Options{Sealer: xorSealer{}})
	s.Close()
	ro, err := store.Open(path, store.Options{Sealer: xorSealer{}, TerminalPrefix: "QH0001", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	err = ro.SubmitCase(context.Background(), newCase(t0))
	if !errors.Is(err, store.ErrReadOnly) || !strings.Contains(store.UserMessage(err), "存储出现故障") {
		t.Fatalf("err = %v", err)
	}
	if st, err := ro.OutboxStats(context.Background()); err != nil || st.Pending != 0 {
		t.Errorf("outbox after refused submit = %+v, %v", st, err)
	}
}

func TestCasesByApplicant(t *testing.T) {
	s, path := openStore(t, store.Options{Sealer: xorSealer{}})
	ctx := context.Background()
	a1, a2 := newCase(t0), newCase(t0.Add(time.Second))
	other := newCase(t0.Add(2 * time.Second))
	other.Applicant = &kiosk.Identity{Name: "测试乙", IDNumber: "339900199507214564"}
	for _, c := range []*kiosk.Case{a1, other, a2} {
		if err := s.SubmitCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.CasesByApplicant(ctx, "11010519491231002X")
	if err != nil || len(got) != 2 || got[0].ID != a2.ID || got[1].ID != a1.ID {
		t.Fatalf("cases = %v, %v", got, err)
	}
	s.Close()
	data, _ := os.ReadFile(path)
	wal, _ := os.ReadFile(path + "-wal")
	if bytes.Contains(append(data, wal...), []byte("11010519491231002X")) {
		t.Error("the ID number is on disk")
	}
}
