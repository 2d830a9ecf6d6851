package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/turso-go/turso"
	"gorm.io/gorm"
)

func TestGormRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blog.db")
	// Twice: run starts from an empty database each time.
	for i := range 2 {
		var out bytes.Buffer
		if err := run(context.Background(), &out, path); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		got := out.String()
		for _, s := range []string{
			"database: " + path,
			"created user 1 ada <ada@example.org> (bio NULL: true)",
			`create with a bad email: user "nobody": invalid email`,
			"duplicate slug rolled back: true (ErrDuplicatedKey: true)",
			"post Notes on the Engine  /notes-on-the-engine  2026-03-01 10:00:00  tags [machines math]",
			"post Bernoulli Numbers    /bernoulli-numbers  2026-03-02 10:00:00  tags [math]",
			"tag math: 2 posts, first by ada",
		} {
			if !strings.Contains(got, s) {
				t.Errorf("run %d output lacks %q:\n%s", i+1, s, got)
			}
		}
	}
}

func TestGormRunBadPath(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, filepath.Join(t.TempDir(), "missing", "b.db")); err == nil {
		t.Fatal("run on a path in a missing directory succeeded")
	}
}

// openBlog opens a migrated database in a temporary directory.
func openBlog(t *testing.T) *gorm.DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "blog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return db
}

func TestPublish(t *testing.T) {
	db := openBlog(t)
	ctx := context.Background()
	u := &User{Name: "u", Email: "u@example.org"}
	if err := db.Create(u).Error; err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 5, 5, 5, 5, 0, time.UTC)
	p, err := Publish(ctx, db, u, "Hello  World", at, "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	if p.Slug != "hello-world" || len(p.Tags) != 2 || p.Tags[0].ID == 0 {
		t.Errorf("published %+v", p)
	}
	// The tag "a" is reused, not created twice.
	if _, err := Publish(ctx, db, u, "Second", at, "a"); err != nil {
		t.Fatal(err)
	}
	var tags int64
	db.Model(&Tag{}).Count(&tags)
	if tags != 2 {
		t.Errorf("%d tags, want 2", tags)
	}

	tests := []struct {
		name    string
		author  *User
		title   string
		want    error
		wantErr error // the turso sentinel under gorm's
	}{
		{"same slug", u, "hello world", gorm.ErrDuplicatedKey, turso.ErrConstraintUnique},
		{"unknown author", &User{ID: 99}, "Orphan", gorm.ErrForeignKeyViolated, turso.ErrConstraintForeignKey},
	}
	for _, tc := range tests {
		_, err := Publish(ctx, db, tc.author, tc.title, at, "new-tag-"+tc.name)
		if !errors.Is(err, tc.want) || !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: error %v, want %v and %v", tc.name, err, tc.want, tc.wantErr)
		}
		var te *turso.Error
		if !errors.As(err, &te) {
			t.Errorf("%s: error %v does not unwrap to a *turso.Error", tc.name, err)
		}
		// The whole transaction rolled back: the new tag is gone too.
		var n int64
		db.Model(&Tag{}).Where("name = ?", "new-tag-"+tc.name).Count(&n)
		if n != 0 {
			t.Errorf("%s: the tag created in the failed transaction was kept", tc.name)
		}
	}
}

func TestUserHook(t *testing.T) {
	db := openBlog(t)
	tests := []struct {
		email     string
		wantEmail string
		wantErr   error
	}{
		{" Me@Example.ORG", "me@example.org", nil},
		{"no-at-sign", "", ErrInvalidEmail},
		{"", "", ErrInvalidEmail},
	}
	for i, tc := range tests {
		u := User{Name: strings.Repeat("x", i+1), Email: tc.email}
		err := db.Create(&u).Error
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%q: error %v, want %v", tc.email, err, tc.wantErr)
		}
		var stored User
		found := db.First(&stored, "name = ?", u.Name).Error
		if tc.wantErr != nil {
			if !errors.Is(found, gorm.ErrRecordNotFound) {
				t.Errorf("%q: vetoed user was stored: %+v", tc.email, stored)
			}
			continue
		}
		if found != nil || stored.Email != tc.wantEmail {
			t.Errorf("%q: stored %q (%v), want %q", tc.email, stored.Email, found, tc.wantEmail)
		}
	}
}

func TestTranslate(t *testing.T) {
	plain := errors.New("other")
	tests := []struct {
		err  error
		want error
	}{
		{&turso.Error{Code: turso.CodeConstraint, ExtendedCode: turso.CodeConstraintUnique}, gorm.ErrDuplicatedKey},
		{&turso.Error{Code: turso.CodeConstraint, ExtendedCode: turso.CodeConstraintPrimaryKey}, gorm.ErrDuplicatedKey},
		{&turso.Error{Code: turso.CodeConstraint, ExtendedCode: turso.CodeConstraintForeignKey}, gorm.ErrForeignKeyViolated},
		{&turso.Error{Code: turso.CodeConstraint, ExtendedCode: turso.CodeConstraintCheck}, gorm.ErrCheckConstraintViolated},
		{&turso.Error{Code: turso.CodeConstraint, ExtendedCode: turso.CodeConstraintNotNull}, nil}, // gorm has no NOT NULL error
		{&turso.Error{Code: turso.CodeBusy, ExtendedCode: turso.CodeBusy}, nil},
		{plain, nil},
	}
	for _, tc := range tests {
		got := Dialector{}.Translate(tc.err)
		if tc.want == nil {
			if got != tc.err {
				t.Errorf("Translate(%v) = %v, want it unchanged", tc.err, got)
			}
			continue
		}
		if !errors.Is(got, tc.want) || !errors.Is(got, tc.err) {
			t.Errorf("Translate(%v) = %v, want %v wrapping the original", tc.err, got, tc.want)
		}
	}
}
