package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"govkiosk/assets"
	"govkiosk/kiosk"
	"govkiosk/sync/client"
)

func TestPagesNeedALogin(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	for _, p := range []string{"/console/", "/console/terminals", "/console/codes", "/console/catalog", "/console/cases",
		"/console/evaluations", "/console/cases/K0001-20261125-000001-X", "/console/cases/K0001-20261125-000001-X/pages/0/0",
		"/console/terminals/K0001/logs", "/console/terminals/K0001/logs/00000000-0000-4000-8000-000000000001"} {
		r := b.get(p)
		if p == "/console/" {
			r = b.get(r.header.Get("Location"))
		}
		if r.code != http.StatusSeeOther || r.header.Get("Location") != "/console/login" {
			t.Errorf("GET %s without a session: %d → %q, want 303 to the login page", p, r.code, r.header.Get("Location"))
		}
	}
	if r := b.post("/console/codes", nil); r.code != http.StatusSeeOther {
		t.Errorf("POST without a session: %d", r.code)
	}
}

func TestLoginSetsAStrictSessionCookieAndLogoutEndsIt(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	r := b.login(testAdmin, testPassword)
	if r.code != http.StatusSeeOther {
		t.Fatalf("login: %d %s", r.code, r.body)
	}
	var session *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != Prefix || session.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/console/, not Secure over plain HTTP", session)
	}
	page := b.get("/console/terminals")
	if page.code != http.StatusOK || !strings.Contains(page.body, testAdmin) || page.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("terminals after login: %d, Cache-Control %q", page.code, page.header.Get("Cache-Control"))
	}
	if strings.Contains(page.body, "<script") {
		t.Error("the console sends JavaScript")
	}
	if r := b.post("/console/logout", nil); r.code != http.StatusSeeOther || r.header.Get("Location") != "/console/login?m=out" {
		t.Fatalf("logout: %d %q", r.code, r.header.Get("Location"))
	}
	if r := b.get("/console/terminals"); r.code != http.StatusSeeOther {
		t.Errorf("after logout: %d, want a redirect to login", r.code)
	}
	// The old cookie, replayed by someone who copied it, opens nothing:
	// the session is gone from the store, not just from the browser.
	replay := e.browser()
	u, _ := url.Parse(e.srv.URL + "/console/")
	replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: session.Value}})
	if r := replay.get("/console/terminals"); r.code != http.StatusSeeOther {
		t.Errorf("replayed cookie after logout: %d, want a redirect to login", r.code)
	}
}

func TestSessionCookieIsSecureOverTLS(t *testing.T) {
	e := newEnvTLS(t, true)
	r := e.browser().login(testAdmin, testPassword)
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == sessionCookie && c.Value != "" && !c.Secure {
			t.Errorf("session cookie over TLS is not Secure: %+v", c)
		}
	}
	if r.code != http.StatusSeeOther {
		t.Errorf("login over TLS: %d", r.code)
	}
}

func TestSessionCookieIsSecureBehindATLSProxy(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/console/login")
	form := url.Values{"csrf": {b.csrf}, "name": {testAdmin}, "password": {testPassword}}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/console/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	r := b.do(req)
	secure := false
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		secure = secure || c.Name == sessionCookie && c.Value != "" && c.Secure
	}
	if r.code != http.StatusSeeOther || !secure {
		t.Errorf("login through a TLS proxy: %d, Secure session cookie %v", r.code, secure)
	}
}

func TestWrongPasswordAndUnknownNameLookTheSame(t *testing.T) {
	e := newEnv(t)
	wrong := e.browser().login(testAdmin, "not the password")
	unknown := e.browser().login("li", "not the password")
	for name, r := range map[string]resp{"wrong password": wrong, "unknown name": unknown} {
		if r.code != http.StatusUnauthorized || !strings.Contains(r.body, "用户名或密码不正确") {
			t.Errorf("%s: %d, want 401 saying 用户名或密码不正确", name, r.code)
		}
	}
}

