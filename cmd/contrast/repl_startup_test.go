package main

import (
	"bytes"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptyOutput collects what a process writes to its terminal.
type ptyOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *ptyOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

// waitFor waits until the output after offset from holds want and returns
// the offset just past it.
func (o *ptyOutput) waitFor(want string, from int, timeout time.Duration) (int, bool) {
	deadline := time.Now().Add(timeout)
	for {
		o.mu.Lock()
		b := o.buf.Bytes()
		i := -1
		if from <= len(b) {
			i = bytes.Index(b[from:], []byte(want))
		}
		o.mu.Unlock()
		if i >= 0 {
			return from + i + len(want), true
		}
		if time.Now().After(deadline) {
			return 0, false
		}
		time.Sleep(time.Millisecond)
	}
}

// testStartup measures, on a pseudo-terminal, the time from starting
// `contrast repl` to its prompt (the session starts meanwhile, in the
// background), and the time a keystroke typed at once takes to echo.
// The bound is 100 ms to the prompt.
func testStartup(t *testing.T, bin string) {
	const runs = 5
	var best, bestKey time.Duration = time.Hour, time.Hour
	for i := 0; i < runs; i++ {
		cmd := exec.Command(bin, "repl", "--no-history", "--images", t.TempDir())
		cmd.Env = append(os.Environ(), "TERM=xterm-256color", "XDG_DATA_HOME="+t.TempDir())
		start := time.Now()
		f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 30, Cols: 100})
		if err != nil {
			t.Fatal(err)
		}
		out := &ptyOutput{}
		done := make(chan struct{})
		go func() {
			defer close(done)
			buf := make([]byte, 4096)
			for {
				n, err := f.Read(buf)
				out.Write(buf[:n])
				if err != nil {
					return
				}
			}
		}()
		off, ok := out.waitFor("go> ", 0, slow(10*time.Second))
		took := time.Since(start)
		if !ok {
			f.Close()
			cmd.Process.Kill()
			t.Fatalf("no prompt; the terminal shows %q", out.buf.String())
		}
		best = min(best, took)

		typed := time.Now()
		f.Write([]byte("q7"))
		if _, ok := out.waitFor("7", off, slow(5*time.Second)); !ok {
			t.Fatalf("keystrokes not echoed: %q", out.buf.String())
		}
		bestKey = min(bestKey, time.Since(typed))
		f.Write([]byte{21, 4}) // Ctrl-U, Ctrl-D
		if err := cmd.Wait(); err != nil {
			t.Errorf("exit: %v", err)
		}
		f.Close()
		<-done
	}
	t.Logf("prompt after %v (best of %d), keystroke echoed after %v", best, runs, bestKey)
	limit := 100 * time.Millisecond
	if replRace {
		limit = slow(limit)
	}
	if best > limit {
		t.Errorf("prompt after %v, want at most %v", best, limit)
	}
}
