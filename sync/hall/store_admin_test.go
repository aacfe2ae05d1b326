package hall

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// runAdminStoreContract checks the behaviour every AdminStore must have,
// through the Store interface only, like runStoreContract: the SQLite store
// runs it (TestSQLiteAdminStoreContract), and so should a PostgreSQL one.
func runAdminStoreContract(t *testing.T, open func(t *testing.T) Store) {
	tests := []struct {
		name string
		run  func(*testing.T, Store)
	}{
		{"PutAdminCreatesAndResets", testPutAdminCreatesAndResets},
		{"FailuresLockAndSuccessUnlocks", testFailuresLockAndSuccessUnlocks},
		{"ConcurrentFailuresAreAllCounted", testConcurrentFailuresAreAllCounted},
		{"SessionsExpireAndEnd", testSessionsExpireAndEnd},
		{"EvaluationStatsPerItemAndTerminal", testEvaluationStatsPerItemAndTerminal},
		{"CatalogVersionsNewestFirst", testCatalogVersionsNewestFirst},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

func testPutAdminCreatesAndResets(t *testing.T, s Store) {
	ctx := context.Background()
	if _, err := s.Admin(ctx, "wang"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown admin: %v, want ErrNotFound", err)
	}
	for _, name := range []string{"zhang", "wang"} {
		if err := s.PutAdmin(ctx, Admin{Name: name, PasswordHash: "h1-" + name, CreatedAt: testEpoch}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RecordLogin(ctx, "wang", false, testEpoch, 1, time.Hour); err != nil {
		t.Fatal(err)
	}
	sess := AdminSession{Hash: hashOf("cookie"), Admin: "wang", CreatedAt: testEpoch, ExpiresAt: testEpoch.Add(time.Hour), CSRF: "c"}
	if err := s.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAdmin(ctx, Admin{Name: "wang", PasswordHash: "h2", CreatedAt: testEpoch.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	a, err := s.Admin(ctx, "wang")
	want := Admin{Name: "wang", PasswordHash: "h2", CreatedAt: testEpoch}
	if err != nil || a != want {
		t.Errorf("after reset: %+v, %v; want %+v (new hash, lock cleared, created kept)", a, err, want)
	}
	if _, err := s.Session(ctx, sess.Hash, testEpoch); !errors.Is(err, ErrNotFound) {
		t.Errorf("session after password reset: %v, want ErrNotFound", err)
	}
	all, err := s.Admins(ctx)
	if err != nil || len(all) != 2 || all[0].Name != "wang" || all[1].Name != "zhang" {
		t.Errorf("admins: %+v, %v; want wang, zhang", all, err)
	}
}

func testFailuresLockAndSuccessUnlocks(t *testing.T, s Store) {
	ctx := context.Background()
	if _, err := s.RecordLogin(ctx, "nobody", false, testEpoch, 3, time.Minute); !errors.Is(err, ErrNotFound) {
		t.Errorf("login of unknown admin: %v, want ErrNotFound", err)
	}
	if err := s.PutAdmin(ctx, Admin{Name: "li", PasswordHash: "h", CreatedAt: testEpoch}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		a, err := s.RecordLogin(ctx, "li", false, testEpoch, 3, 15*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		wantLock := time.Time{}
		if i == 3 {
			wantLock = testEpoch.Add(15 * time.Minute)
		}
		if a.Failures != i || !a.LockedUntil.Equal(wantLock) {
			t.Errorf("failure %d: failures %d, locked until %v; want %d, %v", i, a.Failures, a.LockedUntil, i, wantLock)
		}
	}
	later := testEpoch.Add(20 * time.Minute)
	a, err := s.RecordLogin(ctx, "li", false, later, 3, 15*time.Minute)
	if err != nil || !a.LockedUntil.Equal(later.Add(15*time.Minute)) {
		t.Errorf("failure after the lockout: %+v, %v; want locked again", a, err)
	}
	a, err = s.RecordLogin(ctx, "li", true, later, 3, 15*time.Minute)
	if err != nil || a.Failures != 0 || !a.LockedUntil.IsZero() {
		t.Errorf("success: %+v, %v; want failures and lock cleared", a, err)
	}
	if stored, _ := s.Admin(ctx, "li"); stored != a {
		t.Errorf("stored %+v, returned %+v", stored, a)
	}
}

func testConcurrentFailuresAreAllCounted(t *testing.T, s Store) {
	ctx := context.Background()
	if err := s.PutAdmin(ctx, Admin{Name: "zhao", PasswordHash: "h", CreatedAt: testEpoch}); err != nil {
		t.Fatal(err)
	}
	const n = 16
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.RecordLogin(ctx, "zhao", false, testEpoch, 100, time.Minute); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if a, err := s.Admin(ctx, "zhao"); err != nil || a.Failures != n {
		t.Errorf("after %d concurrent failures: %+v, %v", n, a, err)
	}
}

func testSessionsExpireAndEnd(t *testing.T, s Store) {
	ctx := context.Background()
	if err := s.PutAdmin(ctx, Admin{Name: "qian", PasswordHash: "h", CreatedAt: testEpoch}); err != nil {
		t.Fatal(err)
	}
	sess := AdminSession{Hash: hashOf("cookie-1"), Admin: "qian", CreatedAt: testEpoch, ExpiresAt: testEpoch.Add(time.Hour), CSRF: "token-1"}
	if err := s.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(ctx, sess.Hash, testEpoch.Add(59*time.Minute))
	if err != nil || got.Admin != "qian" || got.CSRF != "token-1" || !got.ExpiresAt.Equal(sess.ExpiresAt) || !got.CreatedAt.Equal(testEpoch) {
		t.Errorf("live session: %+v, %v", got, err)
	}
	if _, err := s.Session(ctx, sess.Hash, testEpoch.Add(time.Hour)); !errors.Is(err, ErrNotFound) {
		t.Errorf("session at its expiry: %v, want ErrNotFound", err)
	}
	if _, err := s.Session(ctx, hashOf("cookie-2"), testEpoch); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown session: %v, want ErrNotFound", err)
	}
	other := AdminSession{Hash: hashOf("cookie-3"), Admin: "qian", CreatedAt: testEpoch, ExpiresAt: testEpoch.Add(time.Hour), CSRF: "token-3"}
	if err := s.CreateSession(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, sess.Hash); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, sess.Hash); err != nil {
		t.Errorf("deleting an ended session: %v", err)
	}
	if _, err := s.Session(ctx, sess.Hash, testEpoch); !errors.Is(err, ErrNotFound) {
		t.Errorf("ended session: %v, want ErrNotFound", err)
	}
	if _, err := s.Session(ctx, other.Hash, testEpoch); err != nil {
		t.Errorf("ending one session ended another: %v", err)
	}
}

func testEvaluationStatsPerItemAndTerminal(t *testing.T, s Store) {
	ctx := context.Background()
	initStore(t, s)
	if st, err := s.EvaluationStats(ctx); err != nil || len(st.ByItem) != 0 || len(st.ByTerminal) != 0 {
		t.Fatalf("stats without evaluations: %+v, %v", st, err)
	}
	a, b := enrollDirect(t, s, 1), enrollDirect(t, s, 2)
	// Terminal a: two cases of item X rated 5 and 2, one of the default
	// item rated 3; terminal b: one case of X rated 1, one not rated.
	plan := []struct {
		term  string
		item  string
		level int
	}{{a, "X", 5}, {a, "X", 2}, {a, "339900-GA-GG-0001", 3}, {b, "X", 1}, {b, "X", 0}}
	for i, p := range plan {
		c := storeCase(p.term, int64(i+1))
		c.ItemCode = p.item
		if _, err := s.ApplyCases(ctx, p.term, []NewCase{c}, testEpoch); err != nil {
			t.Fatal(err)
		}
		if p.level == 0 {
			continue
		}
		outs, err := s.ApplyEvaluations(ctx, p.term, []NewEvaluation{{CaseID: c.ID, Level: p.level, At: testEpoch}}, testEpoch)
		if err != nil || outs[0].Result != ResultApplied {
			t.Fatalf("evaluation %d: %+v, %v", i, outs, err)
		}
	}
	st, err := s.EvaluationStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantItems := []EvaluationCount{
		{Key: "339900-GA-GG-0001", Levels: [5]int64{0, 0, 1, 0, 0}},
		{Key: "X", Levels: [5]int64{1, 1, 0, 0, 1}},
	}
	wantTerms := []EvaluationCount{
		{Key: a, Levels: [5]int64{0, 1, 1, 0, 1}},
		{Key: b, Levels: [5]int64{1, 0, 0, 0, 0}},
	}
	if fmt.Sprint(st.ByItem) != fmt.Sprint(wantItems) || fmt.Sprint(st.ByTerminal) != fmt.Sprint(wantTerms) {
		t.Errorf("stats:\n by item %v\n want    %v\n by terminal %v\n want        %v", st.ByItem, wantItems, st.ByTerminal, wantTerms)
	}
}

func testCatalogVersionsNewestFirst(t *testing.T, s Store) {
	ctx := context.Background()
	initStore(t, s)
	for v := int64(2); v <= 4; v++ {
		if err := s.PutCatalog(ctx, testCatalog(v, "A", "B", fmt.Sprint("C", v))); err != nil {
			t.Fatal(err)
		}
	}
	vs, err := s.CatalogVersions(ctx, 3)
	if err != nil || len(vs) != 3 {
		t.Fatalf("versions: %+v, %v", vs, err)
	}
	for i, v := range vs {
		want := CatalogSummary{Version: int64(4 - i), SHA256: fmt.Sprint("sha", 4-i), PublishedAt: testEpoch, Items: 3,
			Bytes: int64(len(fmt.Sprintf(`{"version":%d}`, 4-i)))}
		if v != want {
			t.Errorf("versions[%d] = %+v, want %+v", i, v, want)
		}
	}
}

func TestSQLiteAdminStoreContract(t *testing.T) {
	runAdminStoreContract(t, func(t *testing.T) Store { return openTestStore(t) })
}

// Satisfaction counts 基本满意 and better, as the 好差评 rules publish it.
func TestSatisfactionCountsLevelThreeAndUp(t *testing.T) {
	for _, tt := range []struct {
		levels [5]int64
		want   float64
	}{
		{[5]int64{}, 0},
		{[5]int64{1, 1, 1, 1, 0}, 0.5},
		{[5]int64{0, 0, 2, 0, 0}, 1},
		{[5]int64{3, 0, 0, 0, 1}, 0.25},
	} {
		if got := (EvaluationCount{Levels: tt.levels}).Satisfaction(); got != tt.want {
			t.Errorf("Satisfaction(%v) = %v, want %v", tt.levels, got, tt.want)
		}
	}
}
