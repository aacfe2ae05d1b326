// Package console is the hall's web console for hall officers (管理控制台):
// terminals, enrolment codes, catalogue publishing, the case inbox and the
// 好差评 statistics. It is server-rendered HTML (html/template, embedded),
// with no JavaScript, mounted by "hall serve" under /console/ beside the
// terminal API, which it does not change.
//
// Security rules, each kept by the code named:
//
//   - Passwords are stored as self-describing argon2id hashes and compared
//     in constant time (HashPassword, CheckPassword); an unknown name costs
//     the same hash as a known one (login), so timing does not tell which
//     names exist.
//   - After LockAfter failures in a row an admin is locked for LockFor; the
//     count lives in the store, so every hall instance sees it (login).
//   - The session cookie is random, HttpOnly, SameSite=Strict, Secure over
//     TLS (setCookie), scoped to /console/; the store keeps only its SHA-256
//     (startSession), so a copy of the database opens no session.
//   - Every POST carries the session's CSRF token, compared in constant
//     time (authed); the login form carries one tied to a cookie of its own.
//   - Case pages and images are rendered from the case as opened for this
//     request and never written to disk; every console response is
//     Cache-Control: no-store (ServeHTTP). The applicant's identity is
//     masked unless the officer asks to see it, which is logged with the
//     officer's name and the case number only.
package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"govkiosk/kiosk"
	"govkiosk/sync/hall"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config configures a console. Zero fields take the defaults of
// DefaultConfig.
type Config struct {
	Hall   *hall.Server
	Clock  kiosk.Clock
	Rand   io.Reader
	Logger *slog.Logger
	// Location is the time zone times are shown in.
	Location *time.Location

	// SessionTTL is how long a login lasts: one working day.
	SessionTTL time.Duration
	// LockAfter failed logins in a row lock the admin for LockFor.
	LockAfter int
	LockFor   time.Duration
	// MaxUploadBytes caps an uploaded catalogue file.
	MaxUploadBytes int64
}

// DefaultConfig returns the defaults; Hall is left nil.
func DefaultConfig() Config {
	return Config{
		Clock:          kiosk.SystemClock{},
		Rand:           rand.Reader,
		Logger:         slog.Default(),
		Location:       time.Local,
		SessionTTL:     10 * time.Hour,
		LockAfter:      5,
		LockFor:        15 * time.Minute,
		MaxUploadBytes: 16 << 20,
	}
}

// Prefix is where the console is mounted.
const Prefix = "/console/"

const (
	sessionCookie = "gk_console"
	loginCookie   = "gk_console_login" // ties the login form's CSRF token to this browser
)

// Console is the web console. It is an http.Handler for paths under Prefix.
type Console struct {
	cfg   Config
	hall  *hall.Server
	store hall.Store
	log   *slog.Logger
	tmpl  map[string]*template.Template
	mux   *http.ServeMux
	// dummyHash is checked for unknown names so they cost what a real
	// admin's login costs.
	dummyHash string

	namesMu sync.Mutex
	names   itemNames
}

// New builds a console for cfg.Hall.
func New(cfg Config) (*Console, error) {
	d := DefaultConfig()
	if cfg.Hall == nil {
		return nil, errors.New("console: no hall")
	}
	if cfg.Clock == nil {
		cfg.Clock = d.Clock
	}
	if cfg.Rand == nil {
		cfg.Rand = d.Rand
	}
	if cfg.Logger == nil {
		cfg.Logger = d.Logger
	}
	if cfg.Location == nil {
		cfg.Location = d.Location
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = d.SessionTTL
	}
	if cfg.LockAfter <= 0 {
		cfg.LockAfter = d.LockAfter
	}
	if cfg.LockFor <= 0 {
		cfg.LockFor = d.LockFor
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = d.MaxUploadBytes
	}
	c := &Console{cfg: cfg, hall: cfg.Hall, store: cfg.Hall.Store(), log: cfg.Logger}
	var err error
	if c.tmpl, err = parseTemplates(cfg.Location); err != nil {
		return nil, err
	}
	if c.dummyHash, err = HashPassword("not a password of anyone", cfg.Rand); err != nil {
		return nil, err
	}
	c.routes()
	return c, nil
}

func (c *Console) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	m.Handle("GET /console/static/", http.StripPrefix("/console/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /console/login", c.loginPage)
	m.HandleFunc("POST /console/login", c.login)
	m.Handle("POST /console/logout", c.authed(c.logout))
	m.Handle("GET /console/{$}", http.RedirectHandler("/console/terminals", http.StatusSeeOther))
	m.Handle("GET /console/terminals", c.authed(c.terminalsPage))
	m.Handle("GET /console/terminals/{id}/logs", c.authed(c.logsPage))
	m.Handle("POST /console/terminals/{id}/logs", c.authed(c.requestLogs))
	m.Handle("GET /console/terminals/{id}/logs/{bundle}", c.authed(c.downloadLogs))
	m.Handle("GET /console/terminals/{id}/commands", c.authed(c.commandsPage))
	m.Handle("POST /console/terminals/{id}/commands", c.authed(c.queueCommand))
	m.Handle("GET /console/codes", c.authed(c.codesPage))
	m.Handle("POST /console/codes", c.authed(c.makeCode))
	m.Handle("GET /console/catalog", c.authed(c.catalogPage))
	m.Handle("POST /console/catalog", c.authed(c.publish))
	m.Handle("GET /console/cases", c.authed(c.casesPage))
	m.Handle("GET /console/cases/{number}", c.authed(c.casePage))
	m.Handle("POST /console/cases/{number}/status", c.authed(c.setStatus))
	m.Handle("GET /console/cases/{number}/pages/{material}/{page}", c.authed(c.pageImage))
	m.Handle("GET /console/evaluations", c.authed(c.evaluationsPage))
	c.mux = m
}

