package main

// Drop-in proof for gorm: behaviours that gorm's own test suite (gorm.io
// tests/: create, query, update, delete, transaction, hooks,
// scanner_valuer, embedded_struct, migrate) checks on SQLite, rewritten as
// our tests and run on "turso" through Dialector.

import (
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // _loc zones without relying on the system's tz database

	"github.com/turso-go/turso"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// openGorm opens gorm on a fresh "turso" database in a temporary directory,
// with the given DSN parameters (foreign keys are always on), and migrates
// models.
func openGorm(t *testing.T, params string, models ...any) *gorm.DB {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "gorm.db") + "?_foreign_keys=1"
	if params != "" {
		dsn += "&" + params
	}
	sqlDB, err := sql.Open("turso", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sqlDB.Close() })
	db, err := OpenGorm(sqlDB)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AutoMigrate(models...); err != nil {
		t.Fatal(err)
	}
	return db
}

// must fails the test on a gorm error.
func must(t *testing.T, tx *gorm.DB) *gorm.DB {
	t.Helper()
	if tx.Error != nil {
		t.Fatal(tx.Error)
	}
	return tx
}

// Account is the model of the CRUD, NULL and time tests.
type Account struct {
	ID        uint
	Name      string `gorm:"uniqueIndex;not null"`
	Age       int    `gorm:"check:age >= 0"`
	Active    bool
	Score     float64
	Nick      *string
	Manager   *uint
	Note      sql.NullString
	Visits    sql.NullInt64
	Birthday  *time.Time
	LastSeen  sql.NullTime
	Data      []byte
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt gorm.DeletedAt `gorm:"index"`
}