func TestRepeatedFailuresLockTheAdmin(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	for i := 1; i <= e.con.cfg.LockAfter; i++ {
		r := b.login(testAdmin, "guess")
		if r.code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, r.code)
		}
		if locked := strings.Contains(r.body, "已锁定"); locked != (i == e.con.cfg.LockAfter) {
			t.Errorf("failure %d: page says locked = %v", i, locked)
		}
	}
	if r := b.login(testAdmin, testPassword); r.code != http.StatusTooManyRequests || !strings.Contains(r.body, "暂时锁定") {
		t.Errorf("right password while locked: %d, want 429 and the lockout explained", r.code)
	}
	e.clock.Advance(e.con.cfg.LockFor)
	if r := b.login(testAdmin, testPassword); r.code != http.StatusSeeOther {
		t.Fatalf("right password after the lockout: %d", r.code)
	}
	a, err := e.hall.Store().Admin(context.Background(), testAdmin)
	if err != nil || a.Failures != 0 {
		t.Errorf("after a good login: %+v, %v; want failures reset", a, err)
	}
}

func TestPostsNeedTheSessionsCSRFToken(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn()
	for _, token := range []string{"", "forged", strings.Repeat("A", 43)} {
		r := b.post("/console/codes", url.Values{"csrf": {token}})
		if r.code != http.StatusForbidden || regexp.MustCompile(`bigcode`).MatchString(r.body) {
			t.Errorf("POST with CSRF token %q: %d; want 403 and no code", token, r.code)
		}
		if r := b.post("/console/logout", url.Values{"csrf": {token}}); r.code != http.StatusForbidden {
			t.Errorf("logout with CSRF token %q: %d", token, r.code)
		}
	}
	// Another admin's token does not do either.
	other := e.loggedIn()
	if r := b.post("/console/codes", url.Values{"csrf": {other.csrf}}); r.code != http.StatusForbidden {
		t.Errorf("POST with another session's token: %d", r.code)
	}
	if r := b.post("/console/codes", nil); r.code != http.StatusOK {
		t.Errorf("POST with the right token: %d", r.code)
	}
}

func TestLoginFormNeedsItsOwnToken(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	// A form posted from elsewhere has neither the login cookie nor its token.
	r := b.post("/console/login", url.Values{"csrf": {"x"}, "name": {testAdmin}, "password": {testPassword}})
	if r.code != http.StatusForbidden {
		t.Errorf("login without the login page's token: %d, want 403", r.code)
	}
}

func TestSessionsExpire(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn()
	e.clock.Advance(e.con.cfg.SessionTTL - time.Second)
	if r := b.get("/console/terminals"); r.code != http.StatusOK {
		t.Fatalf("just before expiry: %d", r.code)
	}
	e.clock.Advance(time.Second)
	if r := b.get("/console/terminals"); r.code != http.StatusSeeOther || r.header.Get("Location") != "/console/login?m=expired" {
		t.Errorf("at expiry: %d %q, want a redirect to login saying why", r.code, r.header.Get("Location"))
	}
}

func TestTerminalsPageShowsHealthAndGoesOffline(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn()
	code := codeOnPage(t, b.post("/console/codes", nil))
	term := e.enrol(code, "一楼大厅 1 号机")
	if err := term.cl.Heartbeat(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := b.get("/console/terminals")
	for _, want := range []string{term.creds.TerminalID, "一楼大厅 1 号机", "在线", "凭条打印机：警告（纸将用尽）", "身份证阅读器：正常", "1.4.2", "1 台在线"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("terminals page lacks %q", want)
		}
	}
	e.clock.Advance(10 * time.Minute)
	r = b.get("/console/terminals")
	if !strings.Contains(r.body, "离线") || !strings.Contains(r.body, "10 分钟前") || !strings.Contains(r.body, "0 台在线") {
		t.Errorf("ten minutes without a heartbeat: page does not show the terminal offline")
	}
}

var bigCodeRE = regexp.MustCompile(`id="code">([A-Z0-9]{4}-[A-Z0-9]{4})<`)

func codeOnPage(t *testing.T, r resp) string {
	t.Helper()
	m := bigCodeRE.FindStringSubmatch(r.body)
	if r.code != http.StatusOK || m == nil {
		t.Fatalf("code page: %d, no code shown", r.code)
	}
	return m[1]
}

