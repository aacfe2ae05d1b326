// Package logging sets up the kiosk's structured logs: log/slog as JSON
// lines into data_dir/logs/kiosk.log, rotated by size
// (gopkg.in/natefinch/lumberjack.v2, which handles rotation, compression
// and pruning that we would otherwise hand-write), and exported to a USB
// stick by technicians.
//
// Privacy rule: no citizen's personal data is ever logged. Code logs case
// numbers, item codes and masked names only; as a second line of defence
// the handler redacts any string that looks like an identity number or a
// mobile phone number before it is written.
package logging

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"

	"gopkg.in/natefinch/lumberjack.v2"
)

// Dir is the log directory inside the data directory.
func Dir(dataDir string) string { return filepath.Join(dataDir, "logs") }

// New returns a logger writing JSON lines to dataDir/logs/name.log (rotated
// at 10 MB, 10 files kept, old ones gzip'd), and also to extra (e.g. stderr)
// when not nil.
func New(dataDir, name string, extra io.Writer) (*slog.Logger, io.Closer, error) {
	dir := Dir(dataDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	lj := &lumberjack.Logger{Filename: filepath.Join(dir, name+".log"), MaxSize: 10, MaxBackups: 10, Compress: true}
	var w io.Writer = lj
	if extra != nil {
		w = io.MultiWriter(lj, extra)
	}
	return slog.New(Redact(slog.NewJSONHandler(w, nil))), lj, nil
}

var (
	idNumberRE = regexp.MustCompile(`\b[1-9]\d{5}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]\b`)
	mobileRE   = regexp.MustCompile(`\b1[3-9]\d{9}\b`)
)

// RedactString masks identity numbers and mobile numbers in s.
func RedactString(s string) string {
	s = idNumberRE.ReplaceAllStringFunc(s, func(m string) string { return m[:6] + "********" + m[14:] })
	return mobileRE.ReplaceAllStringFunc(s, func(m string) string { return m[:3] + "****" + m[7:] })
}

// Redact wraps a handler so every string attribute and message passes
// through RedactString.
func Redact(h slog.Handler) slog.Handler { return redactor{h} }

type redactor struct{ h slog.Handler }

func (r redactor) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

func (r redactor) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, RedactString(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool { out.AddAttrs(redactAttr(a)); return true })
	return r.h.Handle(ctx, out)
}

func (r redactor) WithAttrs(as []slog.Attr) slog.Handler {
	for i := range as {
		as[i] = redactAttr(as[i])
	}
	return redactor{r.h.WithAttrs(as)}
}

func (r redactor) WithGroup(name string) slog.Handler { return redactor{r.h.WithGroup(name)} }

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, RedactString(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, x := range g {
			out[i] = redactAttr(x)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, RedactString(err.Error()))
		}
		return slog.String(a.Key, RedactString(fmt.Sprint(v.Any())))
	}
	return a
}

// ErrNoSpace: the export target is full. What was copied before is removed.
var ErrNoSpace = errors.New("not enough space on the target")

// Export copies every log file into dir/govkiosk-logs-<stamp>/ (a USB
// stick's folder). Files are written whole or not at all: on any error the
// partial folder is removed, so a technician never carries half a log home.
func Export(dataDir, dir, stamp string) (string, int, error) {
	src := Dir(dataDir)
	entries, err := os.ReadDir(src)
	if err != nil {
		return "", 0, fmt.Errorf("read logs: %w", err)
	}
	var need int64
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && !e.IsDir() {
			need += fi.Size()
		}
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "", 0, fmt.Errorf("target %s: %w", dir, err)
	}
	if free := int64(st.Bavail) * int64(st.Bsize); free < need+1<<20 {
		return "", 0, fmt.Errorf("%w: %s has %d MB free, the logs need %d MB", ErrNoSpace, dir, free>>20, need>>20+1)
	}
	dst := filepath.Join(dir, "govkiosk-logs-"+stamp)
	if err := os.Mkdir(dst, 0o700); err != nil {
		return "", 0, err
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() || !(strings.HasSuffix(e.Name(), ".log") || strings.HasSuffix(e.Name(), ".gz")) {
			continue
		}
		if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			os.RemoveAll(dst)
			if errors.Is(err, syscall.ENOSPC) {
				return "", 0, fmt.Errorf("%w: %v", ErrNoSpace, err)
			}
			return "", 0, err
		}
		n++
	}
	return dst, n, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
