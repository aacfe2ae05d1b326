package hall

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func openTestStore(t *testing.T) *SQLiteStore {
	t.Helper()
	s, err := OpenSQLite(filepath.Join(t.TempDir(), "hall.db"), SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLiteStoreContract(t *testing.T) {
	runStoreContract(t, func(t *testing.T) Store { return openTestStore(t) })
}

func TestFailingWriteDoesNotFailItsGroup(t *testing.T) {
	s := openTestStore(t)
	term := enrollDirect(t, s, 1)
	// Hold the committer so the next writes queue up and share a group.
	release := make(chan struct{})
	held := make(chan struct{})
	go s.write(func(*wtx) error { close(held); <-release; return nil })
	<-held
	var wg sync.WaitGroup
	results := make([]error, 6)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 3 {
				results[i] = s.write(func(tx *wtx) error {
					if _, err := tx.exec(`INSERT INTO meta (key, value) VALUES ('poison', 1)`); err != nil {
						return err
					}
					return errors.New("poison")
				})
				return
			}
			_, results[i] = s.ApplyCases(context.Background(), term, []NewCase{storeCase(term, int64(i+1))}, testEpoch)
		}()
	}
	time.Sleep(50 * time.Millisecond) // let all six queue behind the held write
	close(release)
	wg.Wait()
	for i, err := range results {
		if (i == 3) != (err != nil) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	cs, _ := s.Cases(context.Background(), CaseQuery{})
	if len(cs) != 5 {
		t.Errorf("%d cases stored, want the 5 good writes", len(cs))
	}
	var n int
	s.rdb.QueryRow(`SELECT count(*) FROM meta WHERE key = 'poison'`).Scan(&n)
	if n != 0 {
		t.Error("the failing write's insert was committed")
	}
}

func TestWritesAfterCloseFail(t *testing.T) {
	s, err := OpenSQLite(filepath.Join(t.TempDir(), "hall.db"), SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.CreateCode(context.Background(), EnrolmentCode{}); !errors.Is(err, ErrClosed) {
		t.Errorf("write after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
