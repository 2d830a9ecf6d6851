package main

// Unit tests of Repo with go-sqlmock: no database, fast, and in control of
// every answer, so each error path is reached. They check the exact SQL
// (QueryMatcherEqual) and arguments the repository sends.

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/DATA-DOG/go-sqlmock"
	"github.com/turso-go/turso"
)

// clock is the fixed time of the unit tests.
var clock = time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)

// newMockRepo returns a Repo on a sqlmock database with a fixed clock.
func newMockRepo(t *testing.T) (*Repo, sqlmock.Sqlmock) {
	t.Helper()
	db, mock, err := sqlmock.New(sqlmock.QueryMatcherOption(sqlmock.QueryMatcherEqual))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r := NewRepo(db)
	r.now = func() time.Time { return clock }
	return r, mock
}

// uniqueErr is the error turso returns for a UNIQUE violation.
var uniqueErr = &turso.Error{
	Code: turso.CodeConstraint, ExtendedCode: turso.CodeConstraintUnique,
	Message: "UNIQUE constraint failed: tasks.title", SQL: InsertSQL,
}

var taskColumns = []string{"id", "title", "due", "done", "created_at"}

func TestRepoUnit(t *testing.T) {
	due := time.Date(2026, 4, 1, 17, 0, 0, 0, time.UTC)
	errDB := errors.New("disk on fire")
	tests := []struct {
		name    string
		expect  func(m sqlmock.Sqlmock)
		call    func(ctx context.Context, r *Repo) (any, error)
		want    any   // the call's result, compared when not nil
		wantErr error // matched with errors.Is; nil: success
	}{
		{
			name:   "migrate",
			expect: func(m sqlmock.Sqlmock) { m.ExpectExec(SchemaSQL).WillReturnResult(sqlmock.NewResult(0, 0)) },
			call:   func(ctx context.Context, r *Repo) (any, error) { return nil, r.Migrate(ctx) },
		},
		{
			name:    "migrate fails",
			expect:  func(m sqlmock.Sqlmock) { m.ExpectExec(SchemaSQL).WillReturnError(errDB) },
			call:    func(ctx context.Context, r *Repo) (any, error) { return nil, r.Migrate(ctx) },
			wantErr: errDB,
		},
		{
			name: "create with a due date",
			expect: func(m sqlmock.Sqlmock) {
				m.ExpectQuery(InsertSQL).WithArgs("a", due, clock).
					WillReturnRows(sqlmock.NewRows([]string{"id"}).AddRow(7))
			},
			call: func(ctx context.Context, r *Repo) (any, error) { return r.Create(ctx, "a", &due) },
			want: Task{ID: 7, Title: "a", Due: &due, CreatedAt: clock},
		},
		{
			name: "create without a due date binds NULL",
			expect: func(m sqlmock.Sqlmock) {
				m.ExpectQuery(InsertSQL).WithArgs("b", nil, clock).
					WillReturnRows(sqlmock.NewRows([]string{"id"}).AddRow(8))
			},
			call: func(ctx context.Context, r *Repo) (any, error) { return r.Create(ctx, "b", nil) },
			want: Task{ID: 8, Title: "b", CreatedAt: clock},
		},
		{
			name: "create duplicate",
			expect: func(m sqlmock.Sqlmock) {
				m.ExpectQuery(InsertSQL).WithArgs("a", nil, clock).WillReturnError(uniqueErr)
			},
			call:    func(ctx context.Context, r *Repo) (any, error) { return r.Create(ctx, "a", nil) },
			wantErr: ErrDuplicate,
		},
		{
			name:    "create fails",
			expect:  func(m sqlmock.Sqlmock) { m.ExpectQuery(InsertSQL).WillReturnError(errDB) },
			call:    func(ctx context.Context, r *Repo) (any, error) { return r.Create(ctx, "a", nil) },
			wantErr: errDB,
		},
		{
			name: "get",
			expect: func(m sqlmock.Sqlmock) {
				m.ExpectQuery(GetSQL).WithArgs(int64(3)).
					WillReturnRows(sqlmock.NewRows(taskColumns).AddRow(3, "c", due, true, clock))
			},
			call: func(ctx context.Context, r *Repo) (any, error) { return r.Get(ctx, 3) },
			want: Task{ID: 3, Title: "c", Due: &due, Done: true, CreatedAt: clock},
		},
		{
			name: "get with a NULL due date",
			expect: func(m sqlmock.Sqlmock) {
				m.ExpectQuery(GetSQL).WithArgs(int64(4)).
					WillReturnRows(sqlmock.NewRows(taskColumns).AddRow(4, "d", nil, false, clock))
			},
			call: func(ctx context.Context, r *Repo) (any, error) { return r.Get(ctx, 4) },
			want: Task{ID: 4, Title: "d", CreatedAt: clock},
		},
		{
			name: "get missing",
			expect: func(m sqlmock.Sqlmock) {
				m.ExpectQuery(GetSQL).WithArgs(int64(5)).WillReturnRows(sqlmock.NewRows(taskColumns))
			},
			call:    func(ctx context.Context, r *Repo) (any, error) { return r.Get(ctx, 5) },
			wantErr: ErrNotFound,
		},
		{
			name: "list",
			expect: func(m sqlmock.Sqlmock) {
				m.ExpectQuery(ListOpenSQL).WillReturnRows(sqlmock.NewRows(taskColumns).
					AddRow(1, "a", due, false, clock).AddRow(2, "b", nil, false, clock))
			},
			call: func(ctx context.Context, r *Repo) (any, error) { return r.ListOpen(ctx) },
			want: []Task{{ID: 1, Title: "a", Due: &due, CreatedAt: clock}, {ID: 2, Title: "b", CreatedAt: clock}},
		},
		{
			name:    "list fails",
			expect:  func(m sqlmock.Sqlmock) { m.ExpectQuery(ListOpenSQL).WillReturnError(errDB) },
			call:    func(ctx context.Context, r *Repo) (any, error) { return r.ListOpen(ctx) },
			wantErr: errDB,
		},
		{
			name: "list fails mid-way",
			expect: func(m sqlmock.Sqlmock) {
				m.ExpectQuery(ListOpenSQL).WillReturnRows(sqlmock.NewRows(taskColumns).
					AddRow(1, "a", nil, false, clock).AddRow(2, "b", nil, false, clock).RowError(1, errDB))
			},
			call:    func(ctx context.Context, r *Repo) (any, error) { return r.ListOpen(ctx) },
			wantErr: errDB,
		},
		{
			name: "complete two",
			expect: func(m sqlmock.Sqlmock) {
				m.ExpectBegin()
				m.ExpectExec(CompleteSQL).WithArgs(int64(1)).WillReturnResult(sqlmock.NewResult(0, 1))
				m.ExpectExec(CompleteSQL).WithArgs(int64(2)).WillReturnResult(sqlmock.NewResult(0, 1))
				m.ExpectCommit()
			},
			call: func(ctx context.Context, r *Repo) (any, error) { return nil, r.Complete(ctx, 1, 2) },
		},
		{
			name: "complete rolls back on a missing task",
			expect: func(m sqlmock.Sqlmock) {
				m.ExpectBegin()
				m.ExpectExec(CompleteSQL).WithArgs(int64(1)).WillReturnResult(sqlmock.NewResult(0, 1))
				m.ExpectExec(CompleteSQL).WithArgs(int64(9)).WillReturnResult(sqlmock.NewResult(0, 0))
				m.ExpectRollback()
			},
			call:    func(ctx context.Context, r *Repo) (any, error) { return nil, r.Complete(ctx, 1, 9) },
			wantErr: ErrNotFound,
		},
		{
			name: "complete rolls back on an error",
			expect: func(m sqlmock.Sqlmock) {
				m.ExpectBegin()
				m.ExpectExec(CompleteSQL).WithArgs(int64(1)).WillReturnError(errDB)
				m.ExpectRollback()
			},
			call:    func(ctx context.Context, r *Repo) (any, error) { return nil, r.Complete(ctx, 1) },
			wantErr: errDB,
		},
		{
			name:    "complete cannot begin",
			expect:  func(m sqlmock.Sqlmock) { m.ExpectBegin().WillReturnError(errDB) },
			call:    func(ctx context.Context, r *Repo) (any, error) { return nil, r.Complete(ctx, 1) },
			wantErr: errDB,
		},
		{
			name: "complete cannot commit",
			expect: func(m sqlmock.Sqlmock) {
				m.ExpectBegin()
				m.ExpectExec(CompleteSQL).WithArgs(int64(1)).WillReturnResult(sqlmock.NewResult(0, 1))
				m.ExpectCommit().WillReturnError(errDB)
			},
			call:    func(ctx context.Context, r *Repo) (any, error) { return nil, r.Complete(ctx, 1) },
			wantErr: errDB,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, mock := newMockRepo(t)
			tc.expect(mock)
			got, err := tc.call(context.Background(), r)
			if tc.wantErr == nil && err != nil {
				t.Fatalf("error %v", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
			// Every expected statement ran, in order, and nothing else.
			if err := mock.ExpectationsWereMet(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestRepoUnitCatchesWrongSQL: the mock fails a statement it does not
// expect, so a change to the repository's SQL breaks the unit tests.
func TestRepoUnitCatchesWrongSQL(t *testing.T) {
	r, mock := newMockRepo(t)
	mock.ExpectQuery(GetSQL + " LIMIT 1").WithArgs(int64(1)).WillReturnRows(sqlmock.NewRows(taskColumns))
	if _, err := r.Get(context.Background(), 1); err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, sql.ErrNoRows) {
		t.Errorf("Get with unexpected SQL: error %v, want the mock's mismatch error", err)
	}
	if err := mock.ExpectationsWereMet(); err == nil {
		t.Error("ExpectationsWereMet passed with an unmet expectation")
	}
}
