package kernel

import (
	"context"
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gocontrast/contrast/session"
)

func execute(code string) map[string]any {
	return map[string]any{"code": code, "silent": false, "store_history": true, "user_expressions": map[string]any{}, "allow_stdin": false, "stop_on_error": true}
}

func TestKernelInfoOnShellAndControl(t *testing.T) {
	tk := startKernel(t)
	for _, ch := range []Channel{Shell, Control} {
		req := tk.send(ch, "kernel_info_request", map[string]any{})
		c, _ := tk.reply(ch, req, "kernel_info_reply")
		if c["status"] != "ok" || c["protocol_version"] != ProtocolVersion || c["implementation"] != "contrast" {
			t.Errorf("%s: kernel_info_reply %v", ch, c)
		}
		li, _ := c["language_info"].(map[string]any)
		if li["name"] != "go" || li["file_extension"] != ".go" {
			t.Errorf("%s: language_info %v", ch, li)
		}
		if out, _ := tk.outputs(req); len(out) != 0 {
			t.Errorf("%s: kernel_info published %v", ch, types(out))
		}
	}
}

func TestExecuteBusyIdleOrder(t *testing.T) {
	tk := startKernel(t)
	req := tk.send(Shell, "execute_request", execute("print hello\nhtml <b>hi</b>\neprint oops\nvalue 42"))
	c, replySeq := tk.reply(Shell, req, "execute_reply")
	if c["status"] != "ok" || c["execution_count"] != 1.0 {
		t.Fatalf("execute_reply: %v", c)
	}
	out, idleSeq := tk.outputs(req)
	if got, want := types(out), []string{"execute_input", "stream", "display_data", "stream", "execute_result"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("iopub between busy and idle: got %v want %v", got, want)
	}
	if replySeq > idleSeq {
		t.Errorf("the reply was sent after idle")
	}
	if c := content(t, out[0]); c["code"] != "print hello\nhtml <b>hi</b>\neprint oops\nvalue 42" || c["execution_count"] != 1.0 {
		t.Errorf("execute_input: %v", c)
	}
	if c := content(t, out[1]); c["name"] != "stdout" || c["text"] != "hello\n" {
		t.Errorf("stdout: %v", c)
	}
	if c := content(t, out[2]); c["data"].(map[string]any)["text/html"] != "<b>hi</b>" {
		t.Errorf("display_data: %v", c)
	}
	if c := content(t, out[3]); c["name"] != "stderr" || c["text"] != "oops\n" {
		t.Errorf("stderr: %v", c)
	}
	if c := content(t, out[4]); c["execution_count"] != 1.0 || c["data"].(map[string]any)["text/plain"] != "42" {
		t.Errorf("execute_result: %v", c)
	}
}

func TestExecutionCount(t *testing.T) {
	tk := startKernel(t)
	run := func(code string, mod func(map[string]any)) (reply map[string]any, out []*Message) {
		t.Helper()
		c := execute(code)
		if mod != nil {
			mod(c)
		}
		req := tk.send(Shell, "execute_request", c)
		reply, _ = tk.reply(Shell, req, "execute_reply")
		out, _ = tk.outputs(req)
		return reply, out
	}
	count := func(m map[string]any) float64 { v, _ := m["execution_count"].(float64); return v }

	r, _ := run("value a", nil)
	if count(r) != 1 {
		t.Errorf("first cell: count %v want 1", count(r))
	}
	r, out := run("value b", func(c map[string]any) { c["silent"] = true })
	if count(r) != 1 {
		t.Errorf("silent cell: count %v want 1 (unchanged)", count(r))
	}
	if len(out) != 0 {
		t.Errorf("silent cell published %v, want nothing", types(out))
	}
	r, out = run("value c", func(c map[string]any) { c["store_history"] = false })
	if count(r) != 1 {
		t.Errorf("store_history=false: count %v want 1 (unchanged)", count(r))
	}
	if len(out) != 2 || count(content(t, out[0])) != 1 || count(content(t, out[1])) != 1 {
		t.Errorf("store_history=false: execute_input and execute_result should carry count 1: %v", types(out))
	}
	r, out = run("error boom", nil)
	if count(r) != 2 || r["status"] != "error" || r["ename"] != "RuntimeError" {
		t.Errorf("failing cell: reply %v, want error with count 2", r)
	}
	if got := types(out); !reflect.DeepEqual(got, []string{"execute_input", "error"}) {
		t.Errorf("failing cell published %v", got)
	}
	r, _ = run("value d", nil)
	if count(r) != 3 {
		t.Errorf("cell after an error: count %v want 3", count(r))
	}
}

