package session

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/scanner"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocontrast/contrast/display"
	"github.com/traefik/yaegi/interp"
)

// defaultGrace is Options.InterruptGrace's default.
const defaultGrace = 3 * time.Second

// Session is one interpreter with its state, shared by a front end's
// cells. Its methods are safe for concurrent use; cells run one at a time.
type Session struct {
	opts Options

	mu          sync.Mutex // one evaluation at a time; guards what follows
	in          *interp.Interpreter
	ctl         *interpCtl
	rt          map[string]reflect.Value // the session's runtime support for rewritten cells
	genericDone map[string]bool
	imports     map[string]string // import name -> path in the current file scope
	dotImports  []string          // packages imported with "."
	consts      map[string]bool   // global constants, for the go rewrite
	typeGen     int               // renamed type redefinitions
	fileGen     int               // cells' file base name generation (see switchFile)
	seq         int               // evaluations so far (cell file names)
	count       atomic.Int64      // execution count; read without mu
	closed      bool
	unbind      func()        // display binding left by an interrupted cell
	idleUnbind  func()        // the sink's binding between cells
	remnant     chan struct{} // closed when the code of an interrupted cell stops
	jobs        chan func()   // runs programs on the worker goroutine
	workerID    int64         // the worker's goroutine id

	// scope is a copy of imports and dotImports for Complete and Inspect,
	// which must not wait for a running cell.
	scope atomic.Pointer[importScope]
	cell  atomic.Pointer[cellRun] // the running cell, for the runtime support
	line  atomic.Int64            // the cell's top-level statement running (see lineMarks)

	out, errs *stream
	interpOut *interpWriter
	interpErr *interpWriter
	stdin     *inputReader
	capture   *fdCapture
	tags      *tags
	know      *knowledge
	hist      *history

	model    *typeModel // the cells' globals in go/types terms; guarded by typesMu
	fresh    int        // hidden names made by rewrites
	cellCode string     // the cell being prepared, and its file name,
	cellFile string     // for a second look at a run that failed
}

// cellRun is the state of one running cell.
type cellRun struct {
	mu     sync.Mutex
	value  display.Bundle
	meta   map[string]any
	err    *Error             // the trailing expression's error (see outValues)
	typ    string             // the trailing expression's type (Result.Type)
	where  string             // where the trailing expression is, "cell line 3"
	defers []func()           // the cell's top-level defers, in order
	cancel context.CancelFunc // interrupts the cell
}

var _ Engine = (*Session)(nil)

// New starts a session: a fresh interpreter with the standard library and
// contrast's packages importable, and display imported.
func New(opts Options) (*Session, error) {
	s := &Session{opts: opts, tags: newTags(), know: newKnowledge()}
	if opts.CaptureFDs {
		// Handing fd 1 or 2 itself as a stream would feed the capture
		// its own output: write to a duplicate of the real descriptor.
		var err error
		if s.opts.Stdout, err = realFile(s.opts.Stdout); err != nil {
			return nil, err
		}
		if s.opts.Stderr, err = realFile(s.opts.Stderr); err != nil {
			return nil, err
		}
	}
	s.out, s.errs = newStream(s.opts.Stdout), newStream(s.opts.Stderr)
	s.interpOut = &interpWriter{s: s, st: s.out}
	s.interpErr = &interpWriter{s: s, st: s.errs, stderr: true}
	s.stdin = &inputReader{s: s}
	s.rt = s.runtimeSupport()
	// One long-lived goroutine runs the programs: its stack, which yaegi's
	// recursion grows, stays grown from one cell to the next.
	s.jobs = make(chan func())
	started := make(chan int64)
	go func() {
		started <- goid()
		for job := range s.jobs {
			job()
		}
	}()
	s.workerID = <-started
	if opts.CaptureFDs {
		c, err := newCapture(func(fd int, p []byte) {
			st := s.out
			if fd == 2 {
				st = s.errs
			}
			st.write(s.tags.value(s.tags.cur.Load()), p)
		})
		if err != nil {
			return nil, err
		}
		s.capture = c
	}
	h, err := openHistory(opts.HistoryFile)
	if err != nil {
		return nil, err
	}
	s.hist = h
	if err := s.reset(); err != nil {
		s.Close()
		return nil, err
	}
	if opts.Sink != nil {
		// Between cells too, display output (a progress bar in a goroutine
		// a cell started) reaches the front end.
		s.idleUnbind = display.Bind(context.Background(), orderedSink{s: s, sink: opts.Sink})
	}
	return s, nil
}

