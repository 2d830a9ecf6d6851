//go:build !linux

package drivertest

import "testing"

// mountTmpfs skips the test: filling a small tmpfs needs Linux.
func mountTmpfs(t *testing.T, size int) string {
	t.Skip("filling a small tmpfs needs Linux")
	return ""
}
