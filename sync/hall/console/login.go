package console

import (
	"crypto/sha256"
	"errors"
	"net/http"

	"govkiosk/sync/hall"
)

var loginMessages = map[string]string{
	"expired": "请先登录（登录已过期或已退出）。",
	"out":     "已退出登录。",
}

type loginData struct {
	Name string
}

// loginPage shows the login form with a fresh login CSRF token, also set as
// a cookie: a form posted from another site cannot know it.
func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.showLogin(w, r, http.StatusOK, "", loginMessages[r.URL.Query().Get("m")], "")
}

func (c *Console) showLogin(w http.ResponseWriter, r *http.Request, code int, errMsg, notice, name string) {
	token, err := c.randomToken()
	if err != nil {
		c.fail(w, r, "准备登录页", err)
		return
	}
	c.setCookie(w, r, loginCookie, token, 3600)
	c.render(w, code, "login", page{Title: "登录", CSRF: token, Error: errMsg, Notice: notice, Data: loginData{Name: name}})
}

// login checks the name and password. Every failure gets the same message,
// so the page does not tell which names exist; a locked admin is told when
// to try again, which an attacker learns only after five failures anyway.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	if err := c.readForm(w, r); err != nil {
		c.badForm(w, r, err)
		return
	}
	ck, err := r.Cookie(loginCookie)
	if err != nil || !csrfOK(r, ck.Value) {
		c.showLogin(w, r, http.StatusForbidden, "登录表单已过期，请重新输入。", "", "")
		return
	}
	name, password := r.PostFormValue("name"), r.PostFormValue("password")
	const wrong = "用户名或密码不正确。"
	ctx := r.Context()
	now := c.cfg.Clock.Now()
	admin, err := c.store.Admin(ctx, name)
	if CheckAdminName(name) != nil || errors.Is(err, hall.ErrNotFound) {
		CheckPassword(c.dummyHash, password)
		c.log.Warn("console login failed", "reason", "unknown admin")
		c.showLogin(w, r, http.StatusUnauthorized, wrong, "", name)
		return
	}
	if err != nil {
		c.fail(w, r, "登录", err)
		return
	}
	if now.Before(admin.LockedUntil) {
		c.log.Warn("console login refused: locked", "admin", name, "until", admin.LockedUntil)
		c.showLogin(w, r, http.StatusTooManyRequests, "连续登录失败次数过多，账户已暂时锁定，请于 "+admin.LockedUntil.In(c.cfg.Location).Format("15:04")+" 后再试，或请其他管理员重置密码。", "", name)
		return
	}
	ok, err := CheckPassword(admin.PasswordHash, password)
	if err != nil {
		c.fail(w, r, "登录", err)
		return
	}
	admin, err = c.store.RecordLogin(ctx, name, ok, now, c.cfg.LockAfter, c.cfg.LockFor)
	if err != nil {
		c.fail(w, r, "登录", err)
		return
	}
	if !ok {
		c.log.Warn("console login failed", "admin", name, "failures", admin.Failures)
		msg := wrong
		if !admin.LockedUntil.IsZero() && now.Before(admin.LockedUntil) {
			msg += "连续失败次数过多，账户已锁定至 " + admin.LockedUntil.In(c.cfg.Location).Format("15:04") + "。"
		}
		c.showLogin(w, r, http.StatusUnauthorized, msg, "", name)
		return
	}
	if err := c.startSession(w, r, name); err != nil {
		c.fail(w, r, "登录", err)
		return
	}
	c.log.Info("console login", "admin", name)
	http.Redirect(w, r, "/console/terminals", http.StatusSeeOther)
}

// startSession stores a new session (only the hash of its cookie) and sets
// the cookie.
func (c *Console) startSession(w http.ResponseWriter, r *http.Request, admin string) error {
	cookie, err := c.randomToken()
	if err != nil {
		return err
	}
	csrf, err := c.randomToken()
	if err != nil {
		return err
	}
	now := c.cfg.Clock.Now()
	s := hall.AdminSession{Hash: sha256.Sum256([]byte(cookie)), Admin: admin, CreatedAt: now, ExpiresAt: now.Add(c.cfg.SessionTTL), CSRF: csrf}
	if err := c.store.CreateSession(r.Context(), s); err != nil {
		return err
	}
	c.setCookie(w, r, sessionCookie, cookie, int(c.cfg.SessionTTL.Seconds()))
	c.setCookie(w, r, loginCookie, "", -1)
	return nil
}

// logout ends the session in the store, so it ends on every hall instance.
func (c *Console) logout(w http.ResponseWriter, r *http.Request, s session) {
	if err := c.store.DeleteSession(r.Context(), s.Hash); err != nil {
		c.fail(w, r, "退出登录", err)
		return
	}
	c.setCookie(w, r, sessionCookie, "", -1)
	c.log.Info("console logout", "admin", s.Admin)
	http.Redirect(w, r, "/console/login?m=out", http.StatusSeeOther)
}
