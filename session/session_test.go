package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/session/internal/testhelper"
	"github.com/gocontrast/contrast/session/internal/testhelper/testsyms"
)

func init() { Register(testsyms.Symbols) }

const helperImport = `import th "github.com/gocontrast/contrast/session/internal/testhelper"`

func newSession(t testing.TB, opts Options) *Session {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// mustRun executes code and fails the test on an error.
func mustRun(t testing.TB, s *Session, code string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r := s.Execute(ctx, code, true)
	if r.Err != nil {
		t.Fatalf("cell %q: %s: %s\n%s", code, r.Err.Name, r.Err.Message, strings.Join(r.Err.Traceback, "\n"))
	}
	return r
}

func TestTrailingExpression(t *testing.T) {
	s := newSession(t, Options{})
	r := mustRun(t, s, "6*7")
	if got := r.Value.String(display.MIMEText); got != "42" {
		t.Errorf("6*7: got %q want 42", got)
	}
	if r.Count != 1 {
		t.Errorf("count: got %d want 1", r.Count)
	}
}

func TestStoreFalseAndEval(t *testing.T) {
	s := newSession(t, Options{})
	mustRun(t, s, "x := 5")
	r := s.Execute(context.Background(), "x * 2", false)
	if r.Err != nil || r.Value.String(display.MIMEText) != "10" || r.Count != 1 {
		t.Errorf("store=false: got %+v, count %d; want 10 with count 1", r.Value, r.Count)
	}
	if s.Count() != 1 {
		t.Errorf("Count after store=false: %d want 1", s.Count())
	}
	b, err := s.Eval(context.Background(), "x + 1")
	if err != nil || b.String(display.MIMEText) != "6" {
		t.Errorf("Eval(x+1): %v %v", b, err)
	}
	if _, err := s.Eval(context.Background(), "x := 1"); err == nil || err.Name != ErrCompile {
		t.Errorf("Eval of a statement: got %v, want a CompileError", err)
	}
	if _, err := s.Eval(context.Background(), "nope + 1"); err == nil || !strings.Contains(err.Message, "undefined: nope") {
		t.Errorf("Eval of an undefined name: %v", err)
	}
	if s.Count() != 1 {
		t.Errorf("Eval changed the count to %d", s.Count())
	}
	if h := s.History("tail", 10, "", 0, 0, 0); len(h) != 1 || h[0].Input != "x := 5" {
		t.Errorf("history holds unstored cells: %+v", h)
	}
}

// gateWriter opens a testhelper gate when it sees a marker, proving that
// output arrived while the cell (which waits on that gate) still ran.
type gateWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	marker string
	gate   string
}

func (g *gateWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.buf.Write(p)
	if strings.Contains(g.buf.String(), g.marker) {
		testhelper.Open(g.gate)
	}
	return len(p), nil
}

func TestOutputStreamsWhileCellRuns(t *testing.T) {
	for _, tc := range []struct {
		name, code string
		capture    bool
	}{
		{"interpreted", `fmt.Println("first")`, false},
		{"compiled via fd 1", `th.WriteFD(1, "first\n")`, true},
		{"compiled fmt.Println", `th.Println("first")`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gate := "stream-" + tc.name
			w := &gateWriter{marker: "first\n", gate: gate}
			s := newSession(t, Options{Stdout: w, CaptureFDs: tc.capture})
			mustRun(t, s, helperImport+"\nimport \"fmt\"")
			code := fmt.Sprintf("%s\nif !th.Wait(%q, 10*time.Second) { panic(\"output did not stream\") }\nfmt.Println(\"second\")", tc.code, gate)
			mustRun(t, s, "import \"time\"\n"+code)
			if got := w.buf.String(); got != "first\nsecond\n" {
				t.Errorf("output: got %q", got)
			}
		})
	}
}

