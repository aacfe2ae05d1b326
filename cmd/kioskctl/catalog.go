package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"text/tabwriter"

	"govkiosk/assets"
	"govkiosk/kiosk"
	"govkiosk/kiosk/search"
	"govkiosk/kiosk/store"
)

var catalogCommand = &command{
	summary: "check, count and search the service-item catalogue",
	sub: map[string]*command{
		"validate": {
			summary: "check a catalogue file and name every problem",
			usage:   "FILE",
			example: "kioskctl catalog validate /media/usb/catalog.json",
			run:     catalogValidate,
		},
		"stats": {
			summary: "count items, departments and flows",
			usage:   "[--file FILE | --db FILE] [--json]",
			example: "kioskctl catalog stats --json",
			flags:   catalogSourceFlags,
			run:     catalogStats,
		},
		"search": {
			summary: "search items as the kiosk does (Chinese, pinyin, initials)",
			usage:   "QUERY [--limit N] [--file FILE | --db FILE] [--json]",
			example: "kioskctl catalog search sbcb --json",
			flags: func(fs *flag.FlagSet) {
				catalogSourceFlags(fs)
				fs.Int("limit", 20, "most results to show")
			},
			run: catalogSearch,
		},
	},
}

func catalogSourceFlags(fs *flag.FlagSet) {
	fs.String("file", "", "catalogue JSON file to read")
	fs.String("db", "", "terminal store whose active catalogue to read (e.g. /var/lib/govkiosk/kiosk.db)")
	fs.Bool("json", false, "print JSON")
}

func flagString(e *env, name string) string { return e.fs.Lookup(name).Value.String() }
func flagBool(e *env, name string) bool     { return e.fs.Lookup(name).Value.String() == "true" }

func catalogValidate(_ context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one FILE, got %d arguments", len(args))
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	c, err := kiosk.ParseCatalog(data)
	if err != nil {
		var ce *kiosk.CatalogError
		if errors.As(err, &ce) {
			fmt.Fprintf(e.err, "%s: %d problem(s):\n", args[0], len(ce.Problems))
			for _, p := range ce.Problems {
				fmt.Fprintf(e.err, "  %s\n", p)
			}
			return fmt.Errorf("%s is not a valid catalogue; nothing would be installed", args[0])
		}
		return err
	}
	st := statsOf(c)
	fmt.Fprintf(e.out, "%s: ok: version %d, %d items in %d departments, %d with flows, %d documents\n",
		args[0], st.Version, st.Items, st.Departments, st.Flows, st.Documents)
	return nil
}

// loadCatalog reads the catalogue named by --file or --db, or the bundled
// sample when neither is given.
func loadCatalog(ctx context.Context, e *env) (*kiosk.Catalog, error) {
	file, db := flagString(e, "file"), flagString(e, "db")
	switch {
	case file != "" && db != "":
		return nil, usagef("give --file or --db, not both")
	case file != "":
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		return kiosk.ParseCatalog(data)
	case db != "":
		if _, err := os.Stat(db); err != nil {
			return nil, fmt.Errorf("terminal store: %w", err)
		}
		s, err := store.Open(db, store.Options{ReadOnly: true})
		if err != nil {
			return nil, err
		}
		defer s.Close()
		c, err := s.ActiveCatalog(ctx)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%s has no catalogue installed yet; enrol the terminal or wait for the hall's push", db)
		}
		return c, err
	}
	fmt.Fprintln(e.err, "(no --file or --db: using the bundled sample catalogue)")
	return kiosk.ParseCatalog(assets.SampleCatalog)
}

type catalogStatsJSON struct {
	Version      int64          `json:"version"`
	Items        int            `json:"items"`
	Departments  int            `json:"departments"`
	Flows        int            `json:"flows"`
	Documents    int            `json:"documents"`
	Themes       int            `json:"themes"`
	LifeEvents   int            `json:"life_events"`
	ByDepartment map[string]int `json:"by_department"`
	ByClass      map[string]int `json:"by_class"`
}

func statsOf(c *kiosk.Catalog) catalogStatsJSON {
	st := catalogStatsJSON{
		Version: c.Version, Items: len(c.Items), Documents: len(c.Documents),
		Themes: len(c.Themes), LifeEvents: len(c.LifeEvents),
		ByDepartment: map[string]int{}, ByClass: map[string]int{},
	}
	for _, it := range c.Items {
		st.ByDepartment[it.Department]++
		st.ByClass[it.Class]++
		if it.Flow != nil {
			st.Flows++
		}
	}
	st.Departments = len(st.ByDepartment)
	return st
}

func catalogStats(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q", args[0])
	}
	c, err := loadCatalog(ctx, e)
	if err != nil {
		return err
	}
	st := statsOf(c)
	if flagBool(e, "json") {
		return json.NewEncoder(e.out).Encode(st)
	}
	fmt.Fprintf(e.out, "version      %d\nitems        %d\ndepartments  %d\nflows        %d\ndocuments    %d\n\n",
		st.Version, st.Items, st.Departments, st.Flows, st.Documents)
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	codes := make([]string, 0, len(st.ByDepartment))
	for d := range st.ByDepartment {
		codes = append(codes, d)
	}
	sort.Strings(codes)
	for _, d := range codes {
		fmt.Fprintf(tw, "%s\t%s\t%d\n", d, c.Department(d).Name.ZH, st.ByDepartment[d])
	}
	return tw.Flush()
}

type searchHitJSON struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	NameEN     string `json:"name_en"`
	Department string `json:"department"`
	Score      int    `json:"score"`
	Match      string `json:"match"`
	HasFlow    bool   `json:"has_flow"`
}

func catalogSearch(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one QUERY, got %d arguments (quote a query with spaces)", len(args))
	}
	limit := 20
	fmt.Sscan(flagString(e, "limit"), &limit)
	if limit < 1 {
		return usagef("--limit must be at least 1")
	}
	c, err := loadCatalog(ctx, e)
	if err != nil {
		return err
	}
	hits := []searchHitJSON{}
	for _, r := range search.New(c).Search(args[0], limit) {
		hits = append(hits, searchHitJSON{
			Code: r.Item.Code, Name: r.Item.Name.ZH, NameEN: r.Item.Name.EN, Department: r.Item.Department,
			Score: r.Score, Match: r.Match.String(), HasFlow: r.Item.Flow != nil,
		})
	}
	if flagBool(e, "json") {
		return json.NewEncoder(e.out).Encode(hits)
	}
	if len(hits) == 0 {
		fmt.Fprintf(e.out, "no items match %q\n", args[0])
		return nil
	}
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	for _, h := range hits {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", h.Code, h.Name, h.Match, h.Score)
	}
	return tw.Flush()
}
