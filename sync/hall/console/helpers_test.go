package console

import (
	"bytes"
	"context"
	"crypto/rand"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"govkiosk/kiosk"
	"govkiosk/kiosk/retry"
	"govkiosk/kiosk/store"
	"govkiosk/sync/client"
	"govkiosk/sync/hall"
)

const (
	testAdmin    = "wang"
	testPassword = "correct horse battery"
)

// env is a real hall on a SQLite file with its console, served on loopback
// as "hall serve" serves them, and a clock the test moves.
type env struct {
	t     *testing.T
	hall  *hall.Server
	con   *Console
	srv   *httptest.Server
	clock *kiosk.ManualClock
	dir   string
}

func newEnv(t *testing.T) *env { return newEnvTLS(t, false) }

func newEnvTLS(t *testing.T, tls bool) *env {
	t.Helper()
	dir := t.TempDir()
	clock := kiosk.NewManualClock(time.Now().UTC().Truncate(time.Second))
	log := slog.New(slog.DiscardHandler)
	h, err := hall.Open(context.Background(), hall.Config{DB: filepath.Join(dir, "hall.db"), Clock: clock, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	con, err := New(Config{Hall: h, Clock: clock, Logger: log, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, hall: h, con: con, clock: clock, dir: dir}
	if err := AddAdmin(context.Background(), h.Store(), testAdmin, testPassword, clock.Now(), rand.Reader); err != nil {
		t.Fatal(err)
	}
	handler := Mount(h.Handler(), con)
	if tls {
		e.srv = httptest.NewTLSServer(handler)
	} else {
		e.srv = httptest.NewServer(handler)
	}
	t.Cleanup(e.srv.Close)
	return e
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so tests see each answer.
type browser struct {
	t    *testing.T
	e    *env
	c    *http.Client
	csrf string // the session's token, from the last page
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: e.srv.Client().Transport, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &browser{t: e.t, e: e, c: c}
}

type resp struct {
	code   int
	header http.Header
	body   string
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) resp {
	b.t.Helper()
	r, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer r.Body.Close()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	if m := csrfRE.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp{r.StatusCode, r.Header, string(body)}
}

func (b *browser) get(path string) resp {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a form; the session's CSRF token is added unless form has
// one.
func (b *browser) post(path string, form url.Values) resp {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	req, err := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// upload posts a file as the catalogue form does.
func (b *browser) upload(path, field, name string, data []byte) resp {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", b.csrf)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.e.srv.URL+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// login logs in with the password and returns the answer.
func (b *browser) login(name, password string) resp {
	b.t.Helper()
	if r := b.get("/console/login"); r.code != http.StatusOK {
		b.t.Fatalf("login page: %d", r.code)
	}
	return b.post("/console/login", url.Values{"name": {name}, "password": {password}})
}

// loggedIn is a browser with a live session.
func (e *env) loggedIn() *browser {
	e.t.Helper()
	b := e.browser()
	if r := b.login(testAdmin, testPassword); r.code != http.StatusSeeOther || r.header.Get("Location") != "/console/terminals" {
		e.t.Fatalf("login: %d %s", r.code, r.body)
	}
	if r := b.get("/console/terminals"); r.code != http.StatusOK {
		e.t.Fatalf("after login: %d", r.code)
	}
	return b
}

// terminal is an enrolled terminal: the real sync client over its own
// SQLite store.
type terminal struct {
	creds *client.Credentials
	store *store.Store
	cl    *client.Client
}

func (e *env) enrol(code, name string) *terminal {
	e.t.Helper()
	ctx := context.Background()
	creds, err := client.Enroll(ctx, e.srv.Client(), e.srv.URL, code, name)
	if err != nil {
		e.t.Fatal(err)
	}
	sealer, err := creds.NewSealer()
	if err != nil {
		e.t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(e.t.TempDir(), "kiosk.db"), store.Options{TerminalPrefix: creds.TerminalID, Sealer: sealer})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	cl, err := client.New(client.Config{Credentials: creds, Store: st, HTTP: e.srv.Client(), AppVersion: "1.4.2",
		Devices: func() []client.DeviceHealth {
			return []client.DeviceHealth{
				{Name: "身份证阅读器", Kind: "idcard", State: "ok"},
				{Name: "凭条打印机", Kind: "printer", State: "warning", Detail: "纸将用尽"},
			}
		}})
	if err != nil {
		e.t.Fatal(err)
	}
	return &terminal{creds: creds, store: st, cl: cl}
}

// submit stores a case with two scanned pages (a JPEG and bytes that are
// not one) and delivers it to the hall.
func (term *terminal) submit(t *testing.T) *kiosk.Case {
	t.Helper()
	now := time.Now()
	c := &kiosk.Case{ID: kiosk.NewCaseIDNow(now), ItemCode: "339900-GA-GG-0001", ItemName: "居住证申领", CatalogVersion: 1,
		SubmittedAt: now, MaskedName: "张*丰",
		Applicant: &kiosk.Identity{CardType: kiosk.CardResident, Name: "张三丰", Gender: "男", BirthDate: "1949-12-31",
			Address: "北京市东城区景山前街4号", IDNumber: "11010519491231002X", Source: "idcard"},
		Form: map[string]string{"phone": "13812345678"},
		Materials: []kiosk.MaterialRecord{
			{ID: "m1", Name: "居民身份证", Choice: kiosk.MaterialScanned, Pages: [][]byte{testJPEG(t, 428, 270), []byte("not a jpeg at all")}},
			{ID: "m2", Name: "居住证明", Choice: kiosk.MaterialLater},
		},
		Timeline: []kiosk.StatusEvent{{Status: kiosk.StatusSubmitted, At: now}}}
	if err := term.store.SubmitCase(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	term.drain(t)
	return c
}

func (term *terminal) drain(t *testing.T) {
	t.Helper()
	if _, err := term.cl.Drain(context.Background(), &retry.Backoff{Min: time.Millisecond, Max: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if st, _ := term.store.OutboxStats(context.Background()); st.Pending != 0 || st.Parked != 0 {
		t.Fatalf("outbox after drain: %+v", st)
	}
}

// testJPEG draws a card-like scan: a pale page, lines of "text" and a
// photo box, so screenshots look like what officers see.
func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{244, 240, 228, 255}
			switch {
			case x > w*2/3 && x < w-w/12 && y > h/6 && y < h*2/3:
				c = color.RGBA{150, 160, 175, 255} // photo
			case x > w/12 && x < w*3/5 && y%(h/8) < h/40 && y > h/8 && y < h*7/8:
				c = color.RGBA{70, 70, 80, 255} // a line of text
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