func TestCaptureFDsOrderAndStreams(t *testing.T) {
	var out, errs syncBuffer
	s := newSession(t, Options{Stdout: &out, Stderr: &errs, CaptureFDs: true})
	mustRun(t, s, helperImport+"\nimport (\"fmt\"; \"os\")")
	mustRun(t, s, `fmt.Println("a")
th.Println("b")
fmt.Println("c")
th.WriteFD(1, "d\n")
fmt.Fprintln(os.Stdout, "e")
th.Eprintln("to stderr")
th.WriteFD(2, "fd2\n")
th.WriteFD(1, "last, without newline")`)
	if got, want := out.String(), "a\nb\nc\nd\ne\nlast, without newline"; got != want {
		t.Errorf("stdout: got %q want %q", got, want)
	}
	if got, want := errs.String(), "to stderr\nfd2\n"; got != want {
		t.Errorf("stderr: got %q want %q", got, want)
	}
	// Between cells the descriptors are the process's own again.
	out.take()
	errs.take()
	testhelper.WriteFD(2, "(a line on the test's own stderr, written between cells)\n")
	mustRun(t, s, `1`)
	if got := out.String() + errs.String(); got != "" {
		t.Errorf("output outside cells reached the session: %q", got)
	}
}

// utf8Checker fails on any write that is not valid UTF-8.
type utf8Checker struct {
	t   *testing.T
	mu  sync.Mutex
	all bytes.Buffer
	n   int
}

func (u *utf8Checker) Write(p []byte) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !utf8.Valid(p) {
		u.t.Errorf("write %d is not valid UTF-8: %q", u.n, p)
	}
	u.n++
	u.all.Write(p)
	return len(p), nil
}

func TestUTF8NeverSplit(t *testing.T) {
	text := "héllo → 世界 🎉 ok"
	t.Run("fd bytewise", func(t *testing.T) {
		w := &utf8Checker{t: t}
		s := newSession(t, Options{Stdout: w, CaptureFDs: true})
		mustRun(t, s, helperImport)
		mustRun(t, s, fmt.Sprintf("th.WriteFDBytewise(1, %q)", text))
		if got := w.all.String(); got != text {
			t.Errorf("got %q want %q", got, text)
		}
	})
	t.Run("interpreted partial writes", func(t *testing.T) {
		w := &utf8Checker{t: t}
		s := newSession(t, Options{Stdout: w})
		mustRun(t, s, fmt.Sprintf(`import "fmt"
b := []byte(%q)
for i := range b { fmt.Print(string(b[i:i+1])) }`, text))
		if got := w.all.String(); got != text {
			t.Errorf("got %q want %q", got, text)
		}
	})
	t.Run("every split point", func(t *testing.T) {
		b := []byte(text)
		for i := 0; i <= len(b); i++ {
			for j := i; j <= len(b); j++ {
				w := &utf8Checker{t: t}
				st := newStream(w)
				st.write(nil, b[:i])
				st.write(nil, b[i:j])
				st.write(nil, b[j:])
				st.flush()
				if w.all.String() != text {
					t.Fatalf("split %d,%d: got %q", i, j, w.all.String())
				}
			}
		}
	})
	t.Run("invalid bytes pass through", func(t *testing.T) {
		var buf bytes.Buffer
		st := newStream(&buf)
		st.write(nil, []byte{'a', 0xff, 'b', 0xe4})
		st.flush()
		if got := buf.Bytes(); !bytes.Equal(got, []byte{'a', 0xff, 'b', 0xe4}) {
			t.Errorf("got %q", got)
		}
	})
}

// tagRecorder is a TaggedWriter.
type tagRecorder struct {
	mu  sync.Mutex
	got map[any]string
}

func (r *tagRecorder) Write(p []byte) (int, error) { return r.WriteTagged("untagged", p) }

func (r *tagRecorder) WriteTagged(tag any, p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.got == nil {
		r.got = map[any]string{}
	}
	r.got[tag] += string(p)
	return len(p), nil
}

func (r *tagRecorder) text(tag any) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[tag]
}

