// Package session is contrast's evaluation engine, shared by the Jupyter
// kernel, the terminal REPL and the notebook renderer: a yaegi interpreter
// with the standard library and contrast's packages, which runs cells of Go
// and keeps their state.
//
// A cell mixes imports, declarations and statements, and may end in an
// expression: its value is the cell's result, shown as its richest MIME
// type when it renders itself (see package display) and as Go-like text
// otherwise; Result.Type is its Go type as the user would write it
// ("*data.Dataset", "(int, error)"). A trailing call whose last result is
// a non-nil error fails the cell instead (os.Open("x"), probe.KNN(...):
// Result.Err named by the error's type, "*fs.PathError", or "error", with
// the cell line), so that a notebook shows it red and "Run all" stops
// there; errors made as values (errors.New, fmt.Errorf) and variables
// holding errors show as values. A value that fails to render fails the
// cell with the rendering error (ErrDisplay). Later cells may redefine
// funcs, types and vars. display is imported in every cell. A cell that
// declares func main runs it once; a later main() calls it again.
//
// Imports: a package that a cell uses as a qualifier without importing
// it (data.FashionMNIST(), strings.Split) is imported for it and later
// cells, silently, as goimports and gonb do, when exactly one importable
// package of that name has every member the cell uses; of several, one of
// contrast's wins over the standard library, and rand means
// math/rand/v2 when it has them (rand.Intn alone means math/rand).
// Otherwise the error names the candidates ("undefined: template
// (missing import of one of ...)"). Completion and inspection know the
// members of such packages (data.Fash|).
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
// Completion and inspection type-check the text being edited against a
// go/types model of the cells that ran (typecheck.go): they know packages
// the text imports itself (import "strings" then strings.ToUp|, before it
// ran), locals and parameters around the cursor, and the fields and
// methods of any expression whose type is known (x., f(x).Field., m[k].),
// promoted ones and those of pointer receivers included. Matches that
// start with the typed word in its case come first, then those that
// start with it in another case; within those, nearer names first
// (locals, globals and members, packages, builtins, keywords).
//
// Help: a cell whose last line asks for help as in IPython ("strings.Split?",
// "?x", "f??" with the source) runs its other lines and returns the
// inspection in Result.Page, for the front end's pager.
//
// Errors are Go's where Go has them: when yaegi fails to compile a cell
// that Go's type checker finds wrong, the checker's messages are reported
// ("cannot use "s" (untyped string constant) as int value in
// assignment"); a missing package that auto-import cannot settle is named
// ("undefined: os (missing import "os")"), a misspelt member gets a
// suggestion ("did you mean fmt.Println?"), a function without its final return is refused before
// it runs, and runtime errors are worded as Go's runtime words them
// ("runtime error: index out of range", "invalid memory address or nil
// pointer dereference"; yaegi does not give the index or the length).
// Nothing of a cell that does not compile runs, its imports included.
// Go's "declared and not used" and "imported and not used" rules do not
// apply to cells, as in gophernotes and gonb: a notebook declares things
// to look at them later, and yaegi does not apply them either.
//
// Modern Go, rewritten for yaegi v0.16.1 with the cell's types (modern.go):
// for i := range n over an integer (n evaluated once, i of n's type and,
// in functions, a new i for each iteration); for k, v := range seq over
// an iterator func (run as a call of seq with the body as its yield func;
// a body that returns, defers, uses goto or leaves for an outer label is
// refused with advice: collect the values first); the min, max and clear
// builtins (min and max typed as Go types them, constant when their
// arguments are); calls of generic functions, whose type arguments are
// written out for yaegi, which infers them only in simple cases; and x :=
// f(...) or var x = f(...) at a cell's top level with f generic, which
// yaegi fails on (or silently zeroes) and which becomes var x T; x =
// f(...).
//
// Other rewrites work around yaegi's bugs (varinit.go, variadic.go,
// rewrite.go): var x T = e at a cell's top level, where e reads a
// variable of an earlier cell or run ("variable definition loop"),
// becomes var x T; x = e, in Go's initialisation order; a, b = x, f(),
// in which yaegi zeroes x, goes through fresh variables; variadic
// arguments of a non-empty interface type passed to compiled functions
// (nn.NewSequential(layer) with a cell's layer type) are passed as a
// slice, and a conversion of a cell's value to a compiled interface
// (nn.Layer(x)) becomes []nn.Layer{x}[0], both of which yaegi wraps in
// the interface (the plain forms panic: "reflect: cannot use *struct
// {...} as type nn.Layer").
//
// slices and maps are the session's own interpreted packages with Go
// 1.23's API (slices.Sort, SortFunc, SortStableFunc, BinarySearch, Min,
// Max, Clone, Compact, Concat, Insert, Delete, Index, Contains, Reverse,
// Repeat, Chunk, All, Values, Backward, Collect, Sorted; maps.Keys,
// Values, All, Collect, Insert, Clone, Copy, Equal, DeleteFunc), since
// yaegi's lack most of them and fail where a type argument is inferable
// only from a constraint. Differences from Go's: a slice parameter is
// []E, so a function given a named slice type returns []E, not the named
// type; iterators are plain func types (package iter cannot be imported:
// write iter.Seq[V] as func(yield func(V) bool)); sorting []int,
// []float64 and []string runs at compiled speed, other slices call the
// comparison through the interpreter. cmp is yaegi's.
//
// Symbols: cells import the standard library and the packages listed in
// session/exports/packages.txt, whose tables are generated
// (go generate ./session/...).
//
// Limits, from yaegi v0.16.1: a cell's types have methods that compiled
// code sees only through interfaces registered for it (display's, error,
// fmt.Stringer), so errors.As with a cell's error type, for one, fails;
// generic functions of compiled packages cannot be called; generic code
// of cells works in the common cases (generic funcs and types, methods of
// generic types, constraints with methods) but not all (a variadic
// generic func converting to its type parameter panicked in a test);
// method expressions (T.Method) panic when called; a method keeps its
// first definition, so a cell that changes a method of a type declared
// in an earlier cell is refused with advice (declare the type anew with
// its methods in one cell); loop variables are
// shared by all iterations (Go before 1.22) except in the rewritten
// range-over-int loops inside functions; min and max do not order -0.0
// before 0.0. yaegi knows only where each function starts, so a
// traceback shows the cell line that was running at the cell's top level
// and, for each function, where it is declared. An interrupt also stops
// goroutines that earlier cells left running, and goroutines that run
// interpreted code while a later cell starts race with it inside yaegi
// (the race detector sees it). When yaegi fails on a cell that Go finds
// valid, the error says so ("the interpreter (yaegi) cannot run this,
// although it is valid Go (...)") with advice.
package session
