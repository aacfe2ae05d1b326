package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"govkiosk/sync/hall"
	"govkiosk/sync/hall/console"
)

var serveCommand = &command{
	summary: "run the hall's API for terminals, the web console under /console/, /metrics and /healthz",
	usage:   "--db FILE|postgres://… [--addr HOST:PORT] [--keys-dir DIR]",
	example: "hall serve --addr 127.0.0.1:8080 --db /var/lib/govkiosk/hall.db\n" +
		"  hall serve --addr 0.0.0.0:8080 --db postgres://hall@db.internal/hall --keys-dir /etc/govkiosk/hall-keys",
	flags: func(fs *flag.FlagSet) {
		fs.String("addr", "127.0.0.1:8080", "address to listen on")
		storeFlags(fs)
	},
	run: serve,
}

// storeFlags are the flags of every command that opens the hall's store.
func storeFlags(fs *flag.FlagSet) {
	fs.String("db", "", "hall database: a SQLite file (made on first start, with its keys beside it), or a PostgreSQL URL "+
		"postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE shared by several hall instances (needs --keys-dir)")
	fs.String("keys-dir", "", "directory of the key files hall.signing.key and hall.seal.key (default: beside a SQLite --db as FILE.signing.key and FILE.seal.key; "+
		"required with PostgreSQL, and every instance on one database needs the same two files)")
}

func flagString(e *env, name string) string { return e.fs.Lookup(name).Value.String() }

func hallConfig(e *env, level slog.Level) (hall.Config, error) {
	db := flagString(e, "db")
	if db == "" {
		return hall.Config{}, usagef("--db is required")
	}
	cfg := hall.DefaultConfig()
	cfg.DB = db
	cfg.KeysDir = flagString(e, "keys-dir")
	cfg.Logger = slog.New(slog.NewTextHandler(e.err, &slog.HandlerOptions{Level: level}))
	return cfg, nil
}

// serve runs until ctx is cancelled (SIGINT, SIGTERM), then stops taking
// requests, lets those in progress finish — each waits for its durable
// commit — and closes the store.
func serve(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected arguments %q", args)
	}
	cfg, err := hallConfig(e, slog.LevelInfo)
	if err != nil {
		return err
	}
	srv, err := hall.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", flagString(e, "addr"))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	latest, err := srv.Store().LatestCatalog(ctx)
	if err != nil {
		return err
	}
	con, err := console.New(console.Config{Hall: srv, Logger: cfg.Logger})
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           console.Mount(srv.Handler(), con),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // a 4 MiB batch over a poor township line
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(e.out, "hall listening on http://%s (store %s, catalogue version %d)\n", ln.Addr(), srv.Store(), latest.Version)
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(e.out, "hall stopped")
	return nil
}
