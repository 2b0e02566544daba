package session

import (
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/gocontrast/contrast/display"
)

// TaggedWriter may be implemented by Options.Stdout and Options.Stderr to
// learn which cell produced each piece of output: WriteTagged is then
// called instead of Write, with the tag the cell was executed with (see
// WithTag). Output of goroutines carries the tag of the cell that started
// them, also after that cell has finished; output written to file
// descriptors 1 and 2 by compiled code carries the tag of the running cell
// (or, between cells, of the last one).
type TaggedWriter interface {
	WriteTagged(tag any, p []byte) (int, error)
}

type tagKey struct{}

// WithTag returns a context that, passed to Execute, tags the cell's output
// with tag (typically the front end's request, such as a Jupyter parent
// header) for writers that implement TaggedWriter.
func WithTag(ctx context.Context, tag any) context.Context {
	return context.WithValue(ctx, tagKey{}, tag)
}

// stream is one of the session's output streams (stdout or stderr). It
// never splits a UTF-8 sequence across writes to the front end: an
// incomplete sequence at the end of a write waits for the next one.
type stream struct {
	mu    sync.Mutex
	w     io.Writer
	tw    TaggedWriter
	carry []byte // incomplete UTF-8 sequence held back
	ctag  any    // tag of carry
}

func newStream(w io.Writer) *stream {
	if w == nil {
		w = io.Discard
	}
	st := &stream{w: w}
	st.tw, _ = w.(TaggedWriter)
	return st
}

// write sends p, tagged, to the front end.
func (st *stream) write(tag any, p []byte) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.carry) > 0 {
		if st.ctag != tag {
			st.emit(st.ctag, st.carry)
			st.carry = st.carry[:0]
		} else {
			p = append(st.carry, p...)
			st.carry = nil
		}
	}
	cut := len(p) - incompleteTail(p)
	if cut < len(p) {
		st.carry = append(st.carry[:0], p[cut:]...)
		st.ctag = tag
	}
	if cut > 0 {
		st.emit(tag, p[:cut])
	}
}

// flush sends whatever is held back, complete or not.
func (st *stream) flush() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.carry) > 0 {
		st.emit(st.ctag, st.carry)
		st.carry = st.carry[:0]
	}
}

func (st *stream) emit(tag any, p []byte) {
	// The front end may keep p; give it its own copy.
	c := make([]byte, len(p))
	copy(c, p)
	if st.tw != nil {
		st.tw.WriteTagged(tag, c)
		return
	}
	st.w.Write(c)
}

// incompleteTail returns the length of the unfinished UTF-8 sequence at the
// end of p: 0 when p ends on a rune boundary or in bytes that can never
// become valid.
func incompleteTail(p []byte) int {
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		b := p[i]
		if b < utf8.RuneSelf {
			return 0 // ASCII: boundary
		}
		if b&0xC0 == 0x80 {
			continue // continuation byte; look further back
		}
		// Leading byte: how long should the sequence be?
		var need int
		switch {
		case b&0xE0 == 0xC0:
			need = 2
		case b&0xF0 == 0xE0:
			need = 3
		case b&0xF8 == 0xF0:
			need = 4
		default:
			return 0 // invalid leading byte: nothing to wait for
		}
		if have := len(p) - i; have < need {
			return have
		}
		return 0
	}
	return 0
}

// tags attributes output to cells. Each Execute gets an id; goroutines
// that a cell starts (through the rewritten go statement) are registered
// with the id of the cell, or goroutine, that started them.
type tags struct {
	mu    sync.Mutex
	cur   atomic.Uint64         // the running (or last) cell
	vals  map[uint64]any        // id -> the front end's tag
	names map[uint64]string     // id -> "cell [3]"
	byG   map[int64]uint64      // goroutine id -> cell id
	nG    atomic.Int32          // len(byG), read without the lock
	lines map[int64][]panicLine // yaegi's panic traceback lines by goroutine
}

type panicLine struct{ file, text string }

func newTags() *tags {
	return &tags{vals: map[uint64]any{}, names: map[uint64]string{}, byG: map[int64]uint64{}, lines: map[int64][]panicLine{}}
}

// begin makes id the running cell, with the front end's tag and a name
// for tracebacks ("cell [3]").
func (t *tags) begin(id uint64, tag any, name string) {
	t.mu.Lock()
	t.vals[id] = tag
	t.names[id] = name
	t.mu.Unlock()
	t.cur.Store(id)
}

// name returns the name of cell id, "" if unknown.
func (t *tags) name(id uint64) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.names[id]
}

func (t *tags) nameOrCell(id uint64) string {
	if n := t.name(id); n != "" {
		return n
	}
	return "a cell"
}

