package main

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/libtnb/sqlite"
	"github.com/turso-go/turso"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialector is gorm's SQLite dialect for a database opened with "turso".
//
// gorm.io/driver/sqlite cannot be used: it imports mattn/go-sqlite3, which
// cannot be linked into one binary with turso. github.com/libtnb/sqlite,
// the dialector gorm's documentation now points to, is the same dialect
// (migrator, clauses, RETURNING), maintained, and takes an open *sql.DB:
//
//	sqlite.New(sqlite.Config{Conn: db})   // db from sql.Open("turso", ...) or sql.OpenDB(connector)
//
// (It also links modernc.org/sqlite, a pure-Go SQLite registered as
// "sqlite": harmless next to turso, but unused. Give it Conn, not a DSN
// with DriverName "turso": it adds modernc's own DSN parameters, which
// turso refuses.) github.com/glebarez/sqlite works the same way, but has
// had no release since 2024 and pins a 2023 fork of modernc's SQLite;
// both pass gorm's own test suite on turso (scripts/gorm-suite).
//
// Its error translation knows only that driver's errors, so Dialector
// adds one for turso's: with gorm.Config{TranslateError: true}, a
// constraint failure matches gorm.ErrDuplicatedKey,
// gorm.ErrForeignKeyViolated or gorm.ErrCheckConstraintViolated with
// errors.Is, and still matches the turso sentinel (turso.ErrConstraintUnique,
// ...) and unwraps to the *turso.Error.
type Dialector struct {
	sqlite.Dialector
}

// Translate maps turso's constraint errors to gorm's, keeping the original
// in the chain.
func (d Dialector) Translate(err error) error {
	var gormErr error
	switch {
	case errors.Is(err, turso.ErrConstraintUnique), errors.Is(err, turso.ErrConstraintPrimaryKey):
		gormErr = gorm.ErrDuplicatedKey
	case errors.Is(err, turso.ErrConstraintForeignKey):
		gormErr = gorm.ErrForeignKeyViolated
	case errors.Is(err, turso.ErrConstraintCheck):
		gormErr = gorm.ErrCheckConstraintViolated
	default:
		return err
	}
	return fmt.Errorf("%w: %w", gormErr, err)
}

// OpenGorm opens gorm on db, an *sql.DB opened with the "turso" driver.
// Closing db closes gorm's pool.
func OpenGorm(db *sql.DB) (*gorm.DB, error) {
	return gorm.Open(Dialector{sqlite.Dialector{Conn: db}}, &gorm.Config{
		TranslateError: true,
		Logger:         logger.Default.LogMode(logger.Silent),
	})
}
