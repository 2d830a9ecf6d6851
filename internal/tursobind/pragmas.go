package tursobind

import (
	"fmt"
	"strings"

	"github.com/turso-go/turso/internal/engine"
)

// SetPragmas runs the driver's per-connection pragmas on c, in order, as
// the engine takes them (engine.PragmaSetter): journal_mode = WAL is
// satisfied by the WAL journal and by the MVCC one, which journals
// through a WAL too, and is run only when the database is in neither.
//
// Running it on a database in MVCC mode would switch the database out of
// it, for every connection: while a concurrent transaction is open on
// another connection it waits for that transaction's lock and fails with
// "database is locked" after the busy timeout; when none is open it ends
// MVCC, and the next concurrent transaction switches back. The DSN's
// _journal_mode=WAL, which concurrent transactions on libSQL need, thus
// never switches Turso's engine out of MVCC. Running the pragma as SQL
// (db.Exec("PRAGMA journal_mode = WAL")) still does what it says.
func SetPragmas(c engine.Conn, pragmas []engine.Pragma) error {
	var script strings.Builder
	for _, p := range pragmas {
		if isPragma(p, "journal_mode", "wal") {
			mode, err := JournalMode(c)
			if err != nil {
				return err
			}
			if mode == "wal" || mode == "mvcc" {
				continue
			}
		}
		fmt.Fprintf(&script, "PRAGMA %s = %s;", p.Name, p.Value)
	}
	if script.Len() == 0 {
		return nil
	}
	return c.Exec(script.String())
}

// isPragma reports whether p sets pragma name to value (both lower case).
func isPragma(p engine.Pragma, name, value string) bool {
	return strings.EqualFold(strings.TrimSpace(p.Name), name) &&
		strings.EqualFold(strings.Trim(strings.TrimSpace(p.Value), `'"`), value)
}

// JournalMode returns the journal mode of c's main database, in lower
// case: "wal", or "mvcc" once a concurrent transaction switched the
// database to MVCC (Turso's engine journals in no other mode).
func JournalMode(c engine.Conn) (string, error) {
	s, _, err := c.Prepare("PRAGMA journal_mode")
	if err != nil {
		return "", err
	}
	defer s.Close()
	more, err := s.Start(nil)
	if err != nil {
		return "", err
	}
	if !more || len(s.Row()) == 0 {
		return "", fmt.Errorf("PRAGMA journal_mode returned no row")
	}
	mode := strings.ToLower(strings.Clone(s.Row()[0].Data))
	for more && err == nil {
		more, err = s.Step()
	}
	return mode, err
}
