// Command gorm shows gorm on the "turso" driver: AutoMigrate, has-many,
// belongs-to and many-to-many associations, transactions that commit and
// roll back, hooks, time columns and NULLs.
//
//	go run .                 # from examples/integrations/gorm; database in the temp dir
//	go run . -db blog.db
//
// The only change from a gorm program on mattn/go-sqlite3 is the
// dialector: see Dialector (dialector.go).
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/turso-go/turso" // registers the "turso" driver
	"gorm.io/gorm"
)

// User has many Posts.
type User struct {
	ID        uint
	Name      string  `gorm:"not null;uniqueIndex"`
	Email     string  `gorm:"not null"`
	Bio       *string // NULL when nil
	CreatedAt time.Time
	UpdatedAt time.Time
	Posts     []Post `gorm:"foreignKey:AuthorID"`
}

// Post belongs to its Author and has many Tags through post_tags.
type Post struct {
	ID          uint
	AuthorID    uint `gorm:"not null;index"`
	Author      User
	Title       string     `gorm:"not null"`
	Slug        string     `gorm:"not null;uniqueIndex"`
	PublishedAt *time.Time // NULL: a draft
	Tags        []Tag      `gorm:"many2many:post_tags"`
	CreatedAt   time.Time
}

// Tag is shared by many posts.
type Tag struct {
	ID    uint
	Name  string `gorm:"not null;uniqueIndex"`
	Posts []Post `gorm:"many2many:post_tags"`
}

// ErrInvalidEmail is what the BeforeCreate hook of User returns for an
// address without "@"; it aborts the insert.
var ErrInvalidEmail = errors.New("invalid email")

// BeforeCreate normalizes and checks the email: a hook that can veto.
func (u *User) BeforeCreate(tx *gorm.DB) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if !strings.Contains(u.Email, "@") {
		return fmt.Errorf("user %q: %w", u.Name, ErrInvalidEmail)
	}
	return nil
}

// BeforeSave derives the slug from the title when it is empty, on create
// and update.
func (p *Post) BeforeSave(tx *gorm.DB) error {
	if p.Slug == "" {
		p.Slug = strings.Join(strings.Fields(strings.ToLower(p.Title)), "-")
	}
	return nil
}

// Models lists the tables, in an order AutoMigrate accepts.
var Models = []any{&User{}, &Post{}, &Tag{}}

// Open opens the database at path with "turso", with foreign keys on, and
// migrates the schema.
func Open(path string) (*gorm.DB, error) {
	sqlDB, err := sql.Open("turso", path+"?_foreign_keys=1&_journal_mode=WAL")
	if err != nil {
		return nil, err
	}
	db, err := OpenGorm(sqlDB)
	if err != nil {
		sqlDB.Close()
		return nil, err
	}
	if err := db.AutoMigrate(Models...); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("automigrate: %w", err)
	}
	return db, nil
}

// Publish creates a user's post with its tags (creating the tags that do
// not exist yet) in one transaction.
func Publish(ctx context.Context, db *gorm.DB, author *User, title string, at time.Time, tags ...string) (*Post, error) {
	post := &Post{AuthorID: author.ID, Title: title, PublishedAt: &at}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, name := range tags {
			tag := Tag{Name: name}
			if err := tx.Where(Tag{Name: name}).FirstOrCreate(&tag).Error; err != nil {
				return err
			}
			post.Tags = append(post.Tags, tag)
		}
		return tx.Create(post).Error // also fills post_tags
	})
	if err != nil {
		return nil, fmt.Errorf("publish %q: %w", title, err)
	}
	return post, nil
}

func main() {
	path := flag.String("db", filepath.Join(os.TempDir(), "turso-gorm.db"), "database file to create (it is emptied first)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path); err != nil {
		log.Fatal(err)
	}
}

// run builds a small blog in a fresh database at path and prints it.
func run(ctx context.Context, out io.Writer, path string) error {
	for _, f := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	db, err := Open(path)
	if err != nil {
		return err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	fmt.Fprintf(out, "database: %s\n", path)

	// Create: the hook lower-cases the email; Bio stays NULL.
	ada := &User{Name: "ada", Email: "  Ada@Example.org "}
	if err := db.WithContext(ctx).Create(ada).Error; err != nil {
		return err
	}
	fmt.Fprintf(out, "created user %d %s <%s> (bio NULL: %v)\n", ada.ID, ada.Name, ada.Email, ada.Bio == nil)

	// The hook vetoes a bad email: nothing is inserted.
	err = db.WithContext(ctx).Create(&User{Name: "nobody", Email: "not-an-address"}).Error
	fmt.Fprintf(out, "create with a bad email: %v\n", err)

	day := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if _, err := Publish(ctx, db, ada, "Notes on the Engine", day, "math", "machines"); err != nil {
		return err
	}
	if _, err := Publish(ctx, db, ada, "Bernoulli Numbers", day.Add(24*time.Hour), "math"); err != nil {
		return err
	}

	// A transaction that fails half-way rolls back: the same slug twice
	// breaks the unique index, and the first post is not kept either.
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&Post{AuthorID: ada.ID, Title: "Draft"}).Error; err != nil {
			return err
		}
		return tx.Create(&Post{AuthorID: ada.ID, Title: "draft"}).Error
	})
	fmt.Fprintf(out, "duplicate slug rolled back: %v (ErrDuplicatedKey: %v)\n", err != nil, errors.Is(err, gorm.ErrDuplicatedKey))

	// Read back: has-many and many2many preloaded, posts in order.
	var u User
	err = db.WithContext(ctx).Preload("Posts", func(db *gorm.DB) *gorm.DB { return db.Order("published_at") }).
		Preload("Posts.Tags", func(db *gorm.DB) *gorm.DB { return db.Order("name") }).
		First(&u, "name = ?", "ada").Error
	if err != nil {
		return err
	}
	for _, p := range u.Posts {
		names := make([]string, len(p.Tags))
		for i, t := range p.Tags {
			names[i] = t.Name
		}
		fmt.Fprintf(out, "post %-20s /%s  %s  tags %v\n", p.Title, p.Slug, p.PublishedAt.Format(time.DateTime), names)
	}

	// Belongs-to, from the other side: the tag's posts with their authors.
	var math Tag
	if err := db.WithContext(ctx).Preload("Posts.Author").First(&math, "name = ?", "math").Error; err != nil {
		return err
	}
	fmt.Fprintf(out, "tag %s: %d posts, first by %s\n", math.Name, len(math.Posts), math.Posts[0].Author.Name)
	return nil
}
