// Package session is contrast's evaluation engine, shared by the Jupyter
// kernel, the terminal REPL and the notebook renderer: a yaegi interpreter
// with the standard library and contrast's packages, which runs cells of Go
// and keeps their state.
//
// A cell mixes imports, declarations and statements, and may end in an
// expression: its value is the cell's result, shown as its richest MIME
// type when it renders itself (see package display) and as Go-like text
// otherwise. Later cells may redefine funcs, types and vars. display is
// imported in every cell.
//
// Output: fmt.Print* in cells, and with Options.CaptureFDs everything that
// compiled code writes to file descriptors 1 and 2, stream to
// Options.Stdout and Options.Stderr while the cell runs, in order, never
// splitting a UTF-8 sequence. Output of goroutines a cell started carries
// that cell's tag (WithTag, TaggedWriter).
//
// Errors: compile errors, panics (also in goroutines a cell started) and
// os.Exit never end the process; they come back as an Error whose lines
// name the cell's own lines ("cell line 3", "cell [2] line 5").
//
// Interrupts: cancelling the context given to Execute stops the cell:
// interpreted code at its next step, blocked channel operations and
// time.Sleep at once, compiled helpers when they next check
// display.Context. The session keeps its state.
//
// Concurrency: all methods are safe for concurrent use; cells run one at a
// time. File descriptors are process-wide, so only one session captures
// them at a time.
//
// Limits (yaegi v0.16.1): a cell's types have no methods as far as
// compiled code's type assertions see, except through the interfaces
// registered for display (the session wraps them); generic functions of
// compiled packages are not callable; interrupting a cell also stops
// goroutines that earlier cells left running.
package session
