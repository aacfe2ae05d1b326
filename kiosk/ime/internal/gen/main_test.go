package main

import (
	"strings"
	"testing"

	"govkiosk/kiosk/ime"
)

const upstream = `# Rime dictionary
---
name: test
...

社	she	100
保	bao	50
卡	ka	7
卡	qia	3
社保	she bao	10
傻	sha	5
逼	bi	5
傻逼	sha bi	1000
`

func TestConversionDropsBlockedWordsAndRanksUpTerms(t *testing.T) {
	words, st, err := readUpstream(strings.NewReader(upstream))
	if err != nil {
		t.Fatal(err)
	}
	terms := "# comment\n社保\tshe bao\t60000\n社保卡\tshe bao ka\t60000\n"
	if err := applyTerms(words, terms, &st); err != nil {
		t.Fatal(err)
	}
	if st.read != 8 || st.blocked != 1 || st.boosted != 1 || st.added != 1 {
		t.Errorf("stats = %+v; want 8 read, 1 blocked, 1 ranked up, 1 added", st)
	}
	asset, err := encode(words, "test 1")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ime.Load(asset)
	if err != nil {
		t.Fatalf("ime.Load refuses the generator's output: %v", err)
	}
	if d.Len() != 8 || d.Source() != "test 1" {
		t.Errorf("Len, Source = %d, %q; want 8, test 1", d.Len(), d.Source())
	}
	if got := d.Candidates("sbk", 1); len(got) != 1 || got[0].Text != "社保卡" {
		t.Errorf("Candidates(sbk) = %v; want the added 社保卡", got)
	}
	if _, ok := words[wordKey{"傻逼", "sha bi"}]; ok {
		t.Error("blocked 傻逼 is kept")
	}
	again, _ := encode(words, "test 1")
	if string(again) != string(asset) {
		t.Error("encoding the same words twice gave different bytes")
	}
}

func TestConversionRefusesWhatItCannotRead(t *testing.T) {
	words, st, err := readUpstream(strings.NewReader(upstream))
	if err != nil {
		t.Fatal(err)
	}
	for _, terms := range []string{
		"社保\tshe pao\t1\n",    // 保 is not read pao
		"社保\tshe\t1\n",        // a syllable short
		"社保\tshe bao\n",       // no weight
		"社保\tshe bao\tmany\n", // weight not a number
		"社保\tshe baoo\t1\n",   // not a syllable
	} {
		if err := applyTerms(words, terms, &st); err == nil {
			t.Errorf("applyTerms accepted %q", terms)
		}
	}
	for _, src := range []string{
		"社\tshe\t1\n", // no YAML header
		"---\n...\n社\txx\t1\n",
		"---\n...\n社\tshe\tlots\n",
		"---\n...\n社\n",
	} {
		if _, _, err := readUpstream(strings.NewReader(src)); err == nil {
			t.Errorf("readUpstream accepted %q", src)
		}
	}
}
