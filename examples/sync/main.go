// Command sync shows embedded replicas: two local databases, A and B,
// each a replica of one database on a Turso sync server, converge through
// the server with Push and Pull.
//
//	go run ./examples/sync                         # starts a local tursodb sync server
//	go run ./examples/sync -server http://host:8080 # or uses a running one
//
// Without -server it starts `tursodb --sync-server` on 127.0.0.1 with a
// temporary database. It finds tursodb as $TURSODB, on $PATH, or in the
// cache where scripts/tursodb puts it; in a checkout of the repository it
// runs scripts/tursodb to fetch it from npm (sha256 checked). With a
// Turso Cloud database, pass its URL (libsql://...) and -token.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/turso-go/turso"
)

func main() {
	server := flag.String("server", "", "sync server URL (default: start a local tursodb)")
	token := flag.String("token", "", "auth token for the server")
	flag.Parse()
	dir, err := os.MkdirTemp("", "turso-sync-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if *server == "" {
		stop, url, err := startServer(dir)
		if err != nil {
			log.Fatal(err)
		}
		defer stop()
		*server = url
	}
	if err := run(context.Background(), os.Stdout, dir, *server, *token); err != nil {
		log.Fatal(err)
	}
}

// run opens replicas A and B in dir of the database at serverURL and
// walks them through bootstrap, push, pull and a conflict.
func run(ctx context.Context, out io.Writer, dir, serverURL, token string) error {
	open := func(name string) (*sql.DB, error) {
		dsn := filepath.Join(dir, name) + "?_sync_url=" + url.QueryEscape(serverURL)
		if token != "" {
			dsn += "&_auth_token=" + url.QueryEscape(token)
		}
		return sql.Open("turso", dsn)
	}
	show := func(who string, db *sql.DB) error {
		rows, err := db.QueryContext(ctx, "SELECT id, body FROM notes ORDER BY id")
		if err != nil {
			return err
		}
		defer rows.Close()
		var notes []string
		for rows.Next() {
			var id int
			var body string
			if err := rows.Scan(&id, &body); err != nil {
				return err
			}
			notes = append(notes, fmt.Sprintf("%d=%q", id, body))
		}
		fmt.Fprintf(out, "  %s: %s\n", who, strings.Join(notes, " "))
		return rows.Err()
	}

	a, err := open("a.db")
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(out, "A writes locally and pushes:")
	if _, err := a.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)"); err != nil {
		return err
	}
	if _, err := a.ExecContext(ctx, "INSERT OR REPLACE INTO notes VALUES (1, 'written on A')"); err != nil {
		return err
	}
	if err := turso.Push(ctx, a); err != nil {
		return err
	}
	if err := show("A", a); err != nil {
		return err
	}

	b, err := open("b.db")
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Fprintln(out, "B opens (bootstraps from the server), writes and pushes:")
	if _, err := b.ExecContext(ctx, "INSERT OR REPLACE INTO notes VALUES (2, 'written on B')"); err != nil {
		return err
	}
	if err := turso.Push(ctx, b); err != nil {
		return err
	}
	if err := show("B", b); err != nil {
		return err
	}

	fmt.Fprintln(out, "A pulls:")
	changed, err := turso.Pull(ctx, a)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  changes pulled: %v\n", changed)
	if err := show("A", a); err != nil {
		return err
	}

	fmt.Fprintln(out, "Both change note 1; A pushes, then B: the last push wins.")
	if _, err := a.ExecContext(ctx, "UPDATE notes SET body = 'edited on A' WHERE id = 1"); err != nil {
		return err
	}
	if _, err := b.ExecContext(ctx, "UPDATE notes SET body = 'edited on B' WHERE id = 1"); err != nil {
		return err
	}
	for _, db := range []*sql.DB{a, b} {
		if err := turso.Push(ctx, db); err != nil {
			return err
		}
	}
	for _, db := range []*sql.DB{a, b} {
		if err := turso.Sync(ctx, db); err != nil {
			return err
		}
	}
	if err := show("A", a); err != nil {
		return err
	}
	if err := show("B", b); err != nil {
		return err
	}
	st, err := turso.SyncStats(ctx, a)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "A's sync stats: revision %s, last push %s, %d bytes sent, %d received\n",
		st.Revision, st.LastPush.Format(time.TimeOnly), st.SentBytes, st.ReceivedBytes)
	return nil
}

// startServer starts tursodb --sync-server on a free port of 127.0.0.1
// with a database in dir, and returns how to stop it and its URL.
func startServer(dir string) (stop func(), serverURL string, err error) {
	bin, err := findTursodb()
	if err != nil {
		return nil, "", err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--sync-server", addr, filepath.Join(dir, "server.db"))
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	stop = func() { cmd.Process.Kill(); cmd.Wait() }
	for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return stop, "http://" + addr, nil
		}
	}
	stop()
	return nil, "", fmt.Errorf("tursodb did not start listening on %s", addr)
}

// findTursodb looks for the tursodb binary: $TURSODB, $PATH, the cache of
// scripts/tursodb, or scripts/tursodb itself when run from a checkout.
func findTursodb() (string, error) {
	if p := os.Getenv("TURSODB"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("tursodb"); err == nil {
		return p, nil
	}
	cache := os.Getenv("TURSO_CACHE_DIR")
	if cache == "" {
		if d, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(d, "turso-go")
		}
	}
	if p := filepath.Join(cache, "tursodb-0.6.0", "tursodb"); cache != "" {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	for _, script := range []string{"scripts/tursodb", "../../scripts/tursodb"} {
		if _, err := os.Stat(script); err == nil {
			fmt.Fprintln(os.Stderr, "fetching tursodb with", script)
			cmd := exec.Command(script)
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				return "", fmt.Errorf("%s: %w", script, err)
			}
			return strings.TrimSpace(string(out)), nil
		}
	}
	return "", errors.New("no tursodb: set $TURSODB, put tursodb on $PATH, run scripts/tursodb in the repository, or pass -server")
}