// TestStopOnErrorAbortsQueued: a failing cell with stop_on_error aborts the
// execute requests already queued behind it, but not other requests, and
// not requests that arrive later.
func TestStopOnErrorAbortsQueued(t *testing.T) {
	for _, stop := range []bool{true, false} {
		t.Run(map[bool]string{true: "stop", false: "continue"}[stop], func(t *testing.T) {
			tk := startKernel(t)
			first := execute("gate\nerror boom")
			first["stop_on_error"] = stop
			a := tk.send(Shell, "execute_request", first)
			b := tk.send(Shell, "execute_request", execute("value b"))
			info := tk.send(Shell, "kernel_info_request", map[string]any{})
			c := tk.send(Shell, "execute_request", execute("value c"))
			deadline := time.Now().Add(5 * time.Second)
			for tk.k.shellQ.len() < 3 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			close(tk.eng.gate)
			if r, _ := tk.reply(Shell, a, "execute_reply"); r["status"] != "error" {
				t.Fatalf("first cell: %v", r)
			}
			rb, _ := tk.reply(Shell, b, "execute_reply")
			if ri, _ := tk.reply(Shell, info, "kernel_info_reply"); ri["status"] != "ok" {
				t.Errorf("kernel_info between aborted cells: %v", ri)
			}
			rc, _ := tk.reply(Shell, c, "execute_reply")
			want := "ok"
			if stop {
				want = "aborted"
			}
			if rb["status"] != want || rc["status"] != want {
				t.Errorf("queued cells: got %v and %v want %s", rb["status"], rc["status"], want)
			}
			d := tk.send(Shell, "execute_request", execute("value d"))
			if r, _ := tk.reply(Shell, d, "execute_reply"); r["status"] != "ok" {
				t.Errorf("a cell sent after the abort must run: %v", r)
			}
			for _, req := range []*Message{a, b, info, c, d} {
				tk.outputs(req) // busy ... idle for every request, aborted ones included
			}
			tk.eng.mu.Lock()
			defer tk.eng.mu.Unlock()
			if wantRan := map[bool]int{true: 2, false: 4}[stop]; len(tk.eng.ran) != wantRan {
				t.Errorf("engine ran %q, want %d cells", tk.eng.ran, wantRan)
			}
		})
	}
}

func TestCommReplies(t *testing.T) {
	tk := startKernel(t)
	req := tk.send(Shell, "comm_info_request", map[string]any{"target_name": "jupyter.widget"})
	c, _ := tk.reply(Shell, req, "comm_info_reply")
	if c["status"] != "ok" || !reflect.DeepEqual(c["comms"], map[string]any{}) {
		t.Errorf("comm_info_reply: %v", c)
	}
	tk.outputs(req)

	open := tk.send(Shell, "comm_open", map[string]any{"comm_id": "c1", "target_name": "jupyter.widget", "data": map[string]any{}})
	out, _ := tk.outputs(open)
	if len(out) != 1 || out[0].Header.MsgType != "comm_close" || content(t, out[0])["comm_id"] != "c1" {
		t.Fatalf("comm_open for an unknown target: got %v want one comm_close for c1", types(out))
	}
	for _, mt := range []string{"comm_msg", "comm_close"} {
		m := tk.send(Shell, mt, map[string]any{"comm_id": "c1", "data": map[string]any{}})
		if out, _ := tk.outputs(m); len(out) != 0 {
			t.Errorf("%s: published %v", mt, types(out))
		}
	}
	tk.noMessage(Shell, 20*time.Millisecond)
}