func TestEnrolmentCodeIsShownOnceAndWorksOnce(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn()
	code := codeOnPage(t, b.post("/console/codes", nil))
	if r := b.get("/console/codes"); strings.Contains(r.body, code) {
		t.Error("the code is shown again on a later visit")
	}
	e.enrol(code, "T1")
	if _, err := client.Enroll(context.Background(), e.srv.Client(), e.srv.URL, code, "T2"); err == nil {
		t.Error("the code enrolled a second terminal")
	}
}

func TestCatalogUploadWithProblemsPublishesNothing(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn()
	b.get("/console/catalog")
	// The sample catalogue with one item's department removed and another
	// material's kind misspelt.
	bad := strings.Replace(string(assets.SampleCatalog), `"department": "`, `"department_x": "`, 1)
	r := b.upload("/console/catalog", "catalog", "bad.json", []byte(bad))
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "未发布") || !strings.Contains(r.body, "department_x") {
		t.Errorf("bad catalogue: %d; want 422 naming the field and saying nothing was published", r.code)
	}
	missing := strings.Replace(string(assets.SampleCatalog), `"code": "339900-GA-GG-0001"`, `"code": ""`, 1)
	r = b.upload("/console/catalog", "catalog", "missing.json", []byte(missing))
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "<td>item") {
		t.Errorf("catalogue with an empty code: %d; want the problem listed by item", r.code)
	}
	if latest, _ := e.hall.Store().LatestCatalog(context.Background()); latest.Version != 1 {
		t.Errorf("after bad uploads the latest version is %d, want 1", latest.Version)
	}
	if r := b.upload("/console/catalog", "catalog", "empty.json", nil); r.code != http.StatusBadRequest {
		t.Errorf("empty file: %d", r.code)
	}
	r = b.upload("/console/catalog", "catalog", "good.json", assets.SampleCatalog)
	if r.code != http.StatusOK || !strings.Contains(r.body, "已发布第 2 版") {
		t.Fatalf("good catalogue: %d", r.code)
	}
	if latest, _ := e.hall.Store().LatestCatalog(context.Background()); latest.Version != 2 {
		t.Errorf("after a good upload the latest version is %d, want 2", latest.Version)
	}
	if r := b.get("/console/catalog"); !regexp.MustCompile(`<td class="num">2</td>`).MatchString(r.body) {
		t.Error("version 2 is not listed")
	}
}

func TestUploadOverTheLimitIsRefused(t *testing.T) {
	e := newEnv(t)
	e.con.cfg.MaxUploadBytes = 1 << 10
	b := e.loggedIn()
	r := b.upload("/console/catalog", "catalog", "big.json", make([]byte, 200<<10))
	if r.code != http.StatusRequestEntityTooLarge {
		t.Errorf("upload over the limit: %d, want 413", r.code)
	}
}

