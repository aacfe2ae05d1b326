package printer

import (
	"strconv"
	"strings"
	"time"
)

// TestPage is the technician's self-test page: Chinese in every size and
// alignment, a column ruler to check the paper width, a QR code, a
// CODE128 barcode and a cut.
type TestPage struct {
	Port     string // the transport, as the technician named it
	Paper    Paper
	At       time.Time
	Terminal string // terminal id, if enrolled
}

// Document lays the test page out.
func (t TestPage) Document() *Document {
	paper := t.Paper
	if paper.Columns == 0 {
		paper = Paper58
	}
	ruler := strings.Repeat("1234567890", paper.Columns/10+1)[:paper.Columns]
	d := &Document{}
	d.Add(Title("打印机自检页"), Centered("GovKiosk printer test"), Separator{'='})
	if t.Terminal != "" {
		d.Add(Labeled("终端", t.Terminal))
	}
	if t.Port != "" {
		d.Add(Labeled("端口", t.Port))
	}
	d.Add(Labeled("纸宽", paper.Name+"（"+strconv.Itoa(paper.Columns)+"列）"))
	if !t.At.IsZero() {
		d.Add(Labeled("时间", t.At.Format("2006-01-02 15:04:05")))
	}
	d.Add(Separator{}, Line(ruler), Line(strings.Repeat("汉", paper.Columns/2)), Separator{})
	d.Add(Line("常规：政务服务 一次性告知"),
		Bold("加粗：最多跑一次"),
		Text{Text: "倍宽：自助办理", Style: Style{Width: Double}},
		Text{Text: "倍高：自助办理", Style: Style{Height: Double}},
		Text{Text: "倍宽倍高", Style: Style{Width: Double, Height: Double}},
		Line("左对齐 Left"),
		Centered("居中 Centre"),
		Text{Text: "右对齐 Right", Style: Style{Align: AlignRight}},
		Line("生僻字：镕 喆 堃 䶮"),
		Line("四字节 GB18030：㐀 㙓"),
		Separator{})
	d.Add(Centered("二维码 QR"), QR{Data: "GKTEST:" + paper.Name, Level: QRLevelM, Align: AlignCenter})
	d.Add(Centered("条码 CODE128"), Barcode{Data: "GK-TEST-0001", HRI: true, Align: AlignCenter}, Feed{})
	d.Add(Separator{}, Centered("自检完成，请检查切纸"), Feed{Lines: 2}, Cut{})
	return d
}