// TestGormCRUD follows gorm's create, query, update and delete tests.
func TestGormCRUD(t *testing.T) {
	db := openGorm(t, "", &Account{})

	// Create: one, then a batch; IDs come back (RETURNING).
	a := Account{Name: "a", Age: 30, Active: true, Score: 1.5, Data: []byte{0, 1, 2}}
	must(t, db.Create(&a))
	if a.ID != 1 || a.CreatedAt.IsZero() || a.UpdatedAt.IsZero() {
		t.Errorf("created %+v", a)
	}
	batch := []Account{{Name: "b", Age: 20}, {Name: "c", Age: 40}, {Name: "d", Age: 50}, {Name: "e", Age: 60}}
	must(t, db.CreateInBatches(&batch, 2))
	for i, b := range batch {
		if b.ID != uint(i+2) {
			t.Errorf("batch[%d].ID = %d, want %d", i, b.ID, i+2)
		}
	}

	// Query: First, Last, Take, Find with conditions, Count, Pluck.
	var got Account
	must(t, db.First(&got, a.ID))
	if got.Name != "a" || got.Age != 30 || !got.Active || got.Score != 1.5 || !reflect.DeepEqual(got.Data, []byte{0, 1, 2}) {
		t.Errorf("First = %+v", got)
	}
	if !got.CreatedAt.Equal(a.CreatedAt) {
		t.Errorf("CreatedAt read %v, wrote %v", got.CreatedAt, a.CreatedAt)
	}
	var last Account
	must(t, db.Last(&last))
	if last.Name != "e" {
		t.Errorf("Last = %q", last.Name)
	}
	var older []Account
	must(t, db.Where("age > ?", 35).Order("age desc").Find(&older))
	if len(older) != 3 || older[0].Name != "e" {
		t.Errorf("age > 35: %d rows", len(older))
	}
	var inNames []Account
	must(t, db.Where("name IN ?", []string{"a", "c", "zz"}).Order("name").Find(&inNames))
	if len(inNames) != 2 || inNames[1].Name != "c" {
		t.Errorf("name IN: %+v", inNames)
	}
	var byStruct Account
	must(t, db.Where(&Account{Name: "b"}).Take(&byStruct))
	if byStruct.Age != 20 {
		t.Errorf("Where(struct) = %+v", byStruct)
	}
	if err := db.First(&Account{}, "name = ?", "nobody").Error; !errors.Is(err, gorm.ErrRecordNotFound) {
		t.Errorf("First of no row: %v, want ErrRecordNotFound", err)
	}
	var n int64
	must(t, db.Model(&Account{}).Where("active = ?", false).Count(&n))
	if n != 4 {
		t.Errorf("Count inactive = %d, want 4", n)
	}
	var names []string
	must(t, db.Model(&Account{}).Order("name").Pluck("name", &names))
	if want := []string{"a", "b", "c", "d", "e"}; !slices.Equal(names, want) {
		t.Errorf("Pluck = %q", names)
	}

	// Update: a struct skips zero fields, a map does not; UpdatedAt moves.
	before := got.UpdatedAt
	time.Sleep(2 * time.Millisecond)
	must(t, db.Model(&got).Updates(Account{Age: 31, Active: false}))
	var re Account
	must(t, db.First(&re, a.ID))
	if re.Age != 31 || !re.Active {
		t.Errorf("Updates(struct) = age %d active %v; want 31 true (false is a zero value)", re.Age, re.Active)
	}
	if !re.UpdatedAt.After(before) {
		t.Errorf("UpdatedAt %v not after %v", re.UpdatedAt, before)
	}
	must(t, db.Model(&re).Updates(map[string]any{"active": false, "score": 0}))
	must(t, db.First(&re, a.ID))
	if re.Active || re.Score != 0 {
		t.Errorf("Updates(map) = %+v", re)
	}
	must(t, db.Model(&Account{}).Where("age < ?", 45).Update("score", gorm.Expr("score + ?", 10)))
	must(t, db.Model(&Account{}).Where("score = ?", 10).Count(&n))
	if n != 3 {
		t.Errorf("%d rows with score 10 after an expression update, want 3", n)
	}
	// Update without a condition is refused.
	if err := db.Model(&Account{}).Update("age", 1).Error; !errors.Is(err, gorm.ErrMissingWhereClause) {
		t.Errorf("Update without WHERE: %v", err)
	}

	// Save updates all fields of an existing record.
	re.Name, re.Age = "a2", 0
	must(t, db.Save(&re))
	must(t, db.First(&got, a.ID))
	if got.Name != "a2" || got.Age != 0 {
		t.Errorf("Save = %+v", got)
	}

	// Delete is soft (DeletedAt); Unscoped sees and really deletes.
	must(t, db.Delete(&Account{}, a.ID))
	if err := db.First(&got, a.ID).Error; !errors.Is(err, gorm.ErrRecordNotFound) {
		t.Errorf("soft-deleted row still found: %v", err)
	}
	must(t, db.Unscoped().First(&got, a.ID))
	if !got.DeletedAt.Valid {
		t.Errorf("DeletedAt not set: %+v", got.DeletedAt)
	}
	res := must(t, db.Unscoped().Delete(&Account{}, a.ID))
	if res.RowsAffected != 1 {
		t.Errorf("hard delete affected %d", res.RowsAffected)
	}
	must(t, db.Unscoped().Model(&Account{}).Count(&n))
	if n != 4 {
		t.Errorf("%d rows after the hard delete, want 4", n)
	}

	// Upsert and RETURNING.
	up := Account{Name: "b", Age: 21}
	must(t, db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"age"}),
	}).Create(&up))
	var b Account
	must(t, db.First(&b, "name = ?", "b"))
	if b.Age != 21 {
		t.Errorf("upsert: age %d, want 21", b.Age)
	}
	var deleted []Account
	must(t, db.Clauses(clause.Returning{Columns: []clause.Column{{Name: "name"}}}).Unscoped().Where("age > ?", 45).Delete(&deleted))
	if len(deleted) != 2 || !((deleted[0].Name == "d" && deleted[1].Name == "e") || (deleted[0].Name == "e" && deleted[1].Name == "d")) {
		t.Errorf("DELETE ... RETURNING = %+v", deleted)
	}
}

