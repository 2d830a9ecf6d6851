//go:build !unix && !windows

package tursowasm

import "os"

// lockSupported is false where the OS offers no file locks this package
// uses (js, wasip1, plan9): files are not locked against other processes.
const lockSupported = false

func tryLock(*os.File, bool) error { return nil }