func TestGoroutineOutputBelongsToItsCell(t *testing.T) {
	w := &tagRecorder{}
	s := newSession(t, Options{Stdout: w})
	mustRun(t, s, helperImport+"\nimport (\"fmt\"; \"time\")")
	bg := context.Background()
	// The goroutine is parked in compiled code before cell B starts: yaegi
	// v0.16.1 grows its global frame at every evaluation, unsynchronised
	// with interpreted code running in other goroutines.
	r := s.Execute(WithTag(bg, "A"), `
done := make(chan bool)
go func() {
	th.Wait("goroutine-tag", 10*time.Second)
	fmt.Println("from A's goroutine")
	close(done)
}()
th.Parked("goroutine-tag", 10*time.Second)
fmt.Println("A itself")`, true)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	r = s.Execute(WithTag(bg, "B"), `fmt.Println("B itself")
th.Open("goroutine-tag")
<-done`, true)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if got, want := w.text("A"), "A itself\nfrom A's goroutine\n"; got != want {
		t.Errorf("cell A: got %q want %q", got, want)
	}
	if got, want := w.text("B"), "B itself\n"; got != want {
		t.Errorf("cell B: got %q want %q", got, want)
	}
}

func TestInterrupt(t *testing.T) {
	s := newSession(t, Options{InterruptGrace: 300 * time.Millisecond})
	mustRun(t, s, helperImport+"\nimport \"time\"\ncounter := 0")

	interrupt := func(code string, after time.Duration) Result {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(after, cancel)
		defer timer.Stop()
		start := time.Now()
		r := s.Execute(ctx, code, true)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%q: interrupt took %v", code, d)
		}
		if r.Err == nil || r.Err.Name != ErrInterrupted {
			t.Fatalf("%q: got %+v, want an Interrupted error", code, r.Err)
		}
		return r
	}

	t.Run("interpreted loop", func(t *testing.T) {
		interrupt("for { counter++ }", 50*time.Millisecond)
		// The state survives: counter kept its increments.
		r := mustRun(t, s, "counter > 0")
		if r.Value.String(display.MIMEText) != "true" {
			t.Errorf("counter after the interrupt: %v", r.Value)
		}
	})
	t.Run("compiled helper watching display.Context", func(t *testing.T) {
		r := interrupt("n := th.Spin(time.Minute)\ncounter = -n", 50*time.Millisecond)
		if strings.Contains(r.Err.Message, "still running") {
			t.Errorf("Spin watches the context, yet: %s", r.Err.Message)
		}
		if testhelper.Spinning.Load() {
			t.Errorf("Spin still running after the interrupt returned")
		}
	})
	t.Run("time.Sleep", func(t *testing.T) {
		interrupt("time.Sleep(time.Hour)", 50*time.Millisecond)
	})
	t.Run("blocked on a channel", func(t *testing.T) {
		interrupt("c := make(chan int)\n<-c", 50*time.Millisecond)
	})
	t.Run("compiled helper ignoring interrupts", func(t *testing.T) {
		r := interrupt("th.Busy(2*time.Second)", 50*time.Millisecond)
		if !strings.Contains(r.Err.Message, "still running") {
			t.Errorf("message should say the helper still runs: %s", r.Err.Message)
		}
		for testhelper.Spinning.Load() {
			time.Sleep(10 * time.Millisecond)
		}
	})
	t.Run("cancelled before the start", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if r := s.Execute(ctx, "counter = 1000", true); r.Err == nil || r.Err.Name != ErrInterrupted {
			t.Errorf("got %+v", r.Err)
		}
	})
	r := mustRun(t, s, `"accepts the next cell"`)
	if r.Value.String(display.MIMEText) != `"accepts the next cell"` {
		t.Errorf("after interrupts: %v", r.Value)
	}
	if r := mustRun(t, s, "counter == 1000"); r.Value.String(display.MIMEText) != "false" {
		t.Errorf("a cell interrupted before its start ran")
	}
}

