package transport

import (
	"fmt"
	"os"
	"time"
)

// OpenFile opens a character device such as the USB printer class device
// /dev/usb/lp0. Its reads (status answers) block without a timeout, so they
// go through a reader goroutine.
func OpenFile(path string, readTimeout time.Duration) (Port, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return newAsyncPort(f, "file("+path+")", readTimeout, 512), nil
}
