package ui_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"govkiosk/kiosk"
	"govkiosk/kiosk/pages"
	"govkiosk/kiosk/pages/pagetest"
	"govkiosk/ui"
	"govkiosk/ui/uitest"
)

// fakeCapture returns real processed pages; the first call fails as an
// empty scanner does.
type fakeCapture struct {
	mu    sync.Mutex
	calls int
	page  []byte
}

type noPaper struct{}

func (noPaper) Error() string   { return "docscan: test:0: no paper" }
func (noPaper) Message() string { return "请将材料正面朝下放入扫描仪" }

func (f *fakeCapture) Capture(ctx context.Context, m kiosk.Material) ([][]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.calls == 1 {
		return nil, noPaper{}
	}
	return [][]byte{append([]byte(nil), f.page...)}, nil
}

// Scanning a material: a failed scan says what to do, pages are previewed,
// retaken, deleted, and the accepted ones reach the review.
func TestScanMaterialPreviewRetakeDeleteAccept(t *testing.T) {
	capture := &fakeCapture{page: scannedPage(t)}
	kt := newKioskTest(t, ui.Options{Capture: capture})
	kt.toCrimeRecordMaterials()

	kt.tapN("扫描上传", 1)
	kt.mustSee("材料没有扫描成功", "请将材料正面朝下放入扫描仪")
	kt.mustNotSee("no paper") // never the technician's words
	kt.tap("重拍")
	kt.mustSee("核对扫描件：无犯罪记录证明申请表", "第 1 页", "确认")
	kt.tap("再扫一页")
	kt.mustSee("第 2 页")
	kt.savePreview("preview.png")
	kt.tap("删除")
	kt.mustNotSee("第 2 页")
	kt.tap("重拍")
	kt.mustSee("第 1 页")
	kt.mustNotSee("第 2 页")
	if capture.calls != 4 {
		t.Errorf("%d captures, want 4 (failed, first, second, retake)", capture.calls)
	}
	kt.tap("确认")
	kt.mustNotSee("核对扫描件：无犯罪记录证明申请表")
	kt.tap("下一步")
	kt.mustSee("核对信息", "无犯罪记录证明申请表：扫描上传")
	kt.mustNotSee("还需补交的材料（一次性告知）")
}

// A material takes at most kiosk.MaxMaterialPages pages, and a case no
// more bytes than one upload carries: the preview stops offering 再扫一页,
// and a page over the budget is refused with what to do while the pages
// already taken stay.
func TestScanMaterialPageLimits(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts ui.Options
	}{{"portrait", ui.Options{}}, {"landscape", ui.Options{Orientation: ui.Landscape}}} {
		t.Run(tc.name, func(t *testing.T) { testScanMaterialPageLimits(t, tc.opts) })
	}
}

func testScanMaterialPageLimits(t *testing.T, opts ui.Options) {
	page := scannedPage(t)
	capture := &fakeCapture{page: page, calls: 1} // no failing first call
	opts.Capture = capture
	kt := newKioskTest(t, opts)
	kt.toCrimeRecordMaterials()
	if opts.Orientation == ui.Landscape { // one material a page
		kt.tap("下一页")
		kt.tap("扫描上传")
	} else {
		kt.tapN("扫描上传", 1)
	}
	for n := 2; n <= kiosk.MaxMaterialPages; n++ {
		kt.tap("再扫一页")
	}
	kt.mustSee("8")
	kt.savePreview("preview-8-" + t.Name()[len("TestScanMaterialPageLimits/"):] + ".png")
	kt.tap("再扫一页") // disabled: no capture
	if want := 1 + kiosk.MaxMaterialPages; capture.calls != want {
		t.Errorf("%d captures, want %d", capture.calls, want)
	}
	// The pages fit the window side by side.
	if over := kt.k.Overflow(); over != "" {
		t.Error(over)
	}
	for range kiosk.MaxMaterialPages - 1 {
		kt.tap("删除")
	}
	kt.mustSee("第 1 页")

	// A retake as large as a whole case's budget is refused; page 1 stays.
	capture.mu.Lock()
	capture.page = append(bytes.Clone(page), make([]byte, kiosk.MaxCasePageBytes)...)
	capture.mu.Unlock()
	kt.tap("重拍")
	kt.mustSee("页数太多", "稍后补交")
	kt.tap("返回核对")
	kt.mustSee("核对扫描件：无犯罪记录证明申请表", "第 1 页")
	kt.tap("确认")
	kt.tap("下一步")
	kt.mustSee("无犯罪记录证明申请表：扫描上传")
}

// savePreview writes the window to $PAGES_OUT/name when it is set, for a
// person to look at.
func (kt *kioskTest) savePreview(name string) {
	dir := os.Getenv("PAGES_OUT")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		kt.t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, kt.w.Canvas().Capture()); err != nil {
		kt.t.Fatal(err)
	}
}

// scannedPage is a test page as the kiosk's page processing leaves it.
func scannedPage(t *testing.T) []byte {
	t.Helper()
	o := pages.DefaultOptions()
	o.SourceDPI = 100
	p, err := pages.Process(pagetest.Page(100), o)
	if err != nil {
		t.Fatal(err)
	}
	return p.JPEG
}

// toCrimeRecordMaterials takes a citizen with the fixture card from home
// to the materials step of 无犯罪记录证明开具, 居民身份证 handed in as an
// e-licence; the 申请表 is left to choose.
func (kt *kioskTest) toCrimeRecordMaterials() {
	kt.t.Helper()
	kt.svc.PlaceCard(uitest.Card())
	kt.tap("办事")
	kt.focus(0)
	kt.typeInto(0, "无犯罪")
	kt.tap("无犯罪记录证明开具")
	kt.tap("开始办理")
	kt.tap("下一步")
	kt.tap("就业入职")
	kt.typeInto(0, "清河市某某有限公司")
	if len(kt.k.Entries()) == 1 { // landscape: the phone is on the form's next page
		kt.tap("下一页")
		kt.typeInto(0, "13812345678")
	} else {
		kt.typeInto(1, "13812345678")
	}
	kt.tap("下一步")
	kt.tapN("电子证照免提交", 0)
}
