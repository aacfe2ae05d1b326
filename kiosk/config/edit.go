package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Keys lists every settable key ("printer.width"), in file order.
func Keys() []string {
	var out []string
	walkKeys(reflect.TypeOf(Config{}), "", func(key string, _ reflect.Type) { out = append(out, key) })
	return out
}

func walkKeys(t reflect.Type, prefix string, f func(string, reflect.Type)) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("toml")
		if sf.Anonymous {
			walkKeys(sf.Type, prefix, f)
			continue
		}
		if tag == "" {
			continue
		}
		if sf.Type.Kind() == reflect.Struct && sf.Type != reflect.TypeOf(Duration{}) {
			walkKeys(sf.Type, prefix+tag+".", f)
			continue
		}
		f(prefix+tag, sf.Type)
	}
}

func keyType(key string) (reflect.Type, bool) {
	var found reflect.Type
	walkKeys(reflect.TypeOf(Config{}), "", func(k string, t reflect.Type) {
		if k == key {
			found = t
		}
	})
	return found, found != nil
}

// Get returns a key's value as text.
func (c *Config) Get(key string) (string, error) {
	if _, ok := keyType(key); !ok {
		return "", &FieldError{Field: key, What: "unknown key"}
	}
	b, err := c.Encode()
	if err != nil {
		return "", err
	}
	var m map[string]any
	if _, err := toml.Decode(string(b), &m); err != nil {
		return "", err
	}
	v := lookup(m, strings.Split(key, "."))
	if s, ok := v.(string); ok {
		return s, nil
	}
	out, _ := json.Marshal(v)
	return string(out), nil
}

func lookup(m map[string]any, path []string) any {
	v, ok := m[path[0]]
	if !ok || len(path) == 1 {
		return v
	}
	sub, _ := v.(map[string]any)
	if sub == nil {
		return nil
	}
	return lookup(sub, path[1:])
}

// Change is one audited configuration change.
type Change struct {
	Who, Key, Old, New string
	At                 time.Time
}

// Set changes one key of the file at path: the value is converted to the
// key's type, the whole result validated, and only then written. The write
// is atomic (temp file, fsync, rename, fsync the directory); the previous
// file is kept as path.YYYYMMDDTHHMMSS; the change is appended to auditLog
// (who, when, old → new). On any error the file is unchanged.
func Set(path, key, value, who, auditLog string, now time.Time) (Change, error) {
	chs, err := SetKeys(path, []KeyValue{{key, value}}, who, auditLog, now)
	if len(chs) == 0 {
		return Change{}, err
	}
	return chs[0], err
}

// KeyValue is one key to set and its new value, as text.
type KeyValue struct{ Key, Value string }

// SetKeys is Set for several keys that only make sense together (a device's
// transport and its port): all are validated as one result and written in
// one atomic write, so the file never holds half the change.
func SetKeys(path string, kvs []KeyValue, who, auditLog string, now time.Time) ([]Change, error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	oldCfg, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s is not valid now; fix it first: %w", path, err)
	}
	var m map[string]any
	if _, err := toml.Decode(string(data), &m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	for _, kv := range kvs {
		if err := setValue(m, kv.Key, kv.Value); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(m); err != nil {
		return nil, err
	}
	newCfg, err := Parse(buf.Bytes())
	if err != nil {
		return nil, err
	}
	if len(data) > 0 {
		archive := path + "." + now.UTC().Format("20060102T150405")
		if err := writeAtomic(archive, data, 0o644); err != nil {
			return nil, fmt.Errorf("archive the previous file: %w", err)
		}
	}
	if err := writeAtomic(path, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	var chs []Change
	for _, kv := range kvs {
		old, _ := oldCfg.Get(kv.Key)
		newVal, _ := newCfg.Get(kv.Key)
		ch := Change{Who: who, Key: kv.Key, Old: old, New: newVal, At: now}
		chs = append(chs, ch)
		if auditLog != "" {
			if err := Audit(auditLog, "config set", ch); err != nil {
				return chs, fmt.Errorf("changed, but the audit log failed: %w", err)
			}
		}
	}
	return chs, nil
}

// setValue converts value to key's type and puts it into the decoded file m.
func setValue(m map[string]any, key, value string) error {
	typ, ok := keyType(key)
	if !ok {
		return &FieldError{Field: key, What: "unknown key; see 'kioskctl config show' for the keys"}
	}
	var v any
	switch {
	case typ == reflect.TypeOf(Duration{}):
		var d Duration
		if err := d.UnmarshalText([]byte(value)); err != nil {
			return &FieldError{Field: key, What: err.Error()}
		}
		v = value
	case typ.Kind() == reflect.Int:
		n, err := strconv.Atoi(value)
		if err != nil {
			return &FieldError{Field: key, What: fmt.Sprintf("%q is not a whole number", value)}
		}
		v = int64(n)
	case typ.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(value)
		if err != nil {
			return &FieldError{Field: key, What: fmt.Sprintf("%q is not true or false", value)}
		}
		v = b
	default:
		v = value
	}
	parts := strings.Split(key, ".")
	cur := m
	for _, p := range parts[:len(parts)-1] {
		sub, _ := cur[p].(map[string]any)
		if sub == nil {
			sub = map[string]any{}
			cur[p] = sub
		}
		cur = sub
	}
	cur[parts[len(parts)-1]] = v
	return nil
}

// Audit appends one JSON line to the audit log and syncs it.
func Audit(path, action string, detail any) error {
	line, err := json.Marshal(map[string]any{"at": time.Now().UTC().Format(time.RFC3339), "action": action, "detail": detail})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		return err
	}
	return f.Sync()
}

func writeAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
