package turso_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The budget of the driver's package initialization: what importing it
// costs a program before it opens a database (bytes and allocations of
// its packages' init, measured with GODEBUG=inittrace=1). Whatever init
// allocates and keeps, every garbage collection cycle of the program
// scans again; a regular expression, a table of boxed values or a big map
// literal built at init belongs in a sync.OnceValue. At the last change
// the driver's packages allocated 10,552 bytes in 95 allocations (they
// had allocated 61,112 bytes in 958: seven regular expressions and two
// tables of 256 boxed numbers).
const (
	initBytes  = 16 << 10
	initAllocs = 150
)

// initLine is one line of GODEBUG=inittrace=1 output:
// "init pkg @1.2 ms, 0.05 ms clock, 3504 bytes, 48 allocs".
var initLine = regexp.MustCompile(`^init (\S+) @.* (\d+) bytes, (\d+) allocs$`)

// TestInitCost runs this test binary again with GODEBUG=inittrace=1 and
// no tests, and adds up the init cost of the driver's own packages (the
// test-only ones excepted).
func TestInitCost(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$") // no tests: only the inits run
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var totalBytes, totalAllocs, packages int
	var report strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := initLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		pkg := m[1]
		if pkg != "github.com/turso-go/turso" && !strings.HasPrefix(pkg, "github.com/turso-go/turso/") {
			continue
		}
		if strings.Contains(pkg, "test") {
			continue // internal/drivertest and the like: not shipped
		}
		b, _ := strconv.Atoi(m[2])
		a, _ := strconv.Atoi(m[3])
		totalBytes += b
		totalAllocs += a
		packages++
		report.WriteString(sc.Text() + "\n")
	}
	if packages == 0 {
		t.Fatalf("no init lines of the driver's packages in the output:\n%s", out)
	}
	t.Logf("driver packages' init: %d bytes, %d allocations\n%s", totalBytes, totalAllocs, report.String())
	if totalBytes > initBytes || totalAllocs > initAllocs {
		t.Errorf("the driver's packages allocate %d bytes in %d allocations at init, budget %d bytes and %d allocations:\n%s",
			totalBytes, totalAllocs, initBytes, initAllocs, report.String())
	}
}
