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
// Input: fmt.Scan* and reads of os.Stdin in cells ask Options.Input for a
// line; an interrupt while it waits stops the cell.
//
// Completion, inspection (signature and doc comment), IsComplete and
// History serve the front ends' editors; they answer while a cell runs.
//
// Concurrency: all methods are safe for concurrent use; cells run one at a
// time. File descriptors and display's binding are process-wide: one
// session at a time should run cells with CaptureFDs or a Sink.
//
// Symbols: cells import the standard library and the packages listed in
// session/exports/packages.txt, whose tables are generated
// (go generate ./session/...).
//
// Limits, from yaegi v0.16.1: a cell's types have methods that compiled
// code sees only through interfaces registered for it (display's, error,
// fmt.Stringer); generic functions of compiled packages cannot be called,
// and generic code in cells works only in simple cases; slices and maps
// lack some functions (slices.Sort); range over an integer and the min,
// max and clear builtins are missing. yaegi knows only where each
// function starts, so a traceback shows the cell line that was running at
// the cell's top level and, for each function, where it is declared. An
// interrupt also stops goroutines that earlier cells left running, and
// goroutines that run interpreted code while a later cell starts race
// with it inside yaegi (the race detector sees it).
package session