// ServeHTTP serves the console's paths.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// Pages show citizens' cases: no cache anywhere may keep them, no
	// other site may frame them, and nothing but our own files runs.
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.mux.ServeHTTP(w, r)
}

// session is the logged-in admin of a request.
type session struct {
	hall.AdminSession
}

// authed passes requests of a live session on, checking the CSRF token of
// every POST; others go to the login page.
func (c *Console) authed(h func(http.ResponseWriter, *http.Request, session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(sessionCookie)
		if err != nil {
			c.toLogin(w, r, "")
			return
		}
		s, err := c.store.Session(r.Context(), sha256.Sum256([]byte(ck.Value)), c.cfg.Clock.Now())
		if errors.Is(err, hall.ErrNotFound) {
			c.toLogin(w, r, "expired")
			return
		}
		if err != nil {
			c.fail(w, r, "读取登录状态", err)
			return
		}
		if r.Method == http.MethodPost {
			if err := c.readForm(w, r); err != nil {
				c.badForm(w, r, err)
				return
			}
			if !csrfOK(r, s.CSRF) {
				c.forbidden(w, r)
				return
			}
		}
		h(w, r, session{s})
	})
}

// readForm parses the POST body within the upload limit, multipart forms
// (the catalogue upload) in memory so that no upload reaches the disk.
func (c *Console) readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, c.cfg.MaxUploadBytes+64<<10)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return r.ParseMultipartForm(c.cfg.MaxUploadBytes + 64<<10)
	}
	return r.ParseForm()
}

// csrfOK checks the parsed form's csrf field against want.
func csrfOK(r *http.Request, want string) bool {
	got := r.PostFormValue("csrf")
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// badForm answers a POST whose body could not be read.
func (c *Console) badForm(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		c.render(w, http.StatusRequestEntityTooLarge, "error", page{Title: "文件太大",
			Error: fmt.Sprintf("上传的内容超过 %d MB，未做任何更改。", c.cfg.MaxUploadBytes>>20)})
		return
	}
	c.render(w, http.StatusBadRequest, "error", page{Title: "无法提交", Error: "表单内容无法读取，未做任何更改：" + err.Error()})
}

func (c *Console) toLogin(w http.ResponseWriter, r *http.Request, why string) {
	target := "/console/login"
	if why != "" {
		target += "?m=" + why
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (c *Console) forbidden(w http.ResponseWriter, r *http.Request) {
	c.render(w, http.StatusForbidden, "error", page{Title: "无法提交", Error: "表单已过期或来源不明，未做任何更改。请返回上一页、刷新后重试。"})
}

// fail answers an unexpected error: the officer is told plainly, the
// technician finds the detail in the log.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, doing string, err error) {
	c.log.Error("console", "doing", doing, "path", r.URL.Path, "err", err)
	code := http.StatusInternalServerError
	msg := doing + "时出错，请稍后重试；如果一直出错，请联系技术人员查看大厅服务日志。"
	if errors.Is(err, hall.ErrUnavailable) || errors.Is(err, hall.ErrClosed) {
		code = http.StatusServiceUnavailable
		msg = "大厅服务的存储暂时不可用（" + doing + "），请稍后重试。"
	}
	c.render(w, code, "error", page{Title: "出错了", Error: msg})
}

func (c *Console) randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(c.cfg.Rand, b); err != nil {
		return "", fmt.Errorf("console: random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// setCookie sets a console cookie, Secure when the browser reached us over
// TLS: directly, or through a reverse proxy that says so. Trusting the
// proxy's header is safe here because it can only add Secure; a forged one
// makes the forger's own login fail to stick over plain HTTP.
func (c *Console) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	secure := r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: Prefix, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure,
	})
}

// Mount returns a handler serving the console under Prefix and everything
// else with api (the hall's terminal API, /metrics and /healthz).
func Mount(api http.Handler, con *Console) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(Prefix, con)
	mux.Handle("GET /console", http.RedirectHandler(Prefix, http.StatusMovedPermanently))
	mux.Handle("/", api)
	return mux
}

// AddAdmin creates an admin or resets its password, for "hall admin user
// add". The password is checked with CheckNewPassword.
func AddAdmin(ctx context.Context, st hall.AdminStore, name, password string, now time.Time, rnd io.Reader) error {
	if err := CheckAdminName(name); err != nil {
		return err
	}
	if err := CheckNewPassword(password); err != nil {
		return err
	}
	h, err := HashPassword(password, rnd)
	if err != nil {
		return err
	}
	return st.PutAdmin(ctx, hall.Admin{Name: name, PasswordHash: h, CreatedAt: now})
}

// CheckAdminName says what is wrong with an admin name, or nil: 1–32
// letters, digits, '.', '_' or '-', so names are unambiguous in logs.
func CheckAdminName(name string) error {
	if name == "" || len(name) > 32 {
		return fmt.Errorf("admin name %q: want 1 to 32 characters", name)
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok {
			return fmt.Errorf("admin name %q: use only letters, digits, '.', '_' and '-'", name)
		}
	}
	return nil
}
