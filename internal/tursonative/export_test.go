//go:build linux && amd64 && cgo

package tursonative

// SetRecycleAfter sets how many statements a connection prepares before it
// asks to be recycled, for tests; it returns the previous value.
func SetRecycleAfter(n int) int {
	old := recycleAfter
	recycleAfter = n
	return old
}
