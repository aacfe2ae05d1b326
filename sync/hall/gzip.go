package hall

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"sync"
)

// gzipCache keeps the compressed documents of the newest catalogue
// versions: every terminal fetches the same few, and compressing 25 MB per
// request would cost more than sending it.
type gzipCache struct {
	mu      sync.Mutex
	entries []gzipEntry // newest use last
}

type gzipEntry struct {
	version int64
	doc     []byte
}

// gzipKeep is how many versions stay compressed in memory: the one
// terminals are moving to and the one they are moving from.
const gzipKeep = 2

func (c *gzipCache) get(v CatalogVersion) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.version == v.Version {
			c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), e)
			return e.doc, nil
		}
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(v.Doc); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	c.entries = append(c.entries, gzipEntry{version: v.Version, doc: buf.Bytes()})
	if len(c.entries) > gzipKeep {
		c.entries = c.entries[len(c.entries)-gzipKeep:]
	}
	return buf.Bytes(), nil
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.ReplaceAll(strings.TrimSpace(params), " ", "") != "q=0" {
			return true
		}
	}
	return false
}