// realFile replaces os.Stdout or os.Stderr (fds 1 and 2) by a duplicate
// of the descriptor taken before any capture.
func realFile(w io.Writer) (io.Writer, error) {
	f, ok := w.(*os.File)
	if !ok {
		return w, nil
	}
	if fd := f.Fd(); fd != 1 && fd != 2 {
		return f, nil
	}
	d, err := dupFile(f)
	if err != nil {
		return nil, fmt.Errorf("session: duplicating %s: %w", f.Name(), err)
	}
	return d, nil
}

// reset starts a fresh interpreter. s.mu is held (or s is new).
func (s *Session) reset() error {
	in := interp.New(interp.Options{
		Stdin:        s.stdin,
		Stdout:       s.interpOut,
		Stderr:       s.interpErr,
		Args:         []string{"contrast"},
		Unrestricted: true,
	})
	ctl, err := newCtl(in)
	if err != nil {
		return err
	}
	s.in, s.ctl = in, ctl
	s.remnant = nil
	s.genericDone = map[string]bool{}
	s.imports = map[string]string{}
	s.consts = map[string]bool{}
	s.dotImports = nil
	s.fileGen = 0
	s.know.reset()
	typesMu.Lock()
	s.model = newTypeModel()
	typesMu.Unlock()
	if err := s.loadSymbols(in); err != nil {
		return fmt.Errorf("session: loading symbols: %w", err)
	}
	// yaegi's generic standard packages must be compiled before any cell
	// runs: compiled later, their instances overwrite the cells' globals.
	for _, p := range []string{"cmp", "maps", "slices"} {
		if err := s.loadGeneric(p); err != nil {
			return err
		}
	}
	if _, err := s.in.Eval(modernHelpers); err != nil {
		return fmt.Errorf("session: compiling the helpers of rewritten cells: %w", err)
	}
	return s.importPrelude()
}

// importScope is what the names in scope refer to.
type importScope struct {
	imports map[string]string
	dots    []string
}

// publishScope makes the current imports visible to Complete and Inspect.
func (s *Session) publishScope() {
	sc := &importScope{imports: make(map[string]string, len(s.imports)), dots: append([]string(nil), s.dotImports...)}
	for n, p := range s.imports {
		sc.imports[n] = p
	}
	s.scope.Store(sc)
}

// baseName is the base name of the current cells' files. yaegi keys
// imports by it: all cells share one, until an import rebinds a name to
// another package (switchFile).
func (s *Session) baseName() string {
	if s.fileGen == 0 {
		return "cell.go"
	}
	return "cell" + strconv.Itoa(s.fileGen) + ".go"
}

// importPrelude imports display, the runtime support and everything in
// s.imports into the current file scope.
func (s *Session) importPrelude() error {
	s.imports["display"] = displayPath
	var b strings.Builder
	b.WriteString("import (\n\t" + rtName + " " + strconv.Quote(rtPath) + "\n")
	for name, p := range s.imports {
		b.WriteString("\t" + name + " " + strconv.Quote(p) + "\n")
	}
	b.WriteString(")\n")
	s.publishScope()
	fset := s.in.FileSet()
	f, err := parseDecls(fset, "prelude"+strconv.Itoa(s.fileGen)+"/"+s.baseName(), b.String(), 0, b.Len())
	if err != nil {
		return err
	}
	prog, err := s.compile(f)
	if err != nil {
		return err
	}
	_, err = s.in.Execute(prog)
	return err
}

// switchFile starts a new file scope for cells in which name refers to a
// different package: Go forbids importing two packages under one name in
// a file, but a notebook user who imports math/rand/v2 after math/rand
// means to switch.
func (s *Session) switchFile(name string) error {
	delete(s.imports, name)
	s.fileGen++
	return s.importPrelude()
}

