package session

// This file is the contract between the session engine and its front ends
// (kernel/, repl/, report/). Front ends use nothing else from this package.
// The implementation lives in the other files of the package.

import (
	"context"
	"io"
	"time"

	"github.com/gocontrast/contrast/display"
)

// Options configures a Session. Zero fields mean sensible defaults.
type Options struct {
	// Stdout and Stderr receive the cell's stream output as it is
	// produced: fmt.Print* from interpreted code and, when CaptureFDs is
	// set, everything written to file descriptors 1 and 2 by compiled code.
	// Writes never split a UTF-8 sequence. Nil discards.
	Stdout, Stderr io.Writer

	// Sink receives rich output (display.Show, plots, progress bars) while
	// a cell runs. Nil discards.
	Sink display.Sink

	// Input answers a cell's request to read a line from the user
	// (fmt.Scanln on os.Stdin, bufio on os.Stdin, or display-level
	// input). Nil makes such reads fail with an error that says input is
	// not available.
	Input func(prompt string, password bool) (string, error)

	// CaptureFDs redirects the process's file descriptors 1 and 2 while a
	// cell runs so that output from compiled code reaches Stdout/Stderr.
	// The kernel sets it; a test harness running several sessions may not.
	CaptureFDs bool

	// HistoryFile, if set, is where history persists across sessions.
	HistoryFile string

	// InterruptGrace is how long an interrupted cell may take to stop
	// (compiled helpers return at their next check of display.Context)
	// before Execute returns anyway. Zero means 3 seconds.
	InterruptGrace time.Duration
}

// Result is what Execute returns.
type Result struct {
	// Count is the execution count of this cell (1, 2, ...); cells
	// executed with store=false leave the count unchanged and report it.
	Count int
	// Value is the display bundle of the cell's trailing expression, or
	// nil when the cell has none (or it is a statement, or its value is
	// of no interest, e.g. a call returning nothing).
	Value display.Bundle
	// Metadata is the display metadata of Value, when the value supplies
	// some (display.Metadataer), or nil.
	Metadata map[string]any
	// Err is non-nil when the cell failed to compile, panicked, or was
	// interrupted; also when its trailing expression is a call whose last
	// result, an error, is not nil (os.Open("x"), Name the error's type
	// or "error"), or its value fails to render (Name ErrDisplay). Value
	// is nil then.
	Err *Error
	// Type is the Go type of the cell's trailing expression as the user
	// would write it ("*data.Dataset", "[]int", "float64", "(int,
	// error)" for a call with several results), "" when the cell has no
	// trailing expression with a value or its type is unknown. It is set
	// also when the cell fails.
	Type string
	// Page is help text for the front end's pager (Jupyter's "page"
	// payload: {"source": "page", "data": Page, "start": 0}), or nil. A
	// cell whose last line asks for help, as in IPython ("strings.Split?",
	// "?x", "f??" for the source too), runs its other lines and pages the
	// inspection of the name.
	Page display.Bundle
}

// Error describes a failed cell in Jupyter's terms.
type Error struct {
	Name      string   // e.g. "CompileError", "panic", "Interrupted"
	Message   string   // one line
	Traceback []string // lines; line numbers refer to the cell
}

func (e *Error) Error() string { return e.Name + ": " + e.Message }

// Completion is the answer to Complete.
type Completion struct {
	Matches    []string
	Start, End int // byte offsets in the code that the matches replace
	Types      []string
}

// Inspection is the answer to Inspect.
type Inspection struct {
	Found bool
	Data  display.Bundle // text/plain (and optionally text/markdown): signature and doc comment
}

// Completeness statuses.
const (
	Complete   = "complete"
	Incomplete = "incomplete"
	Invalid    = "invalid"
	Unknown    = "unknown"
)

// HistoryEntry is one executed cell.
type HistoryEntry struct {
	Session int
	Line    int // execution count
	Input   string
	Output  string // text/plain of the result, if any
}

// HistorySearcher is an optional ability of an Engine, found by a type
// assertion: history search that may keep repeated inputs (Jupyter's
// history_request with unique=false). *Session has it.
type HistorySearcher interface {
	// HistorySearch returns the last n entries (all with n <= 0) whose
	// input matches the glob pattern, oldest first; unique keeps only the
	// last run of each distinct input.
	HistorySearch(pattern string, n int, unique bool) []HistoryEntry
}

// Typer is an optional ability of an Engine, found by a type assertion:
// the type of an expression without running it (a REPL's :type). *Session
// has it.
type Typer interface {
	// TypeOf returns the Go type of code's trailing expression as
	// Result.Type would give it, type-checked against the cells that ran
	// without running anything; "" when code has no trailing expression
	// with a value, or does not compile.
	TypeOf(code string) string
}

// Engine is the method set front ends use; *Session implements it.
type Engine interface {
	// Execute runs one cell. Cancelling ctx interrupts it (including
	// compiled helpers that watch display.Context()). store=false runs
	// the cell without counting it or recording it in history.
	Execute(ctx context.Context, code string, store bool) Result
	// Eval evaluates an expression silently, for user_expressions.
	Eval(ctx context.Context, expr string) (display.Bundle, *Error)
	Complete(code string, cursor int) Completion
	Inspect(code string, cursor int, detail int) Inspection
	// IsComplete reports Complete, Incomplete (with the indent for the
	// next line), or Invalid.
	IsComplete(code string) (status, indent string)
	// History returns entries. Kinds: "tail" (last n), "range" (lines
	// start..stop of session, 0 meaning current), "search" (glob pattern,
	// last n matches, unique).
	History(kind string, n int, pattern string, session, start, stop int) []HistoryEntry
	// Count is the current execution count (that of the last stored cell).
	Count() int
	// Reset forgets all state and starts a fresh interpreter.
	Reset() error
	Close() error
}
