package ime

import (
	"strings"
	"testing"
)

func typed(letters string) *Composer {
	c := NewComposer(nil)
	for i := range len(letters) {
		c.Type(letters[i])
	}
	return c
}

func TestPickCommitsAndLeavesTheRestPending(t *testing.T) {
	c := typed("shebaoka")
	i := rank(c.Candidates(10), "社保")
	if i < 0 {
		t.Fatalf("Candidates(shebaoka) = %v; want 社保", c.Candidates(10))
	}
	if got := c.Pick(i); got != "社保" {
		t.Errorf("Pick(%d) = %q; want 社保", i, got)
	}
	if c.Text() != "社保" || c.Input() != "ka" || c.Pending() != "ka" {
		t.Errorf("after Pick: Text, Input, Pending = %q, %q, %q; want 社保, ka, ka", c.Text(), c.Input(), c.Pending())
	}
	if got := c.Candidates(1); len(got) != 1 || got[0].Text != "卡" {
		t.Errorf("Candidates(ka) = %v; want 卡 first", got)
	}
	if got := c.Pick(0); got != "卡" || c.Text() != "社保卡" || c.Input() != "" {
		t.Errorf("Pick(0) = %q, Text %q, Input %q; want 卡, 社保卡, empty", got, c.Text(), c.Input())
	}
	if got := c.Candidates(5); got != nil {
		t.Errorf("Candidates with no input = %v; want none", got)
	}
}

func TestPickDropsTheSeparatorAfterTheCandidate(t *testing.T) {
	c := typed("xi'an")
	i := rank(c.Candidates(0), "西")
	if got := c.Pick(i); got != "西" || c.Input() != "an" {
		t.Errorf("Pick(西) = %q, Input %q; want 西, an", got, c.Input())
	}
}

func TestPickOutOfRangeChangesNothing(t *testing.T) {
	c := typed("lv")
	n := len(c.Candidates(0))
	for _, i := range []int{-1, n, n + 100} {
		if got := c.Pick(i); got != "" || c.Input() != "lv" || c.Text() != "" {
			t.Errorf("Pick(%d) = %q, Input %q, Text %q; want nothing done", i, got, c.Input(), c.Text())
		}
	}
}

func TestBackspaceDeletesALetterThenACharacter(t *testing.T) {
	c := typed("sheb")
	c.Backspace()
	if c.Input() != "she" {
		t.Fatalf("Input = %q; want she", c.Input())
	}
	if got := c.Candidates(1); got[0].Consumed != 3 || got[0].Pinyin != "she" {
		t.Errorf("Candidates(she) = %v; want a character for she", got)
	}
	c.Pick(0)
	c.Type('b')
	c.Type('a')
	c.Type('o')
	c.Pick(rank(c.Candidates(0), "保"))
	if c.Text() == "" || c.Input() != "" {
		t.Fatalf("Text, Input = %q, %q; want two characters committed", c.Text(), c.Input())
	}
	first := string([]rune(c.Text())[:1])
	c.Backspace()
	if c.Text() != first {
		t.Errorf("Backspace with no input: Text = %q; want %q", c.Text(), first)
	}
	c.Backspace()
	c.Backspace() // on an empty field: nothing to delete
	if c.Text() != "" || c.Input() != "" {
		t.Errorf("Text, Input = %q, %q; want both empty", c.Text(), c.Input())
	}
}

func TestPendingShowsTheInputSplitIntoSyllables(t *testing.T) {
	tests := []struct{ typed, want string }{
		{"shebao", "she'bao"},
		{"shebaoka", "she'bao'ka"},
		{"xian", "xian"},   // 先 leads
		{"xi'an", "xi'an"}, // as typed
		{"sbcb", "s'b'c'b"},
		{"sheb", "she'b"},
		{"zhengm", "zheng'm"},
		{"fangan", "fang'an"}, // 方案 leads
		{"gongjijin", "gong'ji'jin"},
		{"shebaoi", "she'bao'i"}, // i starts no syllable
		{"", ""},
	}
	for _, tt := range tests {
		if got := typed(tt.typed).Pending(); got != tt.want {
			t.Errorf("typed %q: Pending() = %q; want %q", tt.typed, got, tt.want)
		}
	}
}

func TestTypeTakesLettersAndSeparatorsOnly(t *testing.T) {
	tests := []struct{ typed, want string }{
		{"SheBao", "shebao"},
		{"she bao1!", "shebao"},
		{"'xi''an'", "xi'an'"},
		{strings.Repeat("a", MaxInput+5), strings.Repeat("a", MaxInput)},
	}
	for _, tt := range tests {
		if got := typed(tt.typed).Input(); got != tt.want {
			t.Errorf("typed %q: Input() = %q; want %q", tt.typed, got, tt.want)
		}
	}
}

func TestCommitInputCommitsTheLetters(t *testing.T) {
	c := typed("wi'fi")
	if got := c.CommitInput(); got != "wifi" || c.Text() != "wifi" || c.Input() != "" {
		t.Errorf("CommitInput() = %q, Text %q, Input %q; want wifi, wifi, empty", got, c.Text(), c.Input())
	}
	c.Reset()
	if c.Text() != "" || c.Input() != "" {
		t.Errorf("after Reset: Text, Input = %q, %q", c.Text(), c.Input())
	}
}

func TestComposerCandidatesMatchTheDictionary(t *testing.T) {
	c := typed("xian")
	d := Default()
	short, long := c.Candidates(3), c.Candidates(20)
	if len(short) != 3 || len(long) != 20 {
		t.Fatalf("got %d and %d candidates; want 3 and 20", len(short), len(long))
	}
	want := d.Candidates("xian", 20)
	for i := range want {
		if long[i] != want[i] || i < 3 && short[i] != want[i] {
			t.Fatalf("Composer and Dict disagree at %d: %v, %v", i, long[i], want[i])
		}
	}
	short[0].Text = "changed"
	if c.Candidates(1)[0].Text == "changed" {
		t.Error("Candidates returned the composer's own slice")
	}
}