// TestGormConstraintErrors follows gorm's error_translator tests: with
// TranslateError, constraint failures are gorm's errors (and still turso's).
func TestGormConstraintErrors(t *testing.T) {
	type Owner struct {
		ID   uint
		Name string
	}
	type Pet struct {
		ID      uint
		OwnerID uint
		Owner   Owner
		Name    string
	}
	db := openGorm(t, "", &Account{}, &Owner{}, &Pet{})
	must(t, db.Create(&Account{Name: "x"}))
	tests := []struct {
		name   string
		err    error
		gorm   error
		turso  error
		substr string
	}{
		{"unique", db.Create(&Account{Name: "x"}).Error, gorm.ErrDuplicatedKey, turso.ErrConstraintUnique, "UNIQUE constraint failed: accounts.name"},
		{"primary key", db.Create(&Account{ID: 1, Name: "y"}).Error, gorm.ErrDuplicatedKey, turso.ErrConstraintPrimaryKey, "UNIQUE constraint failed: accounts.id"},
		{"check", db.Create(&Account{Name: "z", Age: -1}).Error, gorm.ErrCheckConstraintViolated, turso.ErrConstraintCheck, "CHECK constraint failed"},
		{"foreign key", db.Omit("Owner").Create(&Pet{OwnerID: 42, Name: "rex"}).Error, gorm.ErrForeignKeyViolated, turso.ErrConstraintForeignKey, "FOREIGN KEY constraint failed"},
	}
	for _, tc := range tests {
		if !errors.Is(tc.err, tc.gorm) || !errors.Is(tc.err, tc.turso) {
			t.Errorf("%s: error %v, want %v and %v", tc.name, tc.err, tc.gorm, tc.turso)
		}
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.substr) {
			t.Errorf("%s: error %v lacks SQLite's message %q", tc.name, tc.err, tc.substr)
		}
	}
}

// TestGormTransactions follows gorm's transaction tests: Begin/Commit,
// Begin/Rollback, Transaction with an error and with a panic, nested
// transactions (savepoints), SavePoint and RollbackTo.
func TestGormTransactions(t *testing.T) {
	db := openGorm(t, "", &Account{})
	exists := func(name string) bool {
		t.Helper()
		var n int64
		must(t, db.Model(&Account{}).Where("name = ?", name).Count(&n))
		return n == 1
	}

	tx := db.Begin()
	must(t, tx.Create(&Account{Name: "committed"}))
	must(t, tx.Commit())
	tx = db.Begin()
	must(t, tx.Create(&Account{Name: "rolled-back"}))
	var inside int64
	must(t, tx.Model(&Account{}).Where("name = ?", "rolled-back").Count(&inside))
	must(t, tx.Rollback())
	if !exists("committed") || exists("rolled-back") || inside != 1 {
		t.Errorf("Begin/Commit/Rollback: committed %v, rolled-back %v, seen inside %d", exists("committed"), exists("rolled-back"), inside)
	}

	errStop := errors.New("stop")
	err := db.Transaction(func(tx *gorm.DB) error {
		must(t, tx.Create(&Account{Name: "fn-error"}))
		return errStop
	})
	if !errors.Is(err, errStop) || exists("fn-error") {
		t.Errorf("Transaction returning an error: %v, row kept %v", err, exists("fn-error"))
	}
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the panic to pass through", r)
			}
		}()
		db.Transaction(func(tx *gorm.DB) error {
			tx.Create(&Account{Name: "fn-panic"})
			panic("boom")
		})
	}()
	if exists("fn-panic") {
		t.Error("Transaction that panicked kept its row")
	}

	// Nested: the inner failure rolls back to its savepoint only.
	err = db.Transaction(func(tx *gorm.DB) error {
		must(t, tx.Create(&Account{Name: "outer"}))
		inner := tx.Transaction(func(tx2 *gorm.DB) error {
			must(t, tx2.Create(&Account{Name: "inner"}))
			return errStop
		})
		if !errors.Is(inner, errStop) {
			t.Errorf("inner transaction: %v", inner)
		}
		return tx.Transaction(func(tx2 *gorm.DB) error {
			return tx2.Create(&Account{Name: "inner-ok"}).Error
		})
	})
	if err != nil || !exists("outer") || exists("inner") || !exists("inner-ok") {
		t.Errorf("nested: %v; outer %v inner %v inner-ok %v", err, exists("outer"), exists("inner"), exists("inner-ok"))
	}

	tx = db.Begin()
	must(t, tx.Create(&Account{Name: "sp-kept"}))
	must(t, tx.SavePoint("sp1"))
	must(t, tx.Create(&Account{Name: "sp-dropped"}))
	must(t, tx.RollbackTo("sp1"))
	must(t, tx.Commit())
	if !exists("sp-kept") || exists("sp-dropped") {
		t.Errorf("savepoint: kept %v, dropped %v", exists("sp-kept"), exists("sp-dropped"))
	}
	// A constraint failure inside Transaction rolls everything back.
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&Account{Name: "before-dup"}).Error; err != nil {
			return err
		}
		return tx.Create(&Account{Name: "committed"}).Error
	})
	if !errors.Is(err, gorm.ErrDuplicatedKey) || exists("before-dup") {
		t.Errorf("failing tx: %v, before-dup kept %v", err, exists("before-dup"))
	}
}