func TestCasePageShowsPagesMaskedIdentityAndEvaluation(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn()
	term := e.enrol(codeOnPage(t, b.post("/console/codes", nil)), "T1")
	c := term.submit(t)
	if err := term.store.EvaluateCase(context.Background(), c.ID, kiosk.Evaluation{Level: 2, Reasons: []string{"slow"}, Comment: "等了很久", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	term.drain(t)

	r := b.get("/console/cases/" + c.Number)
	if r.code != http.StatusOK {
		t.Fatalf("case page: %d", r.code)
	}
	for _, want := range []string{"张*丰", "110105********002X", "居民身份证", "居住证明", "到窗口提交", "第 1 页 · 428×270",
		"第 2 页", "不是可解码的 JPEG", "138****5678", "不满意", "办理时间太长", "等了很久", "居住证申领"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	for _, secret := range []string{"张三丰", "11010519491231002X", "景山前街", "13812345678"} {
		if strings.Contains(r.body, secret) {
			t.Errorf("masked case page shows %q", secret)
		}
	}
	full := b.get("/console/cases/" + c.Number + "?full=1")
	if !strings.Contains(full.body, "张三丰") || !strings.Contains(full.body, "11010519491231002X") {
		t.Error("full view does not show the identity")
	}

	img := b.get("/console/cases/" + c.Number + "/pages/0/0")
	if img.code != http.StatusOK || img.header.Get("Content-Type") != "image/jpeg" || img.header.Get("Cache-Control") != "no-store" ||
		img.body != string(c.Materials[0].Pages[0]) {
		t.Errorf("page image: %d %q %q, %d bytes", img.code, img.header.Get("Content-Type"), img.header.Get("Cache-Control"), len(img.body))
	}
	for path, want := range map[string]int{"/pages/0/1": http.StatusUnprocessableEntity, "/pages/0/2": http.StatusNotFound,
		"/pages/1/0": http.StatusNotFound, "/pages/x/0": http.StatusBadRequest} {
		if r := b.get("/console/cases/" + c.Number + path); r.code != want {
			t.Errorf("GET %s: %d, want %d", path, r.code, want)
		}
	}
	if r := b.get("/console/cases/K0009-20261125-000001-X"); r.code != http.StatusNotFound {
		t.Errorf("unknown case: %d", r.code)
	}
}

func TestStatusChangeReachesTheTerminalsHeartbeat(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn()
	term := e.enrol(codeOnPage(t, b.post("/console/codes", nil)), "T1")
	c := term.submit(t)
	b.get("/console/cases/" + c.Number)
	if r := b.post("/console/cases/"+c.Number+"/status", url.Values{"status": {"submitted"}}); r.code != http.StatusBadRequest {
		t.Errorf("status the console may not set: %d", r.code)
	}
	r := b.post("/console/cases/"+c.Number+"/status", url.Values{"status": {kiosk.StatusNeedMore}, "note": {"请补交户口簿原件"}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("set status: %d %s", r.code, r.body)
	}
	page := b.get(r.header.Get("Location"))
	if !strings.Contains(page.body, "状态已更改为“需补正材料”") || !strings.Contains(page.body, "请补交户口簿原件") {
		t.Error("case page after the change does not show it")
	}
	if err := term.cl.Heartbeat(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, err := term.store.CaseByNumber(context.Background(), c.Number)
	if err != nil || got.Status != kiosk.StatusNeedMore {
		t.Fatalf("terminal's case after its heartbeat: %+v, %v; want need_more", got, err)
	}
	if last := got.Timeline[len(got.Timeline)-1]; last.Note != "请补交户口簿原件" {
		t.Errorf("terminal's last event %+v, want the note", last)
	}
}

func TestInboxFiltersByStatusAndTerminal(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn()
	t1 := e.enrol(codeOnPage(t, b.post("/console/codes", nil)), "T1")
	t2 := e.enrol(codeOnPage(t, b.post("/console/codes", nil)), "T2")
	c1, c2 := t1.submit(t), t2.submit(t)
	if err := e.hall.SetStatus(context.Background(), c2.Number, kiosk.StatusApproved, ""); err != nil {
		t.Fatal(err)
	}
	for query, want := range map[string][]bool{
		"":                                 {true, true},
		"?status=approved":                 {false, true},
		"?terminal=" + t1.creds.TerminalID: {true, false},
		"?status=received&terminal=" + t2.creds.TerminalID: {false, false},
	} {
		r := b.get("/console/cases" + query)
		if got := []bool{strings.Contains(r.body, c1.Number), strings.Contains(r.body, c2.Number)}; got[0] != want[0] || got[1] != want[1] {
			t.Errorf("inbox%s lists %v, want %v", query, got, want)
		}
	}
}

func TestEvaluationsPageCountsPerItemAndTerminal(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn()
	term := e.enrol(codeOnPage(t, b.post("/console/codes", nil)), "一楼 1 号机")
	reasons := map[int][]string{1: {"device"}}
	for _, level := range []int{5, 1, 3, 4} {
		c := term.submit(t)
		if err := term.store.EvaluateCase(context.Background(), c.ID, kiosk.Evaluation{Level: level, Reasons: reasons[level], At: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	term.drain(t)
	r := b.get("/console/evaluations")
	// 3 of 4 at 基本满意 or better.
	for _, want := range []string{"共 4 条评价，满意率 75.0%", "居住证申领", "一楼 1 号机", term.creds.TerminalID} {
		if !strings.Contains(r.body, want) {
			t.Errorf("evaluations page lacks %q", want)
		}
	}
	if n := strings.Count(r.body, `<td class="num">75.0%</td>`); n != 2 {
		t.Errorf("satisfaction 75.0%% shown %d times, want per item and per terminal", n)
	}
}
