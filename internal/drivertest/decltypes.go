package drivertest

import (
	"database/sql"
	"testing"
	"time"
)

// testTimesThroughJoinsAndReturning: a DATETIME column scans into a
// time.Time also where the engine's plan hides where it comes from (a
// self join, a join the engine runs as a hash join, a sort, a window
// function's buffer) and from a RETURNING clause (gorm reads created_at
// back from all of these).
func testTimesThroughJoinsAndReturning(t *testing.T, e Engine) {
	db, _ := e.openDB(t, "")
	MustExec(t, db, `CREATE TABLE users (id INTEGER PRIMARY KEY, created_at DATETIME, deleted_at DATETIME, manager_id INTEGER, name TEXT);
		CREATE INDEX users_deleted_at ON users(deleted_at);
		CREATE TABLE pets (id INTEGER PRIMARY KEY, user_id INTEGER, created_at DATETIME, deleted_at DATETIME);
		CREATE INDEX pets_deleted_at ON pets(deleted_at)`)
	boss := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	user := boss.Add(time.Hour)
	pet := boss.Add(2 * time.Hour)
	MustExec(t, db, "INSERT INTO users (id, created_at, manager_id, name) VALUES (1, ?, NULL, 'boss'), (2, ?, 1, 'user')", boss, user)
	MustExec(t, db, "INSERT INTO pets (id, user_id, created_at) VALUES (1, 2, ?)", pet)

	check := func(what string, got, want time.Time) {
		t.Helper()
		if !got.Equal(want) {
			t.Errorf("%s: %v, want %v", what, got, want)
		}
	}
	var uc, mc, pc time.Time
	var id int64
	// (Turso's engine 0.7.2 runs this as a hash join of users and pets.)
	err := db.QueryRow(`SELECT users.id, users.created_at, Pet.created_at AS Pet__created_at, Manager.created_at AS Manager__created_at
		FROM users
		LEFT JOIN pets Pet ON users.id = Pet.user_id AND Pet.deleted_at IS NULL
		LEFT JOIN users Manager ON users.manager_id = Manager.id AND Manager.deleted_at IS NULL
		WHERE users.name = 'user' AND users.deleted_at IS NULL ORDER BY users.id LIMIT 1`).Scan(&id, &uc, &pc, &mc)
	if err != nil {
		t.Fatalf("join: %v", err)
	}
	check("users.created_at", uc, user)
	check("Manager.created_at", mc, boss)
	check("Pet.created_at", pc, pet)

	// A window function over a subquery (gorm's Preload with
	// LimitPerRecord).
	if err := db.QueryRow(`SELECT * FROM (SELECT pets.id, pets.created_at, ROW_NUMBER() OVER (PARTITION BY pets.user_id) AS rnk
		FROM pets WHERE pets.user_id IN (1, 2) AND pets.deleted_at IS NULL) WHERE rnk <= 5`).Scan(&id, &pc, new(int64)); err != nil {
		t.Fatalf("window function: %v", err)
	}
	check("pets.created_at through a window function", pc, pet)

	var deleted sql.NullTime
	var manager sql.NullInt64
	var name string
	if err := db.QueryRow("INSERT INTO users (created_at, name) VALUES (?, 'new') RETURNING `id`, `created_at`", pet).Scan(&id, &uc); err != nil {
		t.Fatalf("INSERT ... RETURNING: %v", err)
	}
	check("INSERT ... RETURNING created_at", uc, pet)
	if err := db.QueryRow("UPDATE users SET deleted_at = ? WHERE id = 1 RETURNING *", user).Scan(&id, &uc, &deleted, &manager, &name); err != nil {
		t.Fatalf("UPDATE ... RETURNING *: %v", err)
	}
	check("UPDATE ... RETURNING created_at", uc, boss)
	check("UPDATE ... RETURNING deleted_at", deleted.Time, user)
	if err := db.QueryRow(`DELETE FROM pets WHERE id = 1 RETURNING "pets"."created_at"`).Scan(&pc); err != nil {
		t.Fatalf("DELETE ... RETURNING: %v", err)
	}
	check("DELETE ... RETURNING created_at", pc, pet)
}