// TestGormNulls follows gorm's scanner_valuer tests for NULLs: pointers and
// sql.Null* fields round-trip both NULL and values.
func TestGormNulls(t *testing.T) {
	db := openGorm(t, "", &Account{})
	nick, mgr := "", uint(7) // an empty string and a value are not NULL
	bday := time.Date(1990, 12, 31, 0, 0, 0, 0, time.UTC)
	seen := time.Date(2025, 1, 2, 3, 4, 5, 600_000_000, time.UTC)
	tests := []struct {
		name string
		in   Account
	}{
		{"all NULL", Account{Name: "nulls"}},
		{"all set", Account{
			Name: "values", Nick: &nick, Manager: &mgr,
			Note: sql.NullString{String: "n", Valid: true}, Visits: sql.NullInt64{Int64: 0, Valid: true},
			Birthday: &bday, LastSeen: sql.NullTime{Time: seen, Valid: true},
		}},
	}
	for _, tc := range tests {
		must(t, db.Create(&tc.in))
		var out Account
		must(t, db.First(&out, tc.in.ID))
		if !reflect.DeepEqual(out.Nick, tc.in.Nick) || !reflect.DeepEqual(out.Manager, tc.in.Manager) ||
			out.Note != tc.in.Note || out.Visits != tc.in.Visits {
			t.Errorf("%s: read %+v, wrote %+v", tc.name, out, tc.in)
		}
		if (out.Birthday == nil) != (tc.in.Birthday == nil) || (out.Birthday != nil && !out.Birthday.Equal(*tc.in.Birthday)) {
			t.Errorf("%s: birthday %v, want %v", tc.name, out.Birthday, tc.in.Birthday)
		}
		if out.LastSeen.Valid != tc.in.LastSeen.Valid || !out.LastSeen.Time.Equal(tc.in.LastSeen.Time) {
			t.Errorf("%s: last seen %v, want %v", tc.name, out.LastSeen, tc.in.LastSeen)
		}
	}
	// Setting a column back to NULL, and querying for NULL.
	must(t, db.Model(&Account{}).Where("name = ?", "values").Updates(map[string]any{"nick": nil, "birthday": nil}))
	var nulls []string
	must(t, db.Model(&Account{}).Where("nick IS NULL AND birthday IS NULL").Order("name").Pluck("name", &nulls))
	if !slices.Equal(nulls, []string{"nulls", "values"}) {
		t.Errorf("rows with NULL nick and birthday: %q", nulls)
	}
}

// TestGormTimeLoc: time columns (gorm declares them "datetime") round-trip
// the instant; _loc chooses the zone they come back in, as with mattn.
// Also the autoCreateTime/autoUpdateTime unix variants.
func TestGormTimeLoc(t *testing.T) {
	type Event struct {
		ID        uint
		At        time.Time
		CreatedAt int64 `gorm:"autoCreateTime:milli"`
		UpdatedAt int64 `gorm:"autoUpdateTime"`
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2025, 7, 14, 9, 30, 15, 123456789, tokyo)
	tests := []struct {
		params string
		want   *time.Location // nil: the stored offset
	}{
		{"", nil},
		{"_loc=UTC", time.UTC},
		{"_loc=Asia/Tokyo", tokyo},
	}
	for _, tc := range tests {
		db := openGorm(t, tc.params, &Event{})
		start := time.Now()
		ev := Event{At: when}
		must(t, db.Create(&ev))
		var got Event
		must(t, db.First(&got, ev.ID))
		if !got.At.Equal(when) {
			t.Errorf("%q: read %v, wrote %v (nanoseconds kept?)", tc.params, got.At, when)
		}
		if tc.want != nil && got.At.Location().String() != tc.want.String() {
			t.Errorf("%q: location %v, want %v", tc.params, got.At.Location(), tc.want)
		}
		if _, off := got.At.Zone(); tc.want == nil && off != 9*3600 {
			t.Errorf("%q: offset %d, want the stored +09:00", tc.params, off)
		}
		if got.CreatedAt < start.UnixMilli()-1000 || got.UpdatedAt < start.Unix()-1 || got.CreatedAt < 1e12 {
			t.Errorf("%q: autoCreateTime:milli %d, autoUpdateTime %d, start %v", tc.params, got.CreatedAt, got.UpdatedAt, start)
		}
		var declared string
		must(t, db.Raw("SELECT type FROM pragma_table_info('events') WHERE name = 'at'").Scan(&declared))
		if declared != "datetime" {
			t.Errorf("time.Time column declared %q, want datetime", declared)
		}
	}
}

