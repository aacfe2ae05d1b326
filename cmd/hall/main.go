// Command hall is the GovKiosk hall server and its admin tool: "hall serve"
// runs the API terminals sync with; "hall admin" makes enrolment codes,
// publishes catalogues, lists terminals and cases and changes case status.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
