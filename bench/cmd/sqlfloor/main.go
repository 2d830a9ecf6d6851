// Command sqlfloor measures the database/sql floor: what database/sql
// itself costs on each workload (its pool, Stmt, Rows and Scan, and the
// boxing of every value into a driver.Value), with a driver that costs
// nothing.
//
// Each workload runs twice per process: first untimed on the turso driver,
// recording what every query returns; then timed on a replaying driver
// that answers each query with the recorded rows and each exec with an
// empty result, with no engine beneath (see replayDriver). The raw floor
// (cmd/raw: the engine without database/sql) plus this floor is the
// "floor" column of the report: the least any database/sql driver on the
// engine can take.
package main

import (
	"database/sql"

	_ "github.com/turso-go/turso"

	"github.com/turso-go/turso/bench/internal/runner"
	"github.com/turso-go/turso/bench/workload"
)

func main() {
	d := newReplayDriver("turso")
	sql.Register("sqlfloor", d)
	drv := &workload.Driver{
		Name:    "sqlfloor",
		SQLName: "sqlfloor",
		DSN:     workload.MattnDSN,
		TxLock:  true,
		Modules: []string{"github.com/turso-go/turso", "github.com/tursodatabase/go-libsql"},
	}
	runner.MainConfig(runner.Config{
		Name:          drv.Name,
		Driver:        drv,
		Workloads:     workload.All(),
		Modules:       drv.Modules,
		SQLiteVersion: runner.SQLiteVersion(drv),
		Record:        d.setRecording,
	})
}