// TestGormHooks follows gorm's hooks tests: the order of the create,
// update, delete and find hooks, a hook changing values, and a hook error
// cancelling the write.
func TestGormHooks(t *testing.T) {
	db := openGorm(t, "", &Hooked{})
	h := Hooked{Name: "h"}
	must(t, db.Create(&h))
	if want := []string{"BeforeSave", "BeforeCreate", "AfterCreate", "AfterSave"}; !slices.Equal(h.calls, want) {
		t.Errorf("create hooks %q, want %q", h.calls, want)
	}
	if h.Code != "H" {
		t.Errorf("BeforeSave did not set Code: %q", h.Code)
	}
	h.calls = nil
	must(t, db.Model(&h).Update("name", "h2"))
	if want := []string{"BeforeSave", "BeforeUpdate", "AfterUpdate", "AfterSave"}; !slices.Equal(h.calls, want) {
		t.Errorf("update hooks %q, want %q", h.calls, want)
	}
	var found Hooked
	must(t, db.First(&found, h.ID))
	if !slices.Equal(found.calls, []string{"AfterFind"}) || found.Name != "h2" {
		t.Errorf("find: hooks %q, name %q", found.calls, found.Name)
	}
	// A hook's error cancels the write and its transaction.
	bad := Hooked{Name: "forbidden"}
	if err := db.Create(&bad).Error; !errors.Is(err, errForbidden) {
		t.Errorf("BeforeCreate veto: %v", err)
	}
	var n int64
	must(t, db.Model(&Hooked{}).Where("name = ?", "forbidden").Count(&n))
	if n != 0 {
		t.Error("vetoed row was stored")
	}
	found.calls = nil
	must(t, db.Delete(&found))
	if want := []string{"BeforeDelete", "AfterDelete"}; !slices.Equal(found.calls, want) {
		t.Errorf("delete hooks %q, want %q", found.calls, want)
	}
}

// Hooked records the hooks gorm calls on it.
type Hooked struct {
	ID    uint
	Name  string
	Code  string
	calls []string
}

var errForbidden = errors.New("forbidden name")

func (h *Hooked) BeforeSave(*gorm.DB) error {
	h.calls = append(h.calls, "BeforeSave")
	h.Code = strings.ToUpper(h.Name[:1])
	return nil
}
func (h *Hooked) BeforeCreate(*gorm.DB) error {
	h.calls = append(h.calls, "BeforeCreate")
	if h.Name == "forbidden" {
		return errForbidden
	}
	return nil
}
func (h *Hooked) AfterCreate(*gorm.DB) error {
	h.calls = append(h.calls, "AfterCreate")
	return nil
}
func (h *Hooked) AfterSave(*gorm.DB) error    { h.calls = append(h.calls, "AfterSave"); return nil }
func (h *Hooked) BeforeUpdate(*gorm.DB) error { h.calls = append(h.calls, "BeforeUpdate"); return nil }
func (h *Hooked) AfterUpdate(*gorm.DB) error  { h.calls = append(h.calls, "AfterUpdate"); return nil }
func (h *Hooked) BeforeDelete(*gorm.DB) error { h.calls = append(h.calls, "BeforeDelete"); return nil }
func (h *Hooked) AfterDelete(*gorm.DB) error  { h.calls = append(h.calls, "AfterDelete"); return nil }
func (h *Hooked) AfterFind(*gorm.DB) error    { h.calls = append(h.calls, "AfterFind"); return nil }