// compile compiles a syntax tree, turning the interpreter's own panics into
// errors.
func (s *Session) compile(n ast.Node) (prog *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the interpreter failed on this code: %v", r)
		}
	}()
	return s.in.CompileAST(n)
}

// Count is the execution count of the last stored cell. It does not wait
// for a running cell.
func (s *Session) Count() int { return int(s.count.Load()) }

// Reset forgets all state (variables, types, imports) and starts a fresh
// interpreter with display imported. The execution count and history go on.
func (s *Session) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	return s.reset()
}

var errClosed = errors.New("session: closed")

// Close releases the session's resources. Goroutines that cells started
// keep running; their output is discarded.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	close(s.jobs)
	if s.unbind != nil {
		s.unbind()
		s.unbind = nil
	}
	if s.idleUnbind != nil {
		s.idleUnbind()
		s.idleUnbind = nil
	}
	if s.capture != nil {
		s.capture.close()
	}
	s.out.flush()
	s.errs.flush()
	if s.hist != nil {
		return s.hist.close()
	}
	return nil
}

// syncFDs forwards what compiled code has written to the captured file
// descriptors so far.
func (s *Session) syncFDs() {
	if s.capture != nil {
		s.capture.drain()
	}
}

// flushOutput forwards all pending output.
func (s *Session) flushOutput() {
	s.syncFDs()
	s.out.flush()
	s.errs.flush()
}

// runtimeSupport is the symbol table of the functions that rewritten cells
// call (package rtPath, imported as rtName).
func (s *Session) runtimeSupport() map[string]reflect.Value {
	return map[string]reflect.Value{
		// Out, OutErr and OutGuess receive the values of the cell's
		// trailing expression (see trailingKind).
		outPlain: reflect.ValueOf(func(vs ...any) { s.outValues(outPlain, vs) }),
		outErr:   reflect.ValueOf(func(vs ...any) { s.outValues(outErr, vs) }),
		outGuess: reflect.ValueOf(func(vs ...any) { s.outValues(outGuess, vs) }),
		// Defer keeps a top-level defer of the cell (see topDefers).
		"Defer": reflect.ValueOf(func(f func()) {
			if c := s.cell.Load(); c != nil {
				c.mu.Lock()
				c.defers = append(c.defers, f)
				c.mu.Unlock()
			}
		}),
		// Clear is the builtin clear, for maps and slices.
		"Clear": reflect.ValueOf(func(v any) {
			switch rv := reflect.ValueOf(v); rv.Kind() {
			case reflect.Map, reflect.Slice:
				rv.Clear()
			}
		}),
		// L records the top-level statement running, for tracebacks.
		"L": reflect.ValueOf(func(line int) { s.line.Store(int64(line)) }),
		// Go, Enter and Exit guard go statements (see guardGo).
		"Go":    reflect.ValueOf(func() uint64 { return s.tags.mine() }),
		"Enter": reflect.ValueOf(func(id uint64) { s.tags.enter(id) }),
		"Exit": reflect.ValueOf(func(id uint64, r any) {
			lines := s.tags.exit()
			if r == nil {
				return
			}
			e := s.panicError(r, lines, "goroutine started by "+s.tags.nameOrCell(id)+": ", 0)
			s.syncFDs()
			s.errs.write(s.tags.value(id), []byte(strings.Join(e.Traceback, "\n")+"\n"))
		}),
	}
}

