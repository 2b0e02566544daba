package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/session"
)

// memTransport is the in-memory Transport the core's tests run over.
type memTransport struct {
	in     [3]chan [][]byte // client to kernel: Shell, Control, Stdin
	out    [4]chan sent     // kernel to client
	seq    atomic.Int64     // orders sends across channels
	closed chan struct{}
	once   sync.Once
}

type sent struct {
	seq    int64
	frames [][]byte
}

func newMemTransport() *memTransport {
	t := &memTransport{closed: make(chan struct{})}
	for i := range t.in {
		t.in[i] = make(chan [][]byte, 100)
	}
	for i := range t.out {
		t.out[i] = make(chan sent, 10000)
	}
	return t
}

func (t *memTransport) Recv(ch Channel) ([][]byte, error) {
	select {
	case f := <-t.in[ch]:
		return f, nil
	case <-t.closed:
		return nil, errors.New("closed")
	}
}

func (t *memTransport) Send(ch Channel, frames [][]byte) error {
	select {
	case t.out[ch] <- sent{t.seq.Add(1), frames}:
		return nil
	case <-t.closed:
		return errors.New("closed")
	}
}

func (t *memTransport) Close() error {
	t.once.Do(func() { close(t.closed) })
	return nil
}

// fakeEngine implements session.Engine with a tiny command language, one
// command per line:
//
//	print TEXT      write TEXT\n to stdout
//	eprint TEXT     write TEXT\n to stderr
//	write TEXT      write TEXT to stdout (no newline)
//	value TEXT      the cell's value is text/plain TEXT
//	html TEXT       display text/html TEXT
//	png             display a 4-byte image/png
//	show ID TEXT    display TEXT under display id ID
//	update ID TEXT  update display ID
//	clear           clear output
//	error MSG       fail with a RuntimeError
//	block           wait until interrupted
//	gate            wait until the test closes fakeEngine.gate
//	input PROMPT    read a line and print it
//	panic           panic in the engine
type fakeEngine struct {
	opts  session.Options
	gate  chan struct{}
	mu    sync.Mutex
	count int
	hist  []session.HistoryEntry
	ran   []string
}

func newFakeEngine(opts session.Options) *fakeEngine {
	return &fakeEngine{opts: opts, gate: make(chan struct{})}
}

func (e *fakeEngine) Execute(ctx context.Context, code string, store bool) session.Result {
	e.mu.Lock()
	e.ran = append(e.ran, code)
	count := e.count
	if store {
		e.count++
		count = e.count
		e.hist = append(e.hist, session.HistoryEntry{Session: 1, Line: count, Input: code})
	}
	e.mu.Unlock()
	res := session.Result{Count: count}
	for _, line := range strings.Split(code, "\n") {
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "print":
			fmt.Fprintln(e.opts.Stdout, arg)
		case "eprint":
			fmt.Fprintln(e.opts.Stderr, arg)
		case "write":
			fmt.Fprint(e.opts.Stdout, arg)
		case "value":
			res.Value = display.Bundle{display.MIMEText: arg}
			if arg == "with-metadata" {
				res.Metadata = map[string]any{"isolated": true}
			}
			if store {
				e.mu.Lock()
				e.hist[len(e.hist)-1].Output = arg
				e.mu.Unlock()
			}
		case "html":
			e.opts.Sink.Display(display.Bundle{display.MIMEHTML: arg, display.MIMEText: arg}, nil, "")
		case "png":
			e.opts.Sink.Display(display.Bundle{display.MIMEPNG: []byte{0x89, 'P', 'N', 'G'}}, map[string]any{"width": 4}, "")
		case "show":
			id, text, _ := strings.Cut(arg, " ")
			e.opts.Sink.Display(display.Bundle{display.MIMEText: text}, nil, id)
		case "update":
			id, text, _ := strings.Cut(arg, " ")
			e.opts.Sink.Update(id, display.Bundle{display.MIMEText: text}, nil)
		case "clear":
			e.opts.Sink.Clear(arg == "wait")
		case "error":
			res.Err = &session.Error{Name: "RuntimeError", Message: arg, Traceback: []string{"cell:1: " + arg}}
			return res
		case "page":
			res.Page = display.Bundle{display.MIMEText: arg, display.MIMEMarkdown: "*" + arg + "*"}
		case "block":
			<-ctx.Done()
			res.Err = &session.Error{Name: "Interrupted", Message: "interrupted"}
			return res
		case "gate":
			select {
			case <-e.gate:
			case <-ctx.Done():
			}
		case "input":
			s, err := e.opts.Input(arg, false)
			if err != nil {
				res.Err = &session.Error{Name: "InputError", Message: err.Error()}
				return res
			}
			fmt.Fprintln(e.opts.Stdout, "got "+s)
		case "panic":
			panic("fake engine panics")
		}
	}
	return res
}

