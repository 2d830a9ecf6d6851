//go:build cgo

package enginetest_test

import (
	"github.com/turso-go/turso/internal/enginetest"
	"github.com/turso-go/turso/internal/libsql"
)

// libSQL, the default engine, keeps the whole contract.
func init() {
	engines = append([]enginetest.Engine{{Name: "libsql", Engine: libsql.Engine{}}}, engines...)
}
