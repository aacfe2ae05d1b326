// Command kioskctl is the technician's tool for a GovKiosk terminal: the
// same checks and settings as the maintenance screens, from a shell.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