func (e *fakeEngine) Eval(ctx context.Context, expr string) (display.Bundle, *session.Error) {
	if strings.HasPrefix(expr, "bad") {
		return nil, &session.Error{Name: "CompileError", Message: "undefined: " + expr}
	}
	return display.Bundle{display.MIMEText: "eval " + expr}, nil
}

func (e *fakeEngine) Complete(code string, cursor int) session.Completion {
	// Complete the identifier before the cursor from a fixed list.
	start := cursor
	for start > 0 && code[start-1] != ' ' && code[start-1] != '(' {
		start--
	}
	prefix := code[start:cursor]
	c := session.Completion{Start: start, End: cursor}
	for _, w := range []string{"Println", "Printf", "Sprint", "héllo"} {
		if strings.HasPrefix(w, prefix) {
			c.Matches = append(c.Matches, w)
			c.Types = append(c.Types, "function")
		}
	}
	return c
}

func (e *fakeEngine) Inspect(code string, cursor int, detail int) session.Inspection {
	if strings.Contains(code, "Println") {
		return session.Inspection{Found: true, Data: display.Bundle{display.MIMEText: "func Println(a ...any) (n int, err error)"}}
	}
	return session.Inspection{}
}

func (e *fakeEngine) IsComplete(code string) (string, string) {
	switch {
	case strings.HasSuffix(code, "{"):
		return session.Incomplete, "\t"
	case strings.Contains(code, ")("):
		return session.Invalid, ""
	}
	return session.Complete, ""
}

func (e *fakeEngine) History(kind string, n int, pattern string, sess, start, stop int) []session.HistoryEntry {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch kind {
	case "tail":
		if n <= 0 || n > len(e.hist) {
			n = len(e.hist)
		}
		return append([]session.HistoryEntry(nil), e.hist[len(e.hist)-n:]...)
	case "range":
		var out []session.HistoryEntry
		for _, h := range e.hist {
			if h.Line >= start && (stop == 0 || h.Line < stop) {
				out = append(out, h)
			}
		}
		return out
	}
	return nil
}

// HistorySearch makes fakeEngine a session.HistorySearcher: glob
// patterns as path.Match has them (enough for the tests: no '/').
func (e *fakeEngine) HistorySearch(pattern string, n int, unique bool) []session.HistoryEntry {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []session.HistoryEntry
	seen := map[string]bool{}
	for i := len(e.hist) - 1; i >= 0 && (n <= 0 || len(out) < n); i-- {
		h := e.hist[i]
		if ok, _ := path.Match(pattern, h.Input); !ok || unique && seen[h.Input] {
			continue
		}
		seen[h.Input] = true
		out = append([]session.HistoryEntry{h}, out...)
	}
	return out
}

func (e *fakeEngine) Count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.count
}

func (e *fakeEngine) Reset() error { return nil }
func (e *fakeEngine) Close() error { return nil }

// testKernel is a kernel serving a fake engine over memory, and a client.
type testKernel struct {
	t      testing.TB
	k      *Kernel
	tr     *memTransport
	eng    *fakeEngine
	signer *Signer
	done   chan error
	ident  []byte
}

const testKey = "0123456789abcdef"

func startKernel(t *testing.T) *testKernel {
	t.Helper()
	signer, err := NewSigner("hmac-sha256", []byte(testKey))
	if err != nil {
		t.Fatal(err)
	}
	tr := newMemTransport()
	tk := &testKernel{t: t, tr: tr, signer: signer, done: make(chan error, 1), ident: []byte("client-1")}
	tk.k = New(tr, Config{Signer: signer, Log: testLogger(t)})
	engReady := make(chan struct{})
	go func() {
		tk.done <- tk.k.Serve(context.Background(), func(o session.Options) (session.Engine, error) {
			tk.eng = newFakeEngine(o)
			close(engReady)
			return tk.eng, nil
		})
	}()
	<-engReady
	tk.expectIOPub("status") // starting
	t.Cleanup(func() {
		tk.k.Stop()
		select {
		case <-tk.done:
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return after Stop")
		}
	})
	return tk
}

// send sends a request and returns it.
func (tk *testKernel) send(ch Channel, msgType string, content any) *Message {
	tk.t.Helper()
	m := tk.message(msgType, content)
	frames, err := Encode(m, tk.signer)
	if err != nil {
		tk.t.Fatal(err)
	}
	tk.tr.in[ch] <- frames
	return m
}

