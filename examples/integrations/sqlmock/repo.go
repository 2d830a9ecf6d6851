package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/turso-go/turso"
)

// Errors of the repository, independent of the database.
var (
	ErrNotFound  = errors.New("task not found")
	ErrDuplicate = errors.New("a task with this title exists")
)

// Task is a to-do item.
type Task struct {
	ID        int64
	Title     string
	Due       *time.Time // nil: no due date (NULL)
	Done      bool
	CreatedAt time.Time
}

// The repository's SQL, exported to the unit tests so that they expect the
// exact statements.
const (
	SchemaSQL = `CREATE TABLE IF NOT EXISTS tasks (
	id         INTEGER PRIMARY KEY,
	title      TEXT NOT NULL UNIQUE,
	due        DATETIME,
	done       BOOLEAN NOT NULL DEFAULT 0,
	created_at DATETIME NOT NULL
)`
	InsertSQL   = `INSERT INTO tasks(title, due, created_at) VALUES (?, ?, ?) RETURNING id`
	GetSQL      = `SELECT id, title, due, done, created_at FROM tasks WHERE id = ?`
	ListOpenSQL = `SELECT id, title, due, done, created_at FROM tasks WHERE NOT done ORDER BY due IS NULL, due, id`
	CompleteSQL = `UPDATE tasks SET done = 1 WHERE id = ? AND NOT done`
)

// Repo stores tasks in a *sql.DB: any database/sql driver that speaks
// SQLite's SQL, "turso" in production, go-sqlmock in unit tests.
type Repo struct {
	db  *sql.DB
	now func() time.Time // the clock; tests replace it
}

// NewRepo returns a repository on db.
func NewRepo(db *sql.DB) *Repo {
	return &Repo{db: db, now: func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }}
}

// Migrate creates the table if it does not exist.
func (r *Repo) Migrate(ctx context.Context) error {
	_, err := r.db.ExecContext(ctx, SchemaSQL)
	return err
}

// Create adds a task and returns it; a title already used is ErrDuplicate.
func (r *Repo) Create(ctx context.Context, title string, due *time.Time) (Task, error) {
	t := Task{Title: title, Due: due, CreatedAt: r.now()}
	// A nil *time.Time binds as NULL.
	err := r.db.QueryRowContext(ctx, InsertSQL, title, nullTime(due), t.CreatedAt).Scan(&t.ID)
	if errors.Is(err, turso.ErrConstraintUnique) {
		return Task{}, fmt.Errorf("create %q: %w", title, ErrDuplicate)
	}
	if err != nil {
		return Task{}, fmt.Errorf("create %q: %w", title, err)
	}
	return t, nil
}

// Get returns the task id, or ErrNotFound.
func (r *Repo) Get(ctx context.Context, id int64) (Task, error) {
	t, err := scanTask(r.db.QueryRowContext(ctx, GetSQL, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Task{}, fmt.Errorf("task %d: %w", id, ErrNotFound)
	}
	return t, err
}

// ListOpen returns the tasks not done, by due date (undated last).
func (r *Repo) ListOpen(ctx context.Context) ([]Task, error) {
	rows, err := r.db.QueryContext(ctx, ListOpenSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Complete marks the tasks ids done, all or none: if one is missing or
// already done, nothing changes and the error wraps ErrNotFound.
func (r *Repo) Complete(ctx context.Context, ids ...int64) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op after Commit
	for _, id := range ids {
		res, err := tx.ExecContext(ctx, CompleteSQL, id)
		if err != nil {
			return fmt.Errorf("complete %d: %w", id, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("complete %d: %w", id, ErrNotFound)
		}
	}
	return tx.Commit()
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanTask(s scanner) (Task, error) {
	var t Task
	var due sql.NullTime
	if err := s.Scan(&t.ID, &t.Title, &due, &t.Done, &t.CreatedAt); err != nil {
		return Task{}, err
	}
	if due.Valid {
		t.Due = &due.Time
	}
	return t, nil
}

// nullTime is t as an argument: NULL when nil.
func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: *t, Valid: true}
}