// mine returns the cell id of the calling goroutine.
func (t *tags) mine() uint64 {
	if t.nG.Load() > 0 {
		g := goid()
		t.mu.Lock()
		id, ok := t.byG[g]
		t.mu.Unlock()
		if ok {
			return id
		}
	}
	return t.cur.Load()
}

func (t *tags) value(id uint64) any {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.vals[id]
}

func (t *tags) enter(id uint64) {
	g := goid()
	t.mu.Lock()
	t.byG[g] = id
	t.nG.Store(int32(len(t.byG)))
	t.mu.Unlock()
}

// exit unregisters the calling goroutine and returns the panic lines
// yaegi wrote for it.
func (t *tags) exit() []panicLine {
	g := goid()
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.byG, g)
	t.nG.Store(int32(len(t.byG)))
	l := t.lines[g]
	delete(t.lines, g)
	return l
}

// addLine keeps one of yaegi's "file:line:col: panic: f(...)" lines.
func (t *tags) addLine(g int64, l panicLine) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) > 1000 { // lines of recovered panics pile up; forget them
		t.lines = map[int64][]panicLine{}
	}
	if len(t.lines[g]) < 200 {
		t.lines[g] = append(t.lines[g], l)
	}
}

// takeLines returns and forgets the panic lines of goroutine g.
func (t *tags) takeLines(g int64) []panicLine {
	t.mu.Lock()
	defer t.mu.Unlock()
	l := t.lines[g]
	delete(t.lines, g)
	return l
}

// goid returns the id of the calling goroutine.
func goid() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	return parseGoid(buf[:n])
}

// parseGoid reads the id from the first line of a stack dump,
// "goroutine 123 [running]:".
func parseGoid(stack []byte) int64 {
	b := bytes.TrimPrefix(stack, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		id, err := strconv.ParseInt(string(b[:i]), 10, 64)
		if err == nil {
			return id
		}
	}
	return -1
}

// interpWriter is the interpreter's stdout or stderr: fmt.Print* from
// cells. It attributes each write to the goroutine's cell and, so that
// output keeps its order, first forwards what compiled code has already
// written to the captured file descriptors.
type interpWriter struct {
	s      *Session
	st     *stream
	stderr bool
}

// panicLineRE matches the line yaegi writes to stderr for each frame a
// panic unwinds, e.g. "cell3/cell.go:2:7: panic: main.g(...)".
var panicLineRE = regexp.MustCompile(`^(\S+?):(\d+):(\d+): panic: (.*)\n?$`)

func (w *interpWriter) Write(p []byte) (int, error) {
	if w.stderr && bytes.Contains(p, []byte(": panic: ")) {
		if m := panicLineRE.FindSubmatch(p); m != nil {
			// Not user output: a traceback line the session reports
			// with the error.
			w.s.tags.addLine(goid(), panicLine{file: string(m[1]) + ":" + string(m[2]), text: string(m[4])})
			return len(p), nil
		}
	}
	id := w.s.tags.mine()
	w.s.syncFDs()
	w.st.write(w.s.tags.value(id), p)
	return len(p), nil
}

// inputReader is os.Stdin (and fmt.Scan*'s input) for cells: each line is
// asked of the front end through Options.Input.
type inputReader struct {
	s   *Session
	mu  sync.Mutex
	buf []byte
}

var errInputInterrupted = errors.New("session: interrupted while waiting for input")

var errNoInput = errors.New("session: reading input is not supported here: the front end gave no Input function")

func (r *inputReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.buf) == 0 {
		in := r.s.opts.Input
		if in == nil {
			return 0, errNoInput
		}
		// What the cell printed (a prompt) must show before the question.
		r.s.syncFDs()
		type answer struct {
			line string
			err  error
		}
		got := make(chan answer, 1)
		go func() {
			line, err := in("", false)
			got <- answer{line, err}
		}()
		var a answer
		select {
		case a = <-got:
		case <-display.Context().Done():
			// Interrupted while waiting: the cell stops now; the front
			// end's question is left to it.
			return 0, errInputInterrupted
		}
		if a.err != nil {
			return 0, a.err
		}
		line := a.line
		r.buf = append(r.buf, line...)
		r.buf = append(r.buf, '\n')
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// orderedSink forwards display output to the front end's sink after the
// stream output that preceded it.
type orderedSink struct {
	s    *Session
	sink display.Sink
}

func (o orderedSink) Display(data display.Bundle, metadata map[string]any, id string) {
	o.s.syncFDs()
	if o.sink != nil {
		o.sink.Display(data, metadata, id)
	}
}

func (o orderedSink) Update(id string, data display.Bundle, metadata map[string]any) {
	o.s.syncFDs()
	if o.sink != nil {
		o.sink.Update(id, data, metadata)
	}
}

func (o orderedSink) Clear(wait bool) {
	o.s.syncFDs()
	if o.sink != nil {
		o.sink.Clear(wait)
	}
}