// Execute runs one cell; see Engine.
func (s *Session) Execute(ctx context.Context, code string, store bool) Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Result{Count: s.Count(), Err: &Error{Name: ErrRuntime, Message: errClosed.Error(), Traceback: []string{errClosed.Error()}}}
	}
	if e := s.awaitRemnant(ctx); e != nil {
		return Result{Count: s.Count(), Err: e}
	}
	if s.unbind != nil {
		s.unbind()
		s.unbind = nil
	}
	if store {
		s.count.Add(1)
	}
	res := Result{Count: s.Count()}
	s.seq++
	name := "cell"
	if store {
		name = fmt.Sprintf("cell [%d]", res.Count)
	}
	s.tags.begin(uint64(s.seq), ctx.Value(tagKey{}), name)

	run := code
	rest, helpName, detail, help := helpRequest(code)
	if help {
		run = rest
	}
	if ctx.Err() != nil {
		res.Err = interrupted("before it started")
	} else {
		var cell *cellRun
		cell, res.Err = s.run(ctx, "cell", run, nil)
		if cell != nil {
			res.Type = cell.typ
			if res.Err == nil {
				res.Value, res.Metadata = cell.value, cell.meta
			}
		}
		if help && res.Err == nil {
			// Inspect reads the published import scope and the model,
			// not what s.mu guards: no deadlock.
			res.Page = s.help(rest, helpName, detail)
		}
	}
	if store {
		s.hist.add(res.Count, code, res.Value.String(display.MIMEText))
	}
	return res
}

// Eval evaluates one expression without counting it; see Engine.
func (s *Session) Eval(ctx context.Context, expr string) (display.Bundle, *Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, &Error{Name: ErrRuntime, Message: errClosed.Error()}
	}
	if e := s.awaitRemnant(ctx); e != nil {
		return nil, e
	}
	if s.unbind != nil {
		s.unbind()
		s.unbind = nil
	}
	s.seq++
	s.tags.begin(uint64(s.seq), ctx.Value(tagKey{}), "expression")
	fset := s.in.FileSet()
	file := "eval" + strconv.Itoa(s.seq) + "/" + s.baseName()
	e, f, err := parseExpr(fset, file, expr)
	if err != nil {
		return nil, s.compileError(err)
	}
	runs := []run{{kind: exprRun, expr: e, src: f}}
	runs[0].quiet = quietCall(e, s.imports)
	if err := s.checkUndefined(fset, runs, []*ast.File{f}); err != nil {
		return nil, s.compileError(err)
	}
	var mainErrs scanner.ErrorList
	d := s.know.global("main")
	mainRefs(fset, e, d != nil && d.kind == "func", &mainErrs)
	if mainErrs.Len() > 0 {
		return nil, s.compileError(mainErrs)
	}
	s.cellCode, s.cellFile = "", ""
	s.typecheckRuns(fset, runs)
	runs[0].out = trailingKind(runs[0].types, e)
	if _, err := s.modernize(fset, &runs[0]); err != nil {
		return nil, s.compileError(err)
	}
	cell, rerr := s.run(ctx, "eval", expr, runs)
	if cell == nil || rerr != nil {
		return nil, rerr
	}
	return cell.value, nil
}

// run evaluates code (or the given runs) as the current evaluation s.seq.
func (s *Session) run(ctx context.Context, kind, code string, runs []run) (*cellRun, *Error) {
	if runs == nil {
		var perr *Error
		runs, perr = s.prepare(kind, code)
		if perr != nil {
			return nil, perr
		}
	}
	if len(runs) == 0 {
		return nil, nil
	}
	cell := &cellRun{}
	if last := runs[len(runs)-1]; last.kind == exprRun && !last.quiet {
		pos := s.in.FileSet().Position(last.expr.Pos())
		cell.typ, cell.where = last.typ, s.where(pos.Filename, pos.Line)
	}
	s.cell.Store(cell)
	defer s.cell.Store(nil)

	// The cell's context is cancelled by an interrupt (ctx's cancellation
	// while the cell runs), not when ctx is cancelled later: goroutines the
	// cell started may go on using display.Context.
	cctx, cancel := context.WithCancel(context.Background())
	cell.cancel = cancel
	stop := context.AfterFunc(ctx, cancel)
	unbind := display.Bind(cctx, orderedSink{s: s, sink: s.opts.Sink})
	if s.capture != nil {
		if err := s.capture.start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			s.capture = nil
		}
	}

	var cerr *Error
	for _, r := range runs {
		if cerr = s.exec(cctx, r); cerr != nil {
			break
		}
	}
	if s.remnant == nil {
		if e := s.runDefers(cell); e != nil && cerr == nil {
			cerr = e
		}
	}
	if s.remnant != nil {
		// Interrupted, and the cell's code is still running: keep the
		// cancelled context bound so that it can see it; the next
		// evaluation waits for it.
		s.unbind = unbind
		unbind = nil
	}
	if s.capture != nil {
		s.capture.stop()
	}
	s.flushOutput()
	if unbind != nil {
		unbind()
	}
	stop()
	if cerr != nil {
		return nil, cerr
	}
	cell.mu.Lock()
	defer cell.mu.Unlock()
	if cell.err != nil {
		return cell, cell.err
	}
	return cell, nil
}