func TestInput(t *testing.T) {
	var prompts []string
	var out syncBuffer
	answers := []string{"Ada", "42", "a whole line"}
	s := newSession(t, Options{Stdout: &out, Input: func(prompt string, password bool) (string, error) {
		// The cell's prompt reaches the front end before the question.
		prompts = append(prompts, out.String())
		a := answers[0]
		answers = answers[1:]
		return a, nil
	}})
	r := mustRun(t, s, `import ("bufio"; "fmt"; "os")
var name string
var n int
fmt.Print("name? ")
fmt.Scanln(&name)
fmt.Scan(&n)
line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
fmt.Sprint(name, n+1, line)`)
	if got, want := r.Value.String(display.MIMEText), "`Ada43a whole line\n`"; got != want {
		t.Errorf("got %s want %s", got, want)
	}
	if len(prompts) != 3 || prompts[0] != "name? " {
		t.Errorf("output seen when input was asked: %q", prompts)
	}

	// An interrupt while the front end is asked for input stops the cell
	// at once.
	block := make(chan struct{})
	defer close(block)
	s3 := newSession(t, Options{Input: func(string, bool) (string, error) {
		<-block
		return "", nil
	}, InterruptGrace: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	r = s3.Execute(ctx, "import \"fmt\"\nvar z string\nfmt.Scanln(&z)", true)
	if r.Err == nil || r.Err.Name != ErrInterrupted || time.Since(start) > 5*time.Second {
		t.Errorf("interrupt during input: %+v after %v", r.Err, time.Since(start))
	}

	s2 := newSession(t, Options{})
	r = mustRun(t, s2, `import ("fmt")
var x string
_, err := fmt.Scanln(&x)
err`)
	if got := r.Value.String(display.MIMEText); !strings.Contains(got, "input is not supported") {
		t.Errorf("without Input: got %q", got)
	}
}

func TestResetForgets(t *testing.T) {
	s := newSession(t, Options{})
	mustRun(t, s, "import str \"strings\"\nx := 1")
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	r := s.Execute(context.Background(), "x", true)
	if r.Err == nil || !strings.Contains(r.Err.Message, "undefined: x") {
		t.Errorf("x after Reset: %+v", r.Err)
	}
	r = s.Execute(context.Background(), "str.ToUpper(\"a\")", true)
	if r.Err == nil {
		t.Errorf("imports survived Reset")
	}
	if r := mustRun(t, s, "display.MIMEText"); r.Value.String(display.MIMEText) != `"text/plain"` {
		t.Errorf("display not pre-imported after Reset: %v", r.Value)
	}
	if r.Count != 3 || s.Count() != 4 {
		t.Errorf("counts after Reset: %d %d", r.Count, s.Count())
	}
}

func TestCloseRejectsCells(t *testing.T) {
	s := newSession(t, Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if r := s.Execute(context.Background(), "1", true); r.Err == nil {
		t.Errorf("Execute after Close succeeded")
	}
	if err := s.Reset(); !errors.Is(err, errClosed) {
		t.Errorf("Reset after Close: %v", err)
	}
}

func TestSinkNilDiscards(t *testing.T) {
	var errs syncBuffer
	s := newSession(t, Options{Stderr: &errs})
	mustRun(t, s, `display.HTML("<b>x</b>")`)
	if errs.String() != "" {
		t.Errorf("display output without a sink went to stderr: %q", errs.String())
	}
}

func TestStdoutIsFD1WithCapture(t *testing.T) {
	// A REPL hands os.Stdout itself as the stream; with CaptureFDs the
	// session must write to the real terminal, not loop into its capture.
	s := newSession(t, Options{Stdout: io.Writer(osStdout()), CaptureFDs: true})
	done := make(chan Result)
	go func() { done <- s.Execute(context.Background(), `import "fmt"; fmt.Print("")`, true) }()
	select {
	case r := <-done:
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Execute hung")
	}
}

func TestDisplayBetweenCells(t *testing.T) {
	sink := &recordSink{}
	s := newSession(t, Options{Sink: sink})
	mustRun(t, s, helperImport+`
import "time"
go func() {
	th.Wait("idle-display", 10*time.Second)
	display.Markdown("from the background")
}()
_ = th.Parked("idle-display", 10*time.Second)`)
	testhelper.Open("idle-display")
	deadline := time.Now().Add(10 * time.Second)
	for {
		sink.mu.Lock()
		n := len(sink.events)
		sink.mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := sink.take(); got != "display [text/markdown text/plain] from the background" {
		t.Errorf("display between cells: %q", got)
	}
}

func TestCaptureLargeOutput(t *testing.T) {
	var out syncBuffer
	s := newSession(t, Options{Stdout: &out, CaptureFDs: true})
	mustRun(t, s, helperImport+"\nimport \"strings\"")
	// More than a pipe holds, in one write: the pump must drain while the
	// cell is blocked writing.
	mustRun(t, s, `n := th.WriteFD(1, strings.Repeat("0123456789", 300000))`)
	if r := mustRun(t, s, "n"); r.Value.String(display.MIMEText) != "3000000" {
		t.Errorf("write returned %v", r.Value)
	}
	if got := out.String(); len(got) != 3000000 || !strings.HasPrefix(got, "0123456789") {
		t.Errorf("captured %d bytes", len(got))
	}
}

// TestManyCellsStayCheap pins two regressions: yaegi copied its whole
// global frame at every evaluation (cells got slower as a session aged)
// and kept every syntax tree (13 kB a cell).
func TestManyCellsStayCheap(t *testing.T) {
	s := newSession(t, Options{})
	ctx := context.Background()
	median := func(n int) time.Duration {
		ds := make([]time.Duration, n)
		for i := range ds {
			t0 := time.Now()
			if r := s.Execute(ctx, "x := 1+1\nx*3", true); r.Err != nil {
				t.Fatal(r.Err)
			}
			ds[i] = time.Since(t0)
		}
		slices.Sort(ds)
		return ds[n/2]
	}
	heap := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	early := median(300)
	before := heap()
	median(2000)
	perCell := (int64(heap()) - int64(before)) / 2000
	late := median(300)
	if perCell > 4<<10 {
		t.Errorf("the heap grows %d bytes a cell", perCell)
	}
	if late > 3*early+200*time.Microsecond {
		t.Errorf("trivial cells slowed from %v to %v over 2600 cells", early, late)
	}
	t.Logf("median %v early, %v late; %d bytes a cell", early, late, perCell)
}

func TestAssistanceWhileACellRuns(t *testing.T) {
	s := newSession(t, Options{})
	mustRun(t, s, helperImport+"\nimport \"time\"\nvalue := 7")
	done := make(chan Result)
	go func() {
		done <- s.Execute(context.Background(), `th.Wait("busy-cell", 10*time.Second)`, true)
	}()
	testhelper.Parked("busy-cell", 10*time.Second)
	answered := make(chan bool)
	go func() {
		c := s.Complete("val", 3)
		in := s.Inspect("value", 2, 0)
		st, _ := s.IsComplete("x := 1")
		h := s.History("tail", 1, "", 0, 0, 0)
		answered <- has(c.Matches, "value") && in.Found && st == Complete && len(h) == 1 && s.Count() == 2
	}()
	select {
	case ok := <-answered:
		if !ok {
			t.Errorf("wrong answers while a cell runs")
		}
	case <-time.After(5 * time.Second):
		t.Errorf("Complete, Inspect, IsComplete, History or Count waited for the running cell")
	}
	testhelper.Open("busy-cell")
	if r := <-done; r.Err != nil {
		t.Fatal(r.Err)
	}
}

func TestResultMetadata(t *testing.T) {
	s := newSession(t, Options{})
	r := mustRun(t, s, `type pic struct{}
func (pic) SVG() (string, error) { return "<svg/>", nil }
func (pic) DisplayMetadata() map[string]any { return map[string]any{"image/svg+xml": map[string]any{"width": 64}} }
pic{}`)
	if r.Value.String(display.MIMESVG) != "<svg/>" {
		t.Fatalf("value: %v", r.Value)
	}
	// The cell's own type reaches Out wrapped as an SVGer: its other
	// methods are out of compiled code's sight.
	if r.Metadata != nil {
		t.Logf("metadata of a cell's type: %v", r.Metadata)
	}
	mustRun(t, s, helperImport)
	r = mustRun(t, s, "th.Figure()")
	if m, ok := r.Metadata["image/png"].(map[string]any); !ok || m["width"] != 320 {
		t.Errorf("metadata of a compiled type: %v", r.Metadata)
	}
}
