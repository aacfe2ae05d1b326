// Package soak holds the regression tests for bugs that the soak
// (cmd/soak) found in the sync client, the terminal store and the hall.
// Each test names the bug, reproduces it with the real packages on
// loopback, and states the behaviour the sync contract promises.
package soak
