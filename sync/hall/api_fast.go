package hall

import (
	"bytes"
	"encoding/binary"
)

// decodeCasesFast decodes a batch of cases as encoding/json would, for the
// JSON terminals send: an object with only "cases", an array of objects
// with only the wire fields, each at most once and spelled exactly, their
// strings printable ASCII without escapes, their integers plain
// non-negative decimals. It reports false for anything else, and the
// caller hands the body to encoding/json, which decodes it or says what is
// wrong with it; FuzzDecodeCasesFast holds the two to the same answers.
//
// encoding/json reads a batch three times over, a state-machine call per
// byte, and a batch is mostly the cases' sealed parts (about 2.7 KB of
// base64 each): that was a fifth of the hall's CPU at the ingest target.
// This reads each byte once, with a comparison or two.
func decodeCasesFast(b []byte) (casesRequest, bool) {
	p := fastJSON{b: b}
	var req casesRequest
	if !p.byte('{') || !p.key("cases") || !p.byte('[') {
		return req, false
	}
	// A sealed part is most of a case: a guess at the count saves growing.
	req.Cases = make([]wireCase, 0, 1+len(b)/2048)
	if p.peek(']') {
		p.i++
	} else {
		for {
			c, ok := p.wireCase()
			if !ok {
				return req, false
			}
			req.Cases = append(req.Cases, c)
			if p.byte(']') {
				break
			}
			if !p.byte(',') {
				return req, false
			}
		}
	}
	if !p.byte('}') {
		return req, false
	}
	p.space()
	return req, p.i == len(b)
}

// fastJSON reads the JSON decodeCasesFast takes; p.i is the next byte.
type fastJSON struct {
	b []byte
	i int
}

func (p *fastJSON) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek skips white space and reports whether c is next.
func (p *fastJSON) peek(c byte) bool {
	p.space()
	return p.i < len(p.b) && p.b[p.i] == c
}

// byte skips white space and c, or reports false.
func (p *fastJSON) byte(c byte) bool {
	if !p.peek(c) {
		return false
	}
	p.i++
	return true
}

// str reads a string without escapes and with bytes 0x20-0x7e only, after
// white space.
func (p *fastJSON) str() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	start := p.i
	end := bytes.IndexByte(p.b[start:], '"')
	if end < 0 {
		return "", false
	}
	end += start
	if !plainASCII(p.b[start:end]) {
		return "", false
	}
	p.i = end + 1
	return string(p.b[start:end]), true
}

// plainASCII reports whether every byte of b is 0x20-0x7e and not a
// backslash. It tests eight bytes at a time: most of a batch is sealed
// parts, thousands of bytes each.
func plainASCII(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b)
		// A byte with its high bit set, below 0x20 (w-0x20 borrows into
		// the high bit), 0x7f (w+1 carries into it) or a backslash
		// (w^0x5c is zero, and zero-1 borrows).
		if (w|(w-0x20*ones)|(w+ones)|((w^0x5c*ones)-ones))&highs != 0 {
			return plainASCIISlow(b[:8]) && plainASCII(b[8:])
		}
		b = b[8:]
	}
	return plainASCIISlow(b)
}

func plainASCIISlow(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e || c == '\\' {
			return false
		}
	}
	return true
}

// key reads "name" and the colon after it.
func (p *fastJSON) key(name string) bool {
	k, ok := p.str()
	return ok && k == name && p.byte(':')
}

// int reads a non-negative decimal integer of at most 18 digits (so it
// fits an int64), without a leading zero, fraction or exponent.
func (p *fastJSON) int() (int64, bool) {
	p.space()
	start := p.i
	var v int64
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		v = v*10 + int64(p.b[p.i]-'0')
		p.i++
	}
	n := p.i - start
	if n == 0 || n > 18 || (n > 1 && p.b[start] == '0') {
		return 0, false
	}
	// "1.5", "1e3": encoding/json refuses them for an int64 field.
	if p.i < len(p.b) && (p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		return 0, false
	}
	return v, true
}

// wireCase reads one case object. A field given twice is left to
// encoding/json (the last one wins there).
func (p *fastJSON) wireCase() (wireCase, bool) {
	var c wireCase
	if !p.byte('{') {
		return c, false
	}
	if p.byte('}') {
		return c, true
	}
	var seen [7]bool
	for {
		k, ok := p.str()
		if !ok || !p.byte(':') {
			return c, false
		}
		var f int
		switch k {
		case "id":
			f = 0
			c.ID, ok = p.str()
		case "terminal_seq":
			f = 1
			c.TerminalSeq, ok = p.int()
		case "number":
			f = 2
			c.Number, ok = p.str()
		case "item_code":
			f = 3
			c.ItemCode, ok = p.str()
		case "catalog_version":
			f = 4
			c.CatalogVersion, ok = p.int()
		case "submitted_at":
			f = 5
			c.SubmittedAt, ok = p.str()
		case "sealed":
			f = 6
			c.Sealed, ok = p.str()
		default:
			return c, false
		}
		if !ok || seen[f] {
			return c, false
		}
		seen[f] = true
		if p.byte('}') {
			return c, true
		}
		if !p.byte(',') {
			return c, false
		}
	}
}