func (tk *testKernel) message(msgType string, content any) *Message {
	tk.t.Helper()
	c, err := json.Marshal(content)
	if err != nil {
		tk.t.Fatal(err)
	}
	h := Header{MsgID: newID(), Session: "client-session", Username: "test", Date: timestamp(time.Now()), MsgType: msgType, Version: ProtocolVersion}
	raw, _ := json.Marshal(h)
	return &Message{Identities: [][]byte{tk.ident}, Header: h, RawHeader: raw, Content: c}
}

// recv returns the next message the kernel sent on ch.
func (tk *testKernel) recv(ch Channel) (*Message, int64) {
	tk.t.Helper()
	select {
	case s := <-tk.tr.out[ch]:
		m, err := Decode(s.frames, tk.signer)
		if err != nil {
			tk.t.Fatalf("kernel sent an undecodable message on %s: %v", ch, err)
		}
		return m, s.seq
	case <-time.After(5 * time.Second):
		tk.t.Fatalf("no message on %s within 5s", ch)
	}
	return nil, 0
}

// noMessage checks that nothing arrives on ch within d.
func (tk *testKernel) noMessage(ch Channel, d time.Duration) {
	tk.t.Helper()
	select {
	case s := <-tk.tr.out[ch]:
		m, _ := Decode(s.frames, tk.signer)
		tk.t.Fatalf("unexpected message on %s: %+v", ch, m)
	case <-time.After(d):
	}
}

func (tk *testKernel) expectIOPub(msgType string) *Message {
	tk.t.Helper()
	m, _ := tk.recv(IOPub)
	if m.Header.MsgType != msgType {
		tk.t.Fatalf("iopub: got %s %s want %s", m.Header.MsgType, m.Content, msgType)
	}
	return m
}

// reply reads the reply to req on ch and checks its type and parent.
func (tk *testKernel) reply(ch Channel, req *Message, msgType string) (map[string]any, int64) {
	tk.t.Helper()
	m, seq := tk.recv(ch)
	if m.Header.MsgType != msgType {
		tk.t.Fatalf("%s: got %s want %s", ch, m.Header.MsgType, msgType)
	}
	if got := parentID(m); got != req.Header.MsgID {
		tk.t.Fatalf("%s parent msg_id: got %q want %q", msgType, got, req.Header.MsgID)
	}
	if len(m.Identities) != 1 || string(m.Identities[0]) != string(tk.ident) {
		tk.t.Fatalf("%s identities: got %q want [%q]", msgType, m.Identities, tk.ident)
	}
	return content(tk.t, m), seq
}

// outputs reads IOPub from busy to idle for req and returns the messages in
// between, checking that every one has req as parent.
func (tk *testKernel) outputs(req *Message) (msgs []*Message, idleSeq int64) {
	tk.t.Helper()
	busy := tk.expectIOPub("status")
	if st := content(tk.t, busy)["execution_state"]; st != "busy" || parentID(busy) != req.Header.MsgID {
		tk.t.Fatalf("first iopub for %s: got %v (parent %s), want busy", req.Header.MsgType, st, parentID(busy))
	}
	for {
		m, seq := tk.recv(IOPub)
		if parentID(m) != req.Header.MsgID {
			tk.t.Fatalf("iopub %s has parent %s want %s", m.Header.MsgType, parentID(m), req.Header.MsgID)
		}
		if m.Header.MsgType == "status" {
			if st := content(tk.t, m)["execution_state"]; st != "idle" {
				tk.t.Fatalf("status %v inside a request", st)
			}
			return msgs, seq
		}
		msgs = append(msgs, m)
	}
}

func parentID(m *Message) string {
	var h Header
	json.Unmarshal(m.Parent, &h)
	return h.MsgID
}

func content(t testing.TB, m *Message) map[string]any {
	t.Helper()
	var c map[string]any
	if err := json.Unmarshal(m.Content, &c); err != nil {
		t.Fatalf("%s content: %v", m.Header.MsgType, err)
	}
	return c
}

func types(msgs []*Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Header.MsgType)
	}
	return out
}

// testWriter logs through t until the test is over, then drops lines, so
// that late logs from the kernel's goroutines do not panic.
type testWriter struct {
	t    *testing.T
	mu   sync.Mutex
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func testLogger(t *testing.T) *log.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() { w.mu.Lock(); w.done = true; w.mu.Unlock() })
	return log.New(w, "kernel: ", 0)
}