// TestGormScanning follows gorm's scan and embedded_struct tests: embedded
// structs with a prefix, Scan into other structs and maps, Rows/ScanRows,
// Raw with named arguments, and joins into a struct.
func TestGormScanning(t *testing.T) {
	type Address struct {
		Street string
		City   string
	}
	type Base struct {
		ID        uint
		CreatedAt time.Time
	}
	type Customer struct {
		Base
		Name    string
		Home    Address `gorm:"embedded;embeddedPrefix:home_"`
		Work    Address `gorm:"embedded;embeddedPrefix:work_"`
		Balance int
	}
	db := openGorm(t, "", &Customer{})
	if !db.Migrator().HasColumn(&Customer{}, "home_city") || !db.Migrator().HasColumn(&Customer{}, "work_street") {
		t.Fatal("embedded columns home_city / work_street missing")
	}
	must(t, db.Create(&[]Customer{
		{Name: "ann", Home: Address{"1 Main", "Oslo"}, Work: Address{"2 Dock", "Bergen"}, Balance: 10},
		{Name: "bob", Home: Address{"3 Hill", "Oslo"}, Balance: 20},
	}))

	var ann Customer
	must(t, db.Where(&Customer{Home: Address{City: "Oslo"}, Name: "ann"}).First(&ann))
	if ann.ID == 0 || ann.CreatedAt.IsZero() || ann.Work.City != "Bergen" || ann.Home.Street != "1 Main" {
		t.Errorf("embedded struct read %+v", ann)
	}

	// Scan into a smaller struct and into maps.
	type Summary struct {
		Name  string
		Total int
	}
	var sums []Summary
	must(t, db.Model(&Customer{}).Select("home_city AS name, sum(balance) AS total").Group("home_city").Scan(&sums))
	if len(sums) != 1 || sums[0] != (Summary{"Oslo", 30}) {
		t.Errorf("grouped Scan = %+v", sums)
	}
	var m map[string]any
	must(t, db.Model(&Customer{}).Select("name", "balance").Where("name = ?", "bob").Take(&m))
	// With a model, values take the types of the model's fields.
	if m["name"] != "bob" || m["balance"] != 20 {
		t.Errorf("Take into a map = %#v (balance %T)", m, m["balance"])
	}
	// Without one, the driver's ColumnTypes decide (sql.NullInt64 for an
	// INTEGER column, as with mattn): int64.
	var raw map[string]any
	must(t, db.Raw("SELECT name, balance, created_at FROM customers WHERE name = ?", "bob").Scan(&raw))
	if raw["name"] != "bob" || raw["balance"] != int64(20) {
		t.Errorf("Raw into a map = %#v (balance %T)", raw, raw["balance"])
	}
	if _, ok := raw["created_at"].(time.Time); !ok {
		t.Errorf("Raw into a map: created_at is %T, want time.Time", raw["created_at"])
	}
	var ms []map[string]any
	must(t, db.Model(&Customer{}).Select("name").Order("name").Find(&ms))
	if len(ms) != 2 || ms[1]["name"] != "bob" {
		t.Errorf("Find into maps = %v", ms)
	}

	// Rows + ScanRows.
	rows, err := db.Model(&Customer{}).Order("id").Rows()
	if err != nil {
		t.Fatal(err)
	}
	var scanned []string
	for rows.Next() {
		var c Customer
		if err := db.ScanRows(rows, &c); err != nil {
			t.Fatal(err)
		}
		scanned = append(scanned, c.Name+"@"+c.Home.City)
	}
	rows.Close()
	if !slices.Equal(scanned, []string{"ann@Oslo", "bob@Oslo"}) {
		t.Errorf("ScanRows = %q", scanned)
	}

	// Raw SQL with named arguments (sql.Named and a map).
	var name string
	must(t, db.Raw("SELECT name FROM customers WHERE balance > @min AND home_city = @city", sql.Named("min", 15), sql.Named("city", "Oslo")).Scan(&name))
	if name != "bob" {
		t.Errorf("Raw with sql.Named = %q", name)
	}
	var total int
	must(t, db.Raw("SELECT sum(balance) FROM customers WHERE home_city = @city", map[string]any{"city": "Oslo"}).Scan(&total))
	if total != 30 {
		t.Errorf("Raw with a map = %d", total)
	}
	// Row().Scan and a missing row.
	var bal int
	if err := db.Model(&Customer{}).Select("balance").Where("name = ?", "nobody").Row().Scan(&bal); !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("Row().Scan of no row: %v", err)
	}
}

