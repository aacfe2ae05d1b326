package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"govkiosk/drivers/docscan"
	"govkiosk/kiosk/config"
	"govkiosk/kiosk/pages"
)

var scannerDocCommand = &command{
	summary: "list document scanners and cameras; scan one page as the kiosk would",
	usage:   "--list [--json] | [--device NAME] [--colour] [--resolution DPI] --out FILE",
	example: "kioskctl scanner doc --list\n" +
		"  kioskctl scanner doc --device test:0 --out page.jpg       # SANE's test backend\n" +
		"  kioskctl scanner doc --device /dev/video0 --colour --out id.jpg\n" +
		"  kioskctl scanner doc --device simulator --out page.jpg   # the bundled camera simulator\n" +
		"  kioskctl scanner doc --out page.jpg   # [docscan] scanner (or camera) of the configuration",
	flags: func(fs *flag.FlagSet) {
		fs.Bool("list", false, "list SANE scanners and V4L2 cameras")
		fs.Bool("json", false, "with --list: one JSON array")
		fs.String("device", "", "a SANE device (test:0), a camera (/dev/video0) or simulator; default: [docscan] scanner, else camera")
		fs.Bool("colour", false, "keep colour (ID cards, licences); default greyscale as for documents")
		fs.Int("resolution", 0, "scanner dpi; default [docscan] resolution (300)")
		fs.String("out", "", "write the processed page (JPEG) here")
	},
	run: scannerDoc,
}

// docConfig is [docscan] from the configuration, or its defaults when
// there is no configuration file (a technician's laptop).
func docConfig(e *env) (config.DocScan, error) {
	c, err := config.Load(e.configPath)
	if errors.Is(err, os.ErrNotExist) {
		return config.DefaultConfig().DocScan, nil
	}
	if err != nil {
		return config.DocScan{}, fmt.Errorf("%s: %w", e.configPath, err)
	}
	return c.DocScan, nil
}

func docSANE(d config.DocScan) *docscan.SANE {
	s := &docscan.SANE{Timeout: d.Timeout.Duration}
	if d.SANEConfigDir != "" {
		s.Env = []string{"SANE_CONFIG_DIR=" + d.SANEConfigDir}
	}
	return s
}

func scannerDoc(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q", args[0])
	}
	get := func(name string) any { return e.fs.Lookup(name).Value.(flag.Getter).Get() }
	d, err := docConfig(e)
	if err != nil {
		return err
	}
	if get("list").(bool) {
		return docList(ctx, e, d, get("json").(bool))
	}
	out := get("out").(string)
	if out == "" {
		return usagef("--out FILE is required (or --list)")
	}
	res := get("resolution").(int)
	if res == 0 {
		res = d.Resolution
	}
	if res < 100 || res > 600 {
		return usagef("--resolution %d: want 100-600 dpi", res)
	}
	name := get("device").(string)
	if name == "" {
		name = d.Scanner
		if name == "" {
			name = d.Camera
		}
		if name == "" {
			return usagef("--device is required: [docscan] in %s names no scanner or camera (see --list)", e.configPath)
		}
	}
	colour := get("colour").(bool)
	src, err := docscan.Open(name, docscan.OpenOptions{
		SANE:        docSANE(d),
		Scan:        docscan.ScanOptions{Resolution: res, Colour: colour, WidthMM: d.WidthMM, HeightMM: d.HeightMM},
		CameraWidth: d.CameraWidth, CameraHeight: d.CameraHeight, CameraTimeout: d.Timeout.Duration,
	})
	if err != nil {
		return err
	}
	o := pages.DefaultOptions()
	o.Colour, o.MaxBytes = colour, d.MaxPageKB*1024
	start := time.Now()
	p, err := docscan.CapturePage(ctx, src, o)
	if err != nil {
		var m interface{ Message() string }
		if errors.As(err, &m) {
			return fmt.Errorf("%w\n(the citizen would read: %s)", err, m.Message())
		}
		return err
	}
	if err := os.WriteFile(out, p.JPEG, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s: %s, %dx%d at %d dpi, JPEG quality %d, %.1f KB (limit %d KB), cropped %v, deskewed %.1f°, %v\n",
		out, src, p.Width, p.Height, p.DPI, p.Quality, float64(len(p.JPEG))/1024, d.MaxPageKB, p.Cropped, p.SkewDegrees, time.Since(start).Round(time.Millisecond))
	return nil
}

func docList(ctx context.Context, e *env, d config.DocScan, asJSON bool) error {
	scanners, err := docSANE(d).List(ctx)
	if err != nil {
		// No SANE is worth saying but not fatal: cameras may still be there.
		fmt.Fprintf(e.err, "SANE: %v\n", err)
	}
	cameras, err := docscan.ListCameras("/sys/class/video4linux")
	if err != nil {
		return err
	}
	all := append(scanners, cameras...)
	if asJSON {
		if all == nil {
			all = []docscan.Device{}
		}
		enc := json.NewEncoder(e.out)
		enc.SetIndent("", "  ")
		return enc.Encode(all)
	}
	if len(all) == 0 {
		fmt.Fprintln(e.out, "no document scanners or cameras found (is sane-utils installed, the scanner on and its backend enabled in /etc/sane.d/dll.conf?)")
		return nil
	}
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tTYPE\tVENDOR\tMODEL")
	for _, dv := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", dv.Name, dv.Type, dv.Vendor, dv.Model)
	}
	return tw.Flush()
}