func TestUnknownMessageTypes(t *testing.T) {
	tk := startKernel(t)
	req := tk.send(Shell, "frobnicate_request", map[string]any{})
	c, _ := tk.reply(Shell, req, "frobnicate_reply")
	if c["status"] != "error" || c["ename"] != "UnknownMessageType" {
		t.Errorf("unknown request: %v", c)
	}
	tk.outputs(req)
	// A shell-only request on control is refused the same way.
	req = tk.send(Control, "execute_request", execute("value x"))
	if c, _ := tk.reply(Control, req, "execute_reply"); c["status"] != "error" {
		t.Errorf("execute on control: %v", c)
	}
	tk.outputs(req)
	// Not a request: no reply, and the kernel goes on.
	m := tk.send(Shell, "frobnicate", map[string]any{})
	tk.outputs(m)
	info := tk.send(Shell, "kernel_info_request", map[string]any{})
	tk.reply(Shell, info, "kernel_info_reply")
}

func TestInterrupt(t *testing.T) {
	for _, how := range []string{"message", "signal"} {
		t.Run(how, func(t *testing.T) {
			tk := startKernel(t)
			req := tk.send(Shell, "execute_request", execute("block"))
			tk.expectIOPub("status")
			tk.expectIOPub("execute_input")
			if how == "message" {
				ir := tk.send(Control, "interrupt_request", map[string]any{})
				if c, _ := tk.reply(Control, ir, "interrupt_reply"); c["status"] != "ok" {
					t.Errorf("interrupt_reply: %v", c)
				}
			} else {
				tk.k.Interrupt()
			}
			c, _ := tk.reply(Shell, req, "execute_reply")
			if c["status"] != "error" || c["ename"] != "Interrupted" {
				t.Errorf("interrupted cell: %v", c)
			}
			// The kernel serves the next cell.
			next := tk.send(Shell, "execute_request", execute("value 1"))
			if c, _ := tk.reply(Shell, next, "execute_reply"); c["status"] != "ok" {
				t.Errorf("cell after interrupt: %v", c)
			}
		})
	}
}

func TestControlServedWhileCellRuns(t *testing.T) {
	tk := startKernel(t)
	tk.send(Shell, "execute_request", execute("gate"))
	info := tk.send(Control, "kernel_info_request", map[string]any{})
	tk.reply(Control, info, "kernel_info_reply")
	close(tk.eng.gate)
}

func TestInput(t *testing.T) {
	tk := startKernel(t)
	c := execute("input Name: ")
	c["allow_stdin"] = true
	req := tk.send(Shell, "execute_request", c)
	ir, _ := tk.recv(Stdin)
	if ir.Header.MsgType != "input_request" || parentID(ir) != req.Header.MsgID {
		t.Fatalf("stdin: got %s with parent %s", ir.Header.MsgType, parentID(ir))
	}
	if string(ir.Identities[0]) != string(tk.ident) {
		t.Errorf("input_request identities %q want the shell client's %q", ir.Identities, tk.ident)
	}
	if c := content(t, ir); c["prompt"] != "Name: " || c["password"] != false {
		t.Errorf("input_request content: %v", c)
	}
	reply := tk.message("input_reply", map[string]any{"value": "Ada"})
	reply.Parent = ir.RawHeader
	frames, _ := Encode(reply, tk.signer)
	tk.tr.in[Stdin] <- frames
	if r, _ := tk.reply(Shell, req, "execute_reply"); r["status"] != "ok" {
		t.Fatalf("execute_reply: %v", r)
	}
	out, _ := tk.outputs(req)
	if len(out) != 2 || content(t, out[1])["text"] != "got Ada\n" {
		t.Errorf("outputs: %v", types(out))
	}

	// Without allow_stdin the read fails at once with a clear error.
	req = tk.send(Shell, "execute_request", execute("input Name: "))
	r, _ := tk.reply(Shell, req, "execute_reply")
	if r["status"] != "error" || !strings.Contains(r["evalue"].(string), "allow_stdin") {
		t.Errorf("input without allow_stdin: %v", r)
	}
}

func TestInputInterrupted(t *testing.T) {
	tk := startKernel(t)
	c := execute("input ?")
	c["allow_stdin"] = true
	req := tk.send(Shell, "execute_request", c)
	tk.recv(Stdin)
	tk.k.Interrupt()
	if r, _ := tk.reply(Shell, req, "execute_reply"); r["status"] != "error" {
		t.Errorf("interrupted input: %v", r)
	}
}