// TestGormMigrations follows gorm's migrate tests: AutoMigrate creates,
// then adds a column and indexes to an existing table without losing rows;
// the migrator's Has*/Create*/Drop*/Rename* calls; constraints.
func TestGormMigrations(t *testing.T) {
	type Item struct {
		ID   uint
		Name string
	}
	db := openGorm(t, "", &Item{})
	m := db.Migrator()
	must(t, db.Create(&Item{Name: "old"}))

	// A later version of the model: a new column with a default, an index,
	// a unique index and a check constraint.
	type ItemV2 struct {
		ID    uint
		Name  string `gorm:"index:idx_items_name"`
		SKU   string `gorm:"uniqueIndex;default:''"`
		Price int    `gorm:"not null;default:0;check:chk_price,price >= 0"`
		Label *string
	}
	if err := db.Table("items").AutoMigrate(&ItemV2{}); err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"sku", "price", "label"} {
		if !m.HasColumn("items", col) {
			t.Errorf("AutoMigrate did not add column %s", col)
		}
	}
	for _, idx := range []string{"idx_items_name", "idx_items_sku"} {
		if !m.HasIndex("items", idx) {
			t.Errorf("AutoMigrate did not create index %s", idx)
		}
	}
	var old ItemV2
	must(t, db.Table("items").First(&old))
	if old.Name != "old" || old.Price != 0 || old.Label != nil {
		t.Errorf("existing row after migration: %+v", old)
	}
	// AutoMigrate is idempotent.
	if err := db.Table("items").AutoMigrate(&ItemV2{}); err != nil {
		t.Errorf("second AutoMigrate: %v", err)
	}
	// The new constraints hold.
	must(t, db.Table("items").Create(&ItemV2{Name: "n", SKU: "s1", Price: 1}))
	if err := db.Table("items").Create(&ItemV2{Name: "n", SKU: "s1", Price: 1}).Error; !errors.Is(err, gorm.ErrDuplicatedKey) {
		t.Errorf("duplicate SKU: %v", err)
	}
	if err := db.Table("items").Create(&ItemV2{Name: "n", SKU: "s2", Price: -1}).Error; !errors.Is(err, gorm.ErrCheckConstraintViolated) {
		t.Errorf("negative price: %v", err)
	}
	if !m.HasConstraint("items", "chk_price") {
		t.Error("HasConstraint(chk_price) = false")
	}

	// Column types as the migrator reads them.
	cts, err := m.ColumnTypes("items")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, ct := range cts {
		types[ct.Name()] = strings.ToLower(ct.DatabaseTypeName())
	}
	if types["id"] != "integer" || types["name"] != "text" || types["price"] != "integer" {
		t.Errorf("ColumnTypes = %v", types)
	}

	// Index and column operations.
	if err := m.RenameIndex("items", "idx_items_name", "idx_items_name2"); err != nil || !m.HasIndex("items", "idx_items_name2") || m.HasIndex("items", "idx_items_name") {
		t.Errorf("RenameIndex: %v", err)
	}
	if err := m.DropIndex("items", "idx_items_name2"); err != nil || m.HasIndex("items", "idx_items_name2") {
		t.Errorf("DropIndex: %v", err)
	}
	if err := m.RenameColumn("items", "label", "tag"); err != nil || !m.HasColumn("items", "tag") || m.HasColumn("items", "label") {
		t.Errorf("RenameColumn: %v", err)
	}
	// (the SQLite migrator's DropColumn needs a model, not a table name: it looks the
	// column up in the model's schema.)
	if err := db.Table("items").Migrator().DropColumn(&ItemV2{}, "tag"); err != nil || m.HasColumn("items", "tag") {
		t.Errorf("DropColumn: %v", err)
	}
	var n int64
	must(t, db.Table("items").Count(&n))
	if n != 2 {
		t.Errorf("%d rows after the column operations, want 2", n)
	}

	// Tables: rename, list, drop.
	if err := m.RenameTable("items", "goods"); err != nil || !m.HasTable("goods") || m.HasTable("items") {
		t.Errorf("RenameTable: %v", err)
	}
	tables, err := m.GetTables()
	if err != nil || !slices.Contains(tables, "goods") {
		t.Errorf("GetTables = %q, %v", tables, err)
	}
	if err := m.DropTable("goods"); err != nil || m.HasTable("goods") {
		t.Errorf("DropTable: %v", err)
	}
}

// TestGormForeignKeyMigration: AutoMigrate of a belongs-to relation creates
// the FOREIGN KEY constraint, which the database enforces.
func TestGormForeignKeyMigration(t *testing.T) {
	type Team struct {
		ID   uint
		Name string
	}
	type Player struct {
		ID     uint
		TeamID uint
		Team   Team `gorm:"constraint:OnDelete:CASCADE"`
		Name   string
	}
	db := openGorm(t, "", &Team{}, &Player{})
	if !db.Migrator().HasConstraint(&Player{}, "Team") {
		t.Error("HasConstraint(Player, Team) = false")
	}
	team := Team{Name: "t"}
	must(t, db.Create(&team))
	must(t, db.Create(&Player{TeamID: team.ID, Name: "p"}))
	if err := db.Omit("Team").Create(&Player{TeamID: 99, Name: "q"}).Error; !errors.Is(err, gorm.ErrForeignKeyViolated) {
		t.Errorf("player of a missing team: %v", err)
	}
	must(t, db.Delete(&team))
	var n int64
	must(t, db.Model(&Player{}).Count(&n))
	if n != 0 {
		t.Errorf("ON DELETE CASCADE left %d players", n)
	}
}