// exec compiles and runs one run.
func (s *Session) exec(ctx context.Context, r run) *Error {
	var node ast.Node
	switch r.kind {
	case declRun:
		if len(r.file.Decls) == 0 {
			return nil
		}
		node = r.file
	case stmtRun:
		node = r.block
	case exprRun:
		if !r.quiet && s.valueCount(r.expr) != 0 {
			node = withOut(r.block, r.expr, r.out)
		} else {
			node = withExpr(r.block, r.expr)
		}
	}
	prog, err := s.compile(node)
	if err != nil && r.kind == exprRun && !r.quiet {
		// Perhaps the expression has no value (a call of a function
		// without results); if not, compiling it plainly reports the
		// genuine error.
		prog, err = s.compile(withExpr(r.block, r.expr))
	}
	if err != nil {
		return s.explainCompileError(r, err)
	}
	// yaegi has the declarations now, even if running them fails.
	s.know.commit(r.decls)
	s.model.commit(r.types)
	if e := s.execProg(ctx, prog); e != nil {
		return e
	}
	if r.kind == declRun {
		constNames(r.file, s.consts)
	}
	return nil
}

func (s *Session) execProg(ctx context.Context, prog *interp.Program) *Error {
	s.line.Store(0)
	s.ctl.begin()
	fin := make(chan struct{})
	var err error
	s.tags.takeLines(s.workerID) // forget lines of panics the cells recovered
	s.jobs <- func() {
		defer close(fin)
		_, err = s.in.Execute(prog) // recovers the program's panics
	}
	select {
	case <-fin:
		s.ctl.prune()
		if err != nil {
			return s.runError(err)
		}
		return nil
	case <-ctx.Done():
	}
	s.ctl.stop()
	// Let the code reach a stopping point: interpreted code stops at its
	// next step, compiled helpers that watch display.Context return soon.
	grace := s.opts.InterruptGrace
	if grace <= 0 {
		grace = defaultGrace
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-fin:
		return interrupted("")
	case <-t.C:
		s.remnant = fin
		return interrupted("compiled code it called is still running (it does not watch display.Context); the next cell waits for it")
	}
}

// runDefers runs the cell's top-level defers, last first, as a function
// returning would; the first panic among them is the result.
func (s *Session) runDefers(cell *cellRun) *Error {
	cell.mu.Lock()
	defers := cell.defers
	cell.defers = nil
	cell.mu.Unlock()
	var first *Error
	for i := len(defers) - 1; i >= 0; i-- {
		f := defers[i]
		done := make(chan any, 1)
		s.tags.takeLines(s.workerID)
		s.jobs <- func() {
			defer func() { done <- recover() }()
			f()
		}
		if r := <-done; r != nil && first == nil {
			first = s.panicError(r, s.tags.takeLines(s.workerID), "", 0)
		}
	}
	return first
}

// awaitRemnant waits for the code of an interrupted cell that was still
// running when Execute returned.
func (s *Session) awaitRemnant(ctx context.Context) *Error {
	if s.remnant == nil {
		return nil
	}
	select {
	case <-s.remnant:
		s.remnant = nil
		return nil
	default:
	}
	s.errs.write(s.tags.value(s.tags.cur.Load()), []byte("(waiting for the interrupted cell's compiled code to stop)\n"))
	select {
	case <-s.remnant:
		s.remnant = nil
		return nil
	case <-ctx.Done():
		return interrupted("while it waited for the previous cell's compiled code to stop")
	}
}
