package ime_test

import (
	"fmt"

	"govkiosk/kiosk/ime"
)

// A keyboard feeds a Composer letter by letter, shows Pending and the
// candidates, and picks one when tapped; unpicked letters stay.
func ExampleComposer() {
	c := ime.NewComposer(ime.Default())
	for _, key := range []byte("shebaoka") {
		c.Type(key)
	}
	fmt.Println(c.Pending())
	for i, cand := range c.Candidates(3) {
		fmt.Println(i, cand.Text, cand.Pinyin, cand.Consumed)
	}
	fmt.Println(c.Pick(1), c.Input())
	fmt.Println(c.Pick(0), c.Text())
	// Output:
	// she'bao'ka
	// 0 社保卡 she bao ka 8
	// 1 社保 she bao 6
	// 2 设 she 3
	// 社保 ka
	// 卡 社保卡
}