// TestGormAssociations follows gorm's association tests: has-many,
// belongs-to and many2many through the Association API.
func TestGormAssociations(t *testing.T) {
	db := openGorm(t, "", Models...)
	u := User{Name: "u", Email: "u@x", Posts: []Post{{Title: "p1"}, {Title: "p2"}}}
	must(t, db.Create(&u)) // has-many: the posts are created with it
	if u.Posts[0].ID == 0 || u.Posts[1].AuthorID != u.ID {
		t.Fatalf("posts not created with the user: %+v", u.Posts)
	}
	if n := db.Model(&u).Association("Posts").Count(); n != 2 {
		t.Errorf("Association(Posts).Count = %d", n)
	}

	// belongs-to: creating a post with a new author creates the author.
	p := Post{Title: "p3", Author: User{Name: "v", Email: "v@x"}}
	must(t, db.Create(&p))
	if p.AuthorID == 0 || p.Author.ID != p.AuthorID {
		t.Errorf("belongs-to: %+v", p)
	}
	var loaded Post
	must(t, db.Preload("Author").First(&loaded, p.ID))
	if loaded.Author.Name != "v" {
		t.Errorf("Preload(Author) = %+v", loaded.Author)
	}

	// many2many: Append, Replace, Delete, Clear, and the join table.
	tags := []Tag{{Name: "t1"}, {Name: "t2"}, {Name: "t3"}}
	must(t, db.Create(&tags))
	post := u.Posts[0]
	if err := db.Model(&post).Association("Tags").Append(&tags[0], &tags[1]); err != nil {
		t.Fatal(err)
	}
	tagNames := func() []string {
		var ts []Tag
		if err := db.Model(&post).Order("name").Association("Tags").Find(&ts); err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, tg := range ts {
			out = append(out, tg.Name)
		}
		return out
	}
	if got := tagNames(); !slices.Equal(got, []string{"t1", "t2"}) {
		t.Errorf("after Append: %q", got)
	}
	if err := db.Model(&post).Association("Tags").Replace(&tags[2]); err != nil {
		t.Fatal(err)
	}
	if got := tagNames(); !slices.Equal(got, []string{"t3"}) {
		t.Errorf("after Replace: %q", got)
	}
	if err := db.Model(&post).Association("Tags").Append(&tags[0]); err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&post).Association("Tags").Delete(&tags[2]); err != nil {
		t.Fatal(err)
	}
	if got := tagNames(); !slices.Equal(got, []string{"t1"}) {
		t.Errorf("after Delete: %q", got)
	}
	var t1 Tag
	must(t, db.Preload("Posts").First(&t1, "name = ?", "t1"))
	if len(t1.Posts) != 1 || t1.Posts[0].Title != "p1" {
		t.Errorf("the other side of many2many: %+v", t1.Posts)
	}
	if err := db.Model(&post).Association("Tags").Clear(); err != nil {
		t.Fatal(err)
	}
	var links int64
	must(t, db.Table("post_tags").Count(&links))
	if links != 0 {
		t.Errorf("%d post_tags rows after Clear", links)
	}
	// Tags survive: Clear removes links, not the tags.
	var tagCount int64
	must(t, db.Model(&Tag{}).Count(&tagCount))
	if tagCount != 3 {
		t.Errorf("%d tags after Clear, want 3", tagCount)
	}

	// has-many Delete unlinks; deleting a user whose posts remain is a
	// foreign-key violation (no cascade declared).
	if err := db.Model(&u).Association("Posts").Delete(&u.Posts[1]); err == nil {
		t.Error("unlinking a post from its NOT NULL author succeeded")
	}
	if err := db.Delete(&u).Error; !errors.Is(err, gorm.ErrForeignKeyViolated) {
		t.Errorf("deleting a user with posts: %v", err)
	}
}
