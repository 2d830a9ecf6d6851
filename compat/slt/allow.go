package slt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// AllowEntry is one reviewed failure that is expected today: the record at
// File:Line fails on Driver ("*" for every driver) for Reason.
type AllowEntry struct {
	// File is a script path relative to the corpus root, with forward
	// slashes, e.g. "evidence/in1.test". It matches any script path that
	// ends with it on a path-element boundary.
	File string
	// Line is the line of the record's keyword.
	Line int
	// Driver is the database/sql driver name, or "*".
	Driver string
	// Reason explains why the record cannot pass.
	Reason string
	// Source is where the entry was read ("allowlist.txt:12").
	Source string

	used bool
	seen bool
}

// AllowList is a set of expected failures. An entry that does not fail
// when its script runs is stale: see [AllowList.Stale].
type AllowList struct {
	Entries []*AllowEntry
}

// ParseAllowList reads an allow-list: one entry per line,
//
//	path/to/file.test:LINE DRIVER reason text...
//
// Blank lines and lines starting with '#' are ignored. Malformed lines are
// reported with their line number.
func ParseAllowList(name string, r io.Reader) (*AllowList, error) {
	al := &AllowList{}
	sc := bufio.NewScanner(r)
	n := 0
	var errs []error
	for sc.Scan() {
		n++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) < 3 {
			errs = append(errs, fmt.Errorf("%s:%d: want \"file:line driver reason\"", name, n))
			continue
		}
		file, lineStr, ok := strings.Cut(fields[0], ":")
		line, err := strconv.Atoi(lineStr)
		if !ok || err != nil || line <= 0 || file == "" {
			errs = append(errs, fmt.Errorf("%s:%d: bad location %q (want file:line)", name, n, fields[0]))
			continue
		}
		// The reason is the rest of the line after the driver field.
		rest := strings.TrimSpace(text[len(fields[0]):])
		rest = strings.TrimSpace(rest[len(fields[1]):])
		al.Entries = append(al.Entries, &AllowEntry{
			File: filepath.ToSlash(file), Line: line, Driver: fields[1],
			Reason: rest, Source: fmt.Sprintf("%s:%d", name, n),
		})
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, err)
	}
	return al, errors.Join(errs...)
}

// matchFile reports whether the script path matches an entry's file.
func matchFile(path, entry string) bool {
	path = filepath.ToSlash(path)
	return path == entry || strings.HasSuffix(path, "/"+entry)
}

// Apply marks the failures of res that an entry for driver covers as
// allowed, moving them from Failed to Allowed, and remembers which entries
// were exercised.
func (al *AllowList) Apply(driver string, res *FileResult) {
	if al == nil {
		return
	}
	for _, e := range al.Entries {
		if (e.Driver == driver || e.Driver == "*") && matchFile(res.File, e.File) {
			e.seen = true
		}
	}
	for i := range res.Failures {
		f := &res.Failures[i]
		for _, e := range al.Entries {
			if (e.Driver == driver || e.Driver == "*") && f.Line == e.Line && matchFile(f.File, e.File) {
				f.Allowed, f.AllowReason = true, e.Reason
				e.used = true
				res.Failed--
				res.Allowed++
				break
			}
		}
	}
}

// Stale returns the entries whose script was run (through Apply) but whose
// record did not fail: they must be removed from the list.
func (al *AllowList) Stale() []*AllowEntry {
	if al == nil {
		return nil
	}
	var out []*AllowEntry
	for _, e := range al.Entries {
		if e.seen && !e.used {
			out = append(out, e)
		}
	}
	return out
}

// Lookup returns the entry covering file:line for driver, if any.
func (al *AllowList) Lookup(driver, file string, line int) (*AllowEntry, bool) {
	if al == nil {
		return nil, false
	}
	for _, e := range al.Entries {
		if (e.Driver == driver || e.Driver == "*") && e.Line == line && matchFile(file, e.File) {
			return e, true
		}
	}
	return nil, false
}
