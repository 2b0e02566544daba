package session

import (
	"flag"
	"fmt"
	"io"
	"log"
	"path"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/session/exports"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// Import paths that cells see without importing them, under these names.
const (
	displayPath = "github.com/gocontrast/contrast/display"
	// rtPath is the session's own runtime support (result capture,
	// goroutine guards). Rewritten cell code refers to it as rtName.
	rtPath = "github.com/gocontrast/contrast/session/internal/rt"
	rtName = "__contrast"
)

// genericSources are the standard library packages that cells get as
// interpreted generic source rather than as a symbol table (see
// extensions.go); the value indexes yaegi's generic.Sources.
var genericSources = map[string]int{"cmp": 0, "maps": 1, "slices": 2}

// table is one importable package: its key in the symbol maps and its
// exported symbols.
type table struct {
	key  string // "importpath/name", as interp.Use wants
	name string // package name
	syms map[string]reflect.Value
}

var (
	tablesMu sync.Mutex
	tables   map[string]*table                     // by import path; nil until first use
	extra    []map[string]map[string]reflect.Value // added by Register
	tablesN  int                                   // generation: grows with each Register
)

// Register makes more symbol tables (in the form `yaegi extract` writes
// them) importable from sessions created afterwards. It is meant for tests
// and embedders; contrast's own packages are in session/exports.
func Register(symbols map[string]map[string]reflect.Value) {
	tablesMu.Lock()
	extra = append(extra, symbols)
	tables = nil // rebuild the index with the new tables
	tablesN++
	tablesMu.Unlock()
}

// tablesGeneration changes whenever Register adds tables.
func tablesGeneration() int {
	tablesMu.Lock()
	defer tablesMu.Unlock()
	return tablesN
}

// allTables indexes every table by import path: the standard library,
// contrast's packages and registered extras.
func allTables() map[string]*table {
	tablesMu.Lock()
	defer tablesMu.Unlock()
	if tables == nil {
		t := map[string]*table{}
		add := func(src map[string]map[string]reflect.Value) {
			for key, syms := range src {
				dir, name := path.Split(key)
				dir = strings.TrimSuffix(dir, "/")
				if dir == "" || dir == "." || key == "." {
					continue
				}
				if _, generic := genericSources[dir]; generic {
					continue // empty tables that would hide the generic source
				}
				if strings.HasPrefix(dir, "github.com/traefik/yaegi") {
					continue
				}
				t[dir] = &table{key: key, name: name, syms: syms}
			}
		}
		add(stdlib.Symbols)
		add(exports.Symbols)
		for _, e := range extra {
			add(e)
		}
		tables = t
	}
	return tables
}

// importable reports whether cells can import path.
func importable(p string) bool {
	if _, ok := genericSources[p]; ok {
		return true
	}
	_, ok := allTables()[p]
	return ok
}

// packageName returns the name a package is imported under by default.
func packageName(p string) string {
	if t := allTables()[p]; t != nil {
		return t.name
	}
	return path.Base(p)
}

// importablePaths lists every importable path, sorted.
func importablePaths() []string {
	ts := allTables()
	out := make([]string, 0, len(ts)+len(genericSources))
	for p := range ts {
		out = append(out, p)
	}
	for p := range genericSources {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// exitPanic is what os.Exit panics with inside a cell: exiting would kill
// the kernel.
type exitPanic struct{ code int }

func (e exitPanic) Error() string {
	return fmt.Sprintf("os.Exit(%d) called: the session keeps running", e.code)
}

// loadSymbols gives the interpreter every symbol table, with the standard
// library's I/O rebound to the session: fmt.Print*, log and flag write to
// the session's streams, fmt.Scan* and os.Stdin read through
// Options.Input, os.Exit and log.Fatal panic instead of exiting, and
// time.Sleep returns early when the cell is interrupted.
func (s *Session) loadSymbols(in *interp.Interpreter) error {
	ts := allTables()
	all := make(interp.Exports, len(ts)+1)
	for _, t := range ts {
		all[t.key] = t.syms
	}
	// The patched packages get copies; the shared tables stay untouched.
	patch := func(p string) map[string]reflect.Value {
		t := ts[p]
		m := make(map[string]reflect.Value, len(t.syms)+4)
		for k, v := range t.syms {
			m[k] = v
		}
		all[t.key] = m
		return m
	}
	stdout, stderr, stdin := s.interpOut, s.interpErr, s.stdin
	mapTypes := map[reflect.Value][]reflect.Type{}
	for k, v := range stdlib.MapTypes {
		mapTypes[k] = v
	}
	rebind := func(m map[string]reflect.Value, name string, fn any, like any) {
		v := reflect.ValueOf(fn)
		m[name] = v
		if mt, ok := stdlib.MapTypes[reflect.ValueOf(like)]; ok {
			mapTypes[v] = mt
		}
	}

	f := patch("fmt")
	rebind(f, "Print", func(a ...any) (int, error) { return fmt.Fprint(stdout, a...) }, fmt.Print)
	rebind(f, "Printf", func(format string, a ...any) (int, error) { return fmt.Fprintf(stdout, format, a...) }, fmt.Printf)
	rebind(f, "Println", func(a ...any) (int, error) { return fmt.Fprintln(stdout, a...) }, fmt.Println)
	rebind(f, "Scan", func(a ...any) (int, error) { return fmt.Fscan(stdin, a...) }, fmt.Scan)
	rebind(f, "Scanf", func(format string, a ...any) (int, error) { return fmt.Fscanf(stdin, format, a...) }, fmt.Scanf)
	rebind(f, "Scanln", func(a ...any) (int, error) { return fmt.Fscanln(stdin, a...) }, fmt.Scanln)

	l := patch("log")
	lg := log.New(stderr, "", log.LstdFlags)
	rebind(l, "Fatal", lg.Panic, log.Fatal)
	rebind(l, "Fatalf", lg.Panicf, log.Fatalf)
	rebind(l, "Fatalln", lg.Panicln, log.Fatalln)
	rebind(l, "Panic", lg.Panic, log.Panic)
	rebind(l, "Panicf", lg.Panicf, log.Panicf)
	rebind(l, "Panicln", lg.Panicln, log.Panicln)
	rebind(l, "Print", lg.Print, log.Print)
	rebind(l, "Printf", lg.Printf, log.Printf)
	rebind(l, "Println", lg.Println, log.Println)
	for name, fn := range map[string]any{
		"Flags": lg.Flags, "Output": lg.Output, "Prefix": lg.Prefix, "SetFlags": lg.SetFlags,
		"SetOutput": lg.SetOutput, "SetPrefix": lg.SetPrefix, "Writer": lg.Writer,
	} {
		l[name] = reflect.ValueOf(fn)
	}
	l["Default"] = reflect.ValueOf(func() *log.Logger { return lg })

	fl := patch("flag")
	cl := flag.NewFlagSet("cell", flag.ContinueOnError)
	cl.SetOutput(stderr)
	fl["CommandLine"] = reflect.ValueOf(&cl).Elem()

	o := patch("os")
	args := []string{"contrast"}
	o["Args"] = reflect.ValueOf(&args).Elem()
	var in0 io.Reader = stdin
	o["Stdin"] = reflect.ValueOf(&in0).Elem()
	o["Exit"] = reflect.ValueOf(func(code int) { panic(exitPanic{code}) })

	tm := patch("time")
	tm["Sleep"] = reflect.ValueOf(func(d time.Duration) {
		if d <= 0 {
			return
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-display.Context().Done():
		}
	})

	// Interpreted values passed as `any` to display functions reach them
	// wrapped in the richest display interface they implement, so that a
	// cell's own types render (yaegi's reflect types carry no methods).
	rich := richTypes()
	for _, fn := range []any{display.Show, display.ShowID, display.Update, display.Of} {
		mapTypes[reflect.ValueOf(fn)] = rich
	}
	for _, out := range []string{outPlain, outErr, outGuess} {
		mapTypes[s.rt[out]] = rich
	}
	all["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(mapTypes)}
	all[rtPath+"/rt"] = s.rt
	// Given "fmt/fmt", Use would redo the patches above (yaegi's
	// fixStdlib) and compile the generic sources, which loadGeneric does
	// once. "fmt//fmt" names the same package (Use takes path.Dir and
	// path.Base of the key) without that.
	all["fmt//fmt"] = all["fmt/fmt"]
	delete(all, "fmt/fmt")
	return in.Use(all)
}

// richTypes lists the interfaces that make a value display itself, richest
// first, then error and fmt.Stringer for its text form.
func richTypes() []reflect.Type {
	return []reflect.Type{
		reflect.TypeOf((*display.Renderer)(nil)).Elem(),
		reflect.TypeOf((*display.PNGer)(nil)).Elem(),
		reflect.TypeOf((*display.SVGer)(nil)).Elem(),
		reflect.TypeOf((*display.HTMLer)(nil)).Elem(),
		reflect.TypeOf((*display.Markdowner)(nil)).Elem(),
		reflect.TypeOf((*display.LaTeXer)(nil)).Elem(),
		reflect.TypeOf((*error)(nil)).Elem(),
		reflect.TypeOf((*fmt.Stringer)(nil)).Elem(),
	}
}

// loadGeneric compiles the interpreted source of cmp, maps or slices (and
// what it depends on).
func (s *Session) loadGeneric(p string) error {
	if _, ok := genericSources[p]; !ok || s.genericDone[p] {
		return nil
	}
	if p != "cmp" {
		if err := s.loadGeneric("cmp"); err != nil {
			return err
		}
	}
	// Execute too, not only compile: running the program sizes the
	// interpreter's global frame for what it declared.
	prog, err := s.in.Compile(genericSource(p))
	if err == nil {
		_, err = s.in.Execute(prog)
	}
	if err != nil {
		return fmt.Errorf("loading the interpreted source of %s: %w", p, err)
	}
	s.genericDone[p] = true
	return nil
}
