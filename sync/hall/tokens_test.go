package hall

import (
	"database/sql"
	"net/http"
	"testing"
	"time"
)

// A terminal's token is asked of the store at most once per tokenTTL. A
// revoked token (its stored hash replaced, as a revocation would do) keeps
// working until the remembered lookup expires and not a moment longer; a
// token the store refused is not remembered, so one that becomes valid
// again works at once.
func TestRevokedTokenStopsWorkingWithinTokenTTL(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("一号机")
	db, err := sql.Open("sqlite", "file:"+h.db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	setTokenHash := func(hash []byte) {
		t.Helper()
		if _, err := db.Exec(`UPDATE terminals SET token_hash = ? WHERE id = ?`, hash, tm.id); err != nil {
			t.Fatal(err)
		}
	}
	status := func() int {
		code, _, _ := tm.get("/v1/catalog/manifest", nil)
		return code
	}
	steps := []struct {
		name    string
		act     func()
		advance time.Duration
		want    int
	}{
		{name: "enrolled token", want: http.StatusOK},
		{name: "revoked, lookup remembered", act: func() { setTokenHash([]byte{0}) }, want: http.StatusOK},
		{name: "revoked, just before tokenTTL", advance: tokenTTL - time.Millisecond, want: http.StatusOK},
		{name: "revoked, tokenTTL after the lookup", advance: time.Millisecond, want: http.StatusUnauthorized},
		{name: "valid again", act: func() { sum := hashOf(tm.token); setTokenHash(sum[:]) }, want: http.StatusOK},
	}
	for _, st := range steps {
		if st.act != nil {
			st.act()
		}
		h.clock.Advance(st.advance)
		if got := status(); got != st.want {
			t.Fatalf("%s: HTTP %d, want %d", st.name, got, st.want)
		}
	}
}
