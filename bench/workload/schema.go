package workload

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Schema: users / articles / comments with foreign keys and indexes.
var Schema = []string{
	`CREATE TABLE users (
		id      INTEGER PRIMARY KEY NOT NULL,
		created INTEGER NOT NULL,
		email   TEXT NOT NULL,
		active  INTEGER NOT NULL
	)`,
	`CREATE INDEX users_created ON users(created)`,
	`CREATE TABLE articles (
		id      INTEGER PRIMARY KEY NOT NULL,
		created INTEGER NOT NULL,
		userId  INTEGER NOT NULL REFERENCES users(id),
		text    TEXT NOT NULL
	)`,
	`CREATE INDEX articles_created ON articles(created)`,
	`CREATE INDEX articles_userId ON articles(userId)`,
	`CREATE TABLE comments (
		id        INTEGER PRIMARY KEY NOT NULL,
		created   INTEGER NOT NULL,
		articleId INTEGER NOT NULL REFERENCES articles(id),
		text      TEXT NOT NULL
	)`,
	`CREATE INDEX comments_created ON comments(created)`,
	`CREATE INDEX comments_articleId ON comments(articleId)`,
}

// The SQL of the workloads, shared with the raw binding floor (cmd/raw).
const (
	InsertUserSQL    = "INSERT INTO users(id, created, email, active) VALUES (?, ?, ?, ?)"
	InsertArticleSQL = "INSERT INTO articles(id, created, userId, text) VALUES (?, ?, ?, ?)"
	InsertCommentSQL = "INSERT INTO comments(id, created, articleId, text) VALUES (?, ?, ?, ?)"
	UsersQuery       = "SELECT id, created, email, active FROM users ORDER BY id"
	ManyQuery        = "SELECT id, created, email, active FROM users WHERE id <= ? ORDER BY id"
	DocsTable        = "CREATE TABLE docs (id INTEGER PRIMARY KEY NOT NULL, created INTEGER NOT NULL, body TEXT NOT NULL)"
	InsertDocSQL     = "INSERT INTO docs(id, created, body) VALUES (?, ?, ?)"
	DocsQuery        = "SELECT id, created, body FROM docs ORDER BY id"
	CountersTable    = "CREATE TABLE counters (id INTEGER PRIMARY KEY NOT NULL, n INTEGER NOT NULL, pad TEXT NOT NULL)"
	InsertCounterSQL = "INSERT INTO counters(id, n, pad) VALUES (?, 0, ?)"
	CounterSelect    = "SELECT n FROM counters WHERE id = ?"
	CounterUpdate    = "UPDATE counters SET n = ? WHERE id = ?"
	CounterSum       = "SELECT sum(n) FROM counters"
)

func createSchema(db *sql.DB) error {
	for _, s := range Schema {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("schema: %w", err)
		}
	}
	return nil
}

const baseTime = 1_700_000_000

// Created returns a timestamp that is not monotonic in i, so ORDER BY
// created does real work.
func Created(i, n int) int64 {
	if n <= 1 {
		return baseTime
	}
	return baseTime + int64((i*7919)%n)
}

func Emails(n int) []string {
	e := make([]string, n)
	for i := range e {
		e[i] = "user" + strconv.Itoa(i+1) + "@example.com"
	}
	return e
}

// Texts is a small pool of article/comment bodies (60..300 bytes).
var Texts = func() []string {
	words := strings.Fields("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua")
	t := make([]string, 16)
	for i := range t {
		var b strings.Builder
		for j := 0; b.Len() < 60+i*15; j++ {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[(i+j*3)%len(words)])
		}
		t[i] = b.String()
	}
	return t
}()

// Blob returns an ASCII text of n bytes.
func Blob(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[(i*31+i/97)%len(alphabet)]
	}
	return string(b)
}

// insertUsers inserts n users (ids 1..n) in one transaction with a
// prepared statement.
func insertUsers(db *sql.DB, emails []string) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.Prepare(InsertUserSQL)
	if err != nil {
		return err
	}
	n := len(emails)
	for i, e := range emails {
		if _, err := st.Exec(i+1, Created(i, n), e, i%2 == 0); err != nil {
			return err
		}
	}
	if err := st.Close(); err != nil {
		return err
	}
	return tx.Commit()
}

// queryUsers reads every user back and checks the count.
func queryUsers(ctx context.Context, db *sql.DB, want int) error {
	rows, err := db.QueryContext(ctx, UsersQuery)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		id, cr int64
		email  string
		active bool
		n      int
	)
	for rows.Next() {
		if err := rows.Scan(&id, &cr, &email, &active); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != want || (n > 0 && (id != int64(n) || email == "")) {
		return fmt.Errorf("queryUsers: got %d rows (last id %d), want %d", n, id, want)
	}
	return nil
}

// insertTree inserts users, articles and comments. With perUserTx each user
// and its articles and comments are one transaction (the "real" pattern);
// otherwise everything is one transaction ("complex").
func insertTree(db *sql.DB, users, articles, comments int, perUserTx bool) error {
	emails := Emails(users)
	nArt := users * articles
	nCom := nArt * comments
	var (
		tx            *sql.Tx
		stU, stA, stC *sql.Stmt
		err           error
		artID, comID  int
	)
	begin := func() error {
		if tx, err = db.Begin(); err != nil {
			return err
		}
		if stU, err = tx.Prepare(InsertUserSQL); err != nil {
			return err
		}
		if stA, err = tx.Prepare(InsertArticleSQL); err != nil {
			return err
		}
		stC, err = tx.Prepare(InsertCommentSQL)
		return err
	}
	commit := func() error {
		for _, st := range []*sql.Stmt{stU, stA, stC} {
			if err := st.Close(); err != nil {
				return err
			}
		}
		return tx.Commit()
	}
	for u := 0; u < users; u++ {
		if u == 0 || perUserTx {
			if err := begin(); err != nil {
				return err
			}
		}
		uid := u + 1
		if _, err := stU.Exec(uid, Created(u, users), emails[u], u%2 == 0); err != nil {
			return err
		}
		for a := 0; a < articles; a++ {
			artID++
			if _, err := stA.Exec(artID, Created(artID, nArt), uid, Texts[artID%len(Texts)]); err != nil {
				return err
			}
			for c := 0; c < comments; c++ {
				comID++
				if _, err := stC.Exec(comID, Created(comID, nCom), artID, Texts[comID%len(Texts)]); err != nil {
					return err
				}
			}
		}
		if perUserTx || u == users-1 {
			if err := commit(); err != nil {
				return err
			}
		}
	}
	return nil
}

// scanTree reads a users x articles x comments join and checks the count.
func scanTree(db *sql.DB, query string, want int) error {
	rows, err := db.Query(query)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		uid, ucr, aid, acr, cid, ccr int64
		email, atext, ctext          string
		n                            int
	)
	for rows.Next() {
		if err := rows.Scan(&uid, &ucr, &email, &aid, &acr, &atext, &cid, &ccr, &ctext); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("join: got %d rows, want %d", n, want)
	}
	return nil
}