func TestShutdown(t *testing.T) {
	tk := startKernel(t)
	req := tk.send(Control, "shutdown_request", map[string]any{"restart": true})
	c, _ := tk.reply(Control, req, "shutdown_reply")
	if c["status"] != "ok" || c["restart"] != true {
		t.Errorf("shutdown_reply: %v", c)
	}
	select {
	case err := <-tk.done:
		if err != nil {
			t.Errorf("Serve after shutdown_request: %v", err)
		}
		tk.done <- nil
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after shutdown_request")
	}
	if !tk.k.Restart() {
		t.Error("Restart() should report the restart flag")
	}
}

func TestShutdownInterruptsRunningCell(t *testing.T) {
	tk := startKernel(t)
	tk.send(Shell, "execute_request", execute("block"))
	tk.expectIOPub("status")
	req := tk.send(Control, "shutdown_request", map[string]any{"restart": false})
	tk.reply(Control, req, "shutdown_reply")
	select {
	case err := <-tk.done:
		tk.done <- err
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
}

func TestStreamCoalescing(t *testing.T) {
	tk := startKernel(t)
	var code []string
	for i := 0; i < 200; i++ {
		code = append(code, "write x")
	}
	code = append(code, "eprint e", "write y")
	req := tk.send(Shell, "execute_request", execute(strings.Join(code, "\n")))
	tk.reply(Shell, req, "execute_reply")
	out, _ := tk.outputs(req)
	var stdout, stderr string
	n := 0
	for _, m := range out {
		if m.Header.MsgType != "stream" {
			continue
		}
		n++
		c := content(t, m)
		if c["name"] == "stdout" {
			stdout += c["text"].(string)
		} else {
			stderr += c["text"].(string)
		}
	}
	if stdout != strings.Repeat("x", 200)+"y" || stderr != "e\n" {
		t.Errorf("stream text: stdout %q stderr %q", stdout, stderr)
	}
	if n > 10 {
		t.Errorf("202 small writes became %d stream messages; want them coalesced", n)
	}
	// The order of stdout and stderr is kept: the last message is stdout "y".
	if last := content(t, out[len(out)-1]); last["text"] != "y" {
		t.Errorf("last stream: %v", last)
	}
}

func TestDisplayUpdateClear(t *testing.T) {
	tk := startKernel(t)
	req := tk.send(Shell, "execute_request", execute("png\nshow d1 v1\nupdate d1 v2\nclear wait"))
	tk.reply(Shell, req, "execute_reply")
	out, _ := tk.outputs(req)
	if got, want := types(out), []string{"execute_input", "display_data", "display_data", "update_display_data", "clear_output"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
	png := content(t, out[1])
	data := png["data"].(map[string]any)["image/png"].(string)
	if raw, err := base64.StdEncoding.DecodeString(data); err != nil || string(raw) != "\x89PNG" {
		t.Errorf("image/png must be base64 of the bytes: %q", data)
	}
	if png["metadata"].(map[string]any)["width"] != 4.0 {
		t.Errorf("display metadata lost: %v", png["metadata"])
	}
	if id := content(t, out[2])["transient"].(map[string]any)["display_id"]; id != "d1" {
		t.Errorf("display_data display_id: %v", id)
	}
	up := content(t, out[3])
	if up["transient"].(map[string]any)["display_id"] != "d1" || up["data"].(map[string]any)["text/plain"] != "v2" {
		t.Errorf("update_display_data: %v", up)
	}
	if content(t, out[4])["wait"] != true {
		t.Errorf("clear_output: %v", content(t, out[4]))
	}
}

func TestExecuteResultMetadata(t *testing.T) {
	tk := startKernel(t)
	req := tk.send(Shell, "execute_request", execute("value with-metadata"))
	tk.reply(Shell, req, "execute_reply")
	out, _ := tk.outputs(req)
	if len(out) != 2 || out[1].Header.MsgType != "execute_result" {
		t.Fatalf("outputs: %v", types(out))
	}
	if meta := content(t, out[1])["metadata"]; !reflect.DeepEqual(meta, map[string]any{"isolated": true}) {
		t.Errorf("execute_result metadata: got %v", meta)
	}
}

// Result.Page reaches the client as IPython's pager payload.
func TestPagePayload(t *testing.T) {
	tk := startKernel(t)
	req := tk.send(Shell, "execute_request", execute("page func Println"))
	r, _ := tk.reply(Shell, req, "execute_reply")
	tk.outputs(req)
	want := []any{map[string]any{"source": "page", "start": 0.0,
		"data": map[string]any{"text/plain": "func Println", "text/markdown": "*func Println*"}}}
	if r["status"] != "ok" || !reflect.DeepEqual(r["payload"], want) {
		t.Errorf("execute_reply: %v\nwant payload %v", r, want)
	}
	req = tk.send(Shell, "execute_request", execute("value 1"))
	if r, _ = tk.reply(Shell, req, "execute_reply"); !reflect.DeepEqual(r["payload"], []any{}) {
		t.Errorf("payload without a page: %v", r["payload"])
	}
	tk.outputs(req)
}

func TestUserExpressions(t *testing.T) {
	tk := startKernel(t)
	c := execute("value 1")
	c["user_expressions"] = map[string]any{"x": "x+1", "y": "bad"}
	req := tk.send(Shell, "execute_request", c)
	r, _ := tk.reply(Shell, req, "execute_reply")
	ue := r["user_expressions"].(map[string]any)
	x := ue["x"].(map[string]any)
	if x["status"] != "ok" || x["data"].(map[string]any)["text/plain"] != "eval x+1" {
		t.Errorf("user expression x: %v", x)
	}
	if y := ue["y"].(map[string]any); y["status"] != "error" || y["ename"] != "CompileError" {
		t.Errorf("user expression y: %v", y)
	}
}

func TestCompleteInspectIsComplete(t *testing.T) {
	tk := startKernel(t)
	// Cursor positions are in code points: "é" is one code point, two bytes.
	req := tk.send(Shell, "complete_request", map[string]any{"code": "é(Pri", "cursor_pos": 5})
	c, _ := tk.reply(Shell, req, "complete_reply")
	if !reflect.DeepEqual(c["matches"], []any{"Println", "Printf"}) || c["cursor_start"] != 2.0 || c["cursor_end"] != 5.0 {
		t.Errorf("complete_reply: %v", c)
	}
	if ty := c["metadata"].(map[string]any)["_jupyter_types_experimental"].([]any); len(ty) != 2 {
		t.Errorf("completion types: %v", ty)
	}
	tk.outputs(req)

	req = tk.send(Shell, "inspect_request", map[string]any{"code": "fmt.Println", "cursor_pos": 6, "detail_level": 0})
	c, _ = tk.reply(Shell, req, "inspect_reply")
	if c["found"] != true || !strings.Contains(c["data"].(map[string]any)["text/plain"].(string), "Println") {
		t.Errorf("inspect_reply: %v", c)
	}
	tk.outputs(req)

	for code, want := range map[string]string{"x := 1": "complete", "func f() {": "incomplete", "f()(": "invalid"} {
		req = tk.send(Shell, "is_complete_request", map[string]any{"code": code})
		c, _ = tk.reply(Shell, req, "is_complete_reply")
		if c["status"] != want {
			t.Errorf("is_complete %q: got %v want %s", code, c["status"], want)
		}
		if _, has := c["indent"]; has != (want == "incomplete") {
			t.Errorf("is_complete %q: indent present %v", code, has)
		}
		tk.outputs(req)
	}
}

func TestHistory(t *testing.T) {
	tk := startKernel(t)
	for _, code := range []string{"value 1", "value 2", "value 1", "value 3", "value 1"} {
		req := tk.send(Shell, "execute_request", execute(code))
		tk.reply(Shell, req, "execute_reply")
		tk.outputs(req)
	}
	hist := func(args map[string]any) []any {
		t.Helper()
		args["raw"] = true
		req := tk.send(Shell, "history_request", args)
		c, _ := tk.reply(Shell, req, "history_reply")
		tk.outputs(req)
		if c["status"] != "ok" {
			t.Fatalf("history_reply: %v", c)
		}
		return c["history"].([]any)
	}
	h := hist(map[string]any{"output": false, "hist_access_type": "tail", "n": 2})
	if !reflect.DeepEqual(h, []any{[]any{1.0, 4.0, "value 3"}, []any{1.0, 5.0, "value 1"}}) {
		t.Errorf("tail 2: %v", h)
	}
	h = hist(map[string]any{"output": true, "hist_access_type": "tail", "n": 1})
	if !reflect.DeepEqual(h, []any{[]any{1.0, 5.0, []any{"value 1", "1"}}}) {
		t.Errorf("tail with output: %v", h)
	}
	h = hist(map[string]any{"output": false, "hist_access_type": "range", "session": 1, "start": 2, "stop": 3})
	if !reflect.DeepEqual(h, []any{[]any{1.0, 2.0, "value 2"}}) {
		t.Errorf("range 2..3: %v", h)
	}
	if h = hist(map[string]any{"output": false, "hist_access_type": "search", "pattern": "value 1*", "n": 3}); len(h) != 3 {
		t.Errorf("search n=3: %v", h)
	}
	if h = hist(map[string]any{"output": false, "hist_access_type": "search", "pattern": "value 1*", "unique": true}); len(h) != 1 {
		t.Errorf("search unique: %v", h)
	}
	if h = hist(map[string]any{"output": false, "hist_access_type": "search", "pattern": "value ?", "unique": true, "n": 10}); len(h) != 3 || h[2].([]any)[2] != "value 1" {
		t.Errorf("search unique all: %v", h)
	}
}

func TestEngineFailsToStart(t *testing.T) {
	tr := newMemTransport()
	signer, _ := NewSigner("hmac-sha256", nil)
	k := New(tr, Config{Signer: signer, Log: testLogger(t)})
	done := make(chan error, 1)
	go func() {
		done <- k.Serve(context.Background(), func(session.Options) (session.Engine, error) {
			return nil, errorString("no interpreter today")
		})
	}()
	tk := &testKernel{t: t, k: k, tr: tr, signer: signer, ident: []byte("c")}
	tk.expectIOPub("status")
	info := tk.send(Shell, "kernel_info_request", map[string]any{})
	tk.reply(Shell, info, "kernel_info_reply")
	req := tk.send(Shell, "execute_request", execute("value 1"))
	c, _ := tk.reply(Shell, req, "execute_reply")
	if c["status"] != "error" || !strings.Contains(c["evalue"].(string), "no interpreter today") {
		t.Errorf("execute without engine: %v", c)
	}
	k.Stop()
	<-done
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestEnginePanicBecomesErrorReply(t *testing.T) {
	tk := startKernel(t)
	req := tk.send(Shell, "execute_request", execute("panic"))
	c, _ := tk.reply(Shell, req, "execute_reply")
	if c["status"] != "error" || !strings.Contains(c["evalue"].(string), "fake engine panics") {
		t.Errorf("panicking handler: %v", c)
	}
	out, _ := tk.outputs(req)
	_ = out
	next := tk.send(Shell, "execute_request", execute("value ok"))
	if c, _ := tk.reply(Shell, next, "execute_reply"); c["status"] != "ok" {
		t.Errorf("after a panic: %v", c)
	}
}

// TestBadMessagesDropped: bad signatures, missing frames and invalid JSON
// are dropped without a reply, and the kernel keeps serving.
func TestBadMessagesDropped(t *testing.T) {
	tk := startKernel(t)
	good := func() [][]byte {
		f, _ := Encode(tk.message("kernel_info_request", map[string]any{}), tk.signer)
		return f
	}
	other, _ := NewSigner("hmac-sha256", []byte("another key"))
	wrongKey, _ := Encode(tk.message("kernel_info_request", map[string]any{}), other)
	badJSON := good()
	badJSON[len(badJSON)-1] = []byte("{not json")
	badJSON[2] = tk.signer.Sign(badJSON[3], badJSON[4], badJSON[5], badJSON[6])
	cases := map[string][][]byte{
		"wrong key":     wrongKey,
		"no signature":  append(good()[:2:2], append([][]byte{nil}, good()[3:]...)...),
		"no delimiter":  {[]byte("id"), []byte("x")},
		"too few":       good()[:5],
		"invalid json":  badJSON,
		"empty message": {},
	}
	for name, frames := range cases {
		tk.tr.in[Shell] <- frames
		tk.noMessage(Shell, 10*time.Millisecond)
		tk.noMessage(IOPub, 0)
		_ = name
	}
	info := tk.send(Shell, "kernel_info_request", map[string]any{})
	tk.reply(Shell, info, "kernel_info_reply")
}
