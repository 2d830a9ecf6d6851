package engine

import (
	"errors"
	"syscall"
)

// Primary result codes the driver branches on (SQLite numbering).
const (
	CodeOK         = 0
	CodeError      = 1
	CodeInternal   = 2
	CodePerm       = 3
	CodeAbort      = 4
	CodeBusy       = 5
	CodeLocked     = 6
	CodeNoMem      = 7
	CodeReadOnly   = 8
	CodeInterrupt  = 9
	CodeIOErr      = 10
	CodeCorrupt    = 11
	CodeNotFound   = 12
	CodeFull       = 13
	CodeCantOpen   = 14
	CodeProtocol   = 15
	CodeEmpty      = 16
	CodeSchema     = 17
	CodeTooBig     = 18
	CodeConstraint = 19
	CodeMismatch   = 20
	CodeMisuse     = 21
	CodeNoLFS      = 22
	CodeAuth       = 23
	CodeFormat     = 24
	CodeRange      = 25
	CodeNotADB     = 26
	CodeNotice     = 27
	CodeWarning    = 28
)

// Error is a failure reported by an engine.
type Error struct {
	// Code is the primary result code, ExtendedCode the extended one
	// (equal to Code when the engine gives no extended code).
	Code         int
	ExtendedCode int
	// SystemErrno is the operating system's error, where the engine
	// reports one (cannot-open and I/O errors).
	SystemErrno syscall.Errno
	// Message is the engine's description of the failure.
	Message string
	// Err is the Go error that caused the failure, when Go code did: the
	// error with which a commit hook vetoed the commit.
	Err error
}

// Error returns the engine's message, followed by the system error or Err
// if there is one.
func (e *Error) Error() string {
	switch {
	case e.SystemErrno != 0:
		return e.Message + ": " + e.SystemErrno.Error()
	case e.Err != nil:
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// ErrClosed is returned by every method of a Conn or Stmt used after Close.
var ErrClosed = errors.New("turso: use of a closed connection or statement")
