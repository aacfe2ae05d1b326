package console

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"govkiosk/assets"
	"govkiosk/kiosk"
)

// chromiumPath is Debian's chromium (scripts/deps.sh installs it). Without
// it the browser test skips, unless GOVKIOSK_REQUIRE_CHROMIUM is set, as
// scripts/test.sh sets it so that CI fails rather than skips.
func chromiumPath(t *testing.T) string {
	const path = "/usr/bin/chromium"
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("GOVKIOSK_REQUIRE_CHROMIUM") != "" {
			t.Fatalf("GOVKIOSK_REQUIRE_CHROMIUM is set but %s is missing (%v); run scripts/deps.sh", path, err)
		}
		t.Skipf("skipping the console browser test: %s is missing; install it with scripts/deps.sh (apt-get install chromium), or set GOVKIOSK_REQUIRE_CHROMIUM=1 to make this a failure", path)
	}
	return path
}

// stepTimeout bounds each browser step, so a hung page fails the test with
// the step's name instead of stalling the run.
const stepTimeout = 30 * time.Second

// TestConsoleInABrowser drives the console in headless Chromium as an
// officer would: log in, make an enrolment code, enrol a terminal with it
// through the real sync client, see the terminal online, publish a
// catalogue, open a case with its scanned pages. With
// GOVKIOSK_CONSOLE_SCREENSHOTS=DIR (relative to the module root) it also
// saves the pages as DIR/console-*.png; the README's are made with
// DIR=docs/screenshots.
func TestConsoleInABrowser(t *testing.T) {
	chromium := chromiumPath(t)
	e := newEnv(t)

	overall, cancelAll := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancelAll()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(overall,
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(t.TempDir()), // fresh profile: no cookies or cache from another run
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true), // containers have a small /dev/shm
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(1366, 900),
	)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	// The first Run starts the browser and ties it to tab; a step's own
	// timeout must not be the context that owns the browser.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	step := func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		runStep(t, tab, name, chromedp.Steps(steps...))
	}
	shots := os.Getenv("GOVKIOSK_CONSOLE_SCREENSHOTS")
	if shots != "" && !filepath.IsAbs(shots) {
		shots = filepath.Join("..", "..", "..", shots) // relative to the module root, as make runs it
	}
	screenshot := func(name string) {
		t.Helper()
		if shots == "" {
			return
		}
		png := runStep(t, tab, "screenshot "+name, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join(shots, "console-"+name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := e.srv.URL

	step("log in",
		chromedp.Navigate(base+"/console/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), testAdmin),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPassword),
		chromedp.Click(chromedp.CSS(`form.login button`)),
		chromedp.WaitVisible(chromedp.CSS(`nav a.on`)),
	)
	if h1 := runStep(t, tab, "read the title", chromedp.Text(chromedp.CSS(`h1`))); h1 != "终端" {
		t.Fatalf("after login the page is %q, want 终端", h1)
	}

	step("make an enrolment code",
		chromedp.Navigate(base+"/console/codes"),
		chromedp.Click(chromedp.CSS(`form[action="/console/codes"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#code`)),
	)
	code := runStep(t, tab, "read the code", chromedp.Text(chromedp.CSS(`#code`)))
	term := e.enrol(strings.TrimSpace(code), "一楼大厅 1 号机")
	if _, err := term.cl.CheckCatalog(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := term.cl.Heartbeat(context.Background()); err != nil {
		t.Fatal(err)
	}

	step("open the terminal list",
		chromedp.Navigate(base+"/console/terminals"),
		chromedp.WaitVisible(chromedp.CSS(`table`)),
	)
	text := runStep(t, tab, "read the terminal list", chromedp.Text(chromedp.CSS(`table tbody`)))
	if !strings.Contains(text, term.creds.TerminalID) || !strings.Contains(text, "在线") {
		t.Fatalf("terminal list %q: want %s online", text, term.creds.TerminalID)
	}
	screenshot("terminals")

	bad := filepath.Join(t.TempDir(), "bad.json")
	broken := strings.Replace(string(assets.SampleCatalog), `"kind": "id"`, `"kind": "passport"`, 1)
	if err := os.WriteFile(bad, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	step("upload a catalogue with a problem",
		chromedp.Navigate(base+"/console/catalog"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{bad}),
		chromedp.Click(chromedp.CSS(`form[action="/console/catalog"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`table.problems`)),
	)
	problem := runStep(t, tab, "read the problem", chromedp.Text(chromedp.CSS(`table.problems tbody tr`)))
	if !strings.Contains(problem, "item ") || !strings.Contains(problem, ".kind") {
		t.Errorf("the problem %q does not name the item and the field", problem)
	}
	screenshot("catalog")

	file := filepath.Join(t.TempDir(), "catalog.json")
	if err := os.WriteFile(file, assets.SampleCatalog, 0o644); err != nil {
		t.Fatal(err)
	}
	step("upload and publish a catalogue",
		chromedp.Navigate(base+"/console/catalog"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{file}),
		chromedp.Click(chromedp.CSS(`form[action="/console/catalog"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
	)
	notice := runStep(t, tab, "read the notice", chromedp.Text(chromedp.CSS(`.notice`)))
	newest := runStep(t, tab, "read the newest version", chromedp.Text(chromedp.CSS(`table tbody tr:first-child td:first-child`)))
	if !strings.Contains(notice, "已发布第 2 版") || strings.TrimSpace(newest) != "2" {
		t.Fatalf("after publishing: notice %q, newest listed version %q; want version 2", notice, newest)
	}

	// Three cases rated 5, 4 and 2; the first is opened below.
	var c *kiosk.Case
	for i, ev := range []kiosk.Evaluation{{Level: 5}, {Level: 4}, {Level: 2, Reasons: []string{"slow"}}} {
		ci := term.submit(t)
		if i == 0 {
			c = ci
		}
		ev.At = time.Now()
		if err := term.store.EvaluateCase(context.Background(), ci.ID, ev); err != nil {
			t.Fatal(err)
		}
	}
	term.drain(t)
	step("open a case with its pages",
		chromedp.Navigate(base+"/console/cases/"+c.Number),
		chromedp.WaitVisible(chromedp.CSS(`.page img`)),
	)
	runStep(t, tab, "wait for the page image", chromedp.Poll[bool](`document.querySelector('.page img').complete`,
		chromedp.WithPollingTimeout(stepTimeout)))
	if w := runStep(t, tab, "measure the page image", chromedp.Evaluate[int](`document.querySelector('.page img').naturalWidth`)); w != 428 {
		t.Errorf("the scanned page rendered %d pixels wide, want 428 (the JPEG did not load)", w)
	}
	if bad := runStep(t, tab, "read the broken page", chromedp.Text(chromedp.CSS(`.page.bad`))); !strings.Contains(bad, "不是可解码的 JPEG") {
		t.Errorf("the broken page says %q", bad)
	}
	screenshot("case")

	step("open the evaluation statistics",
		chromedp.Navigate(base+"/console/evaluations"),
		chromedp.WaitVisible(chromedp.CSS(`.summary`)),
	)
	if sum := runStep(t, tab, "read the summary", chromedp.Text(chromedp.CSS(`.summary`))); !strings.Contains(sum, "共 3 条评价，满意率 66.7%") {
		t.Errorf("evaluations summary %q", sum)
	}
	screenshot("evaluations")

	step("log out",
		chromedp.Click(chromedp.CSS(`form.logout button`)),
		chromedp.WaitVisible(chromedp.CSS(`form.login`)),
	)
}

// runStep runs one browser action within stepTimeout and returns its value.
func runStep[T any](t *testing.T, tab context.Context, name string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser step %q: %v", name, err)
	}
	return v
}
