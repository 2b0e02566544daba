package repl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/session"
)

// slowEngine is a fake engine whose completion takes delay.
type slowEngine struct {
	delay time.Duration
}

func (e *slowEngine) Execute(ctx context.Context, code string, store bool) session.Result {
	return session.Result{Count: 1, Value: display.Bundle{display.MIMEText: "ran " + code}}
}
func (e *slowEngine) Eval(context.Context, string) (display.Bundle, *session.Error) { return nil, nil }
func (e *slowEngine) Complete(code string, cursor int) session.Completion {
	time.Sleep(e.delay)
	return session.Completion{Matches: []string{"Println"}, Start: cursor, End: cursor}
}
func (e *slowEngine) Inspect(string, int, int) session.Inspection { return session.Inspection{} }
func (e *slowEngine) IsComplete(code string) (string, string) {
	time.Sleep(e.delay)
	return session.Unknown, ""
}
func (e *slowEngine) History(string, int, string, int, int, int) []session.HistoryEntry { return nil }
func (e *slowEngine) Count() int                                                        { return 0 }
func (e *slowEngine) Reset() error                                                      { return nil }
func (e *slowEngine) Close() error                                                      { return nil }

// TestCompletionNeverBlocks: Tab gives up on a slow or starting session
// within its timeout, and a second request does not queue behind the
// first.
func TestCompletionNeverBlocks(t *testing.T) {
	release := make(chan struct{})
	l := startEngine(func(session.Options) (session.Engine, error) {
		<-release
		return &slowEngine{delay: time.Second}, nil
	}, session.Options{})
	start := time.Now()
	if c := l.complete("fmt.P", 5, 50*time.Millisecond); len(c.Matches) != 0 {
		t.Errorf("a starting engine cannot complete")
	}
	if d := time.Since(start); d > 300*time.Millisecond {
		t.Errorf("completion waited %v for a starting engine", d)
	}
	if st, in := l.isComplete("func f() {", 10*time.Millisecond); st != session.Incomplete || in != "\t" {
		t.Errorf("the REPL's own check should answer while the engine starts: %q %q", st, in)
	}
	close(release)
	l.get()
	start = time.Now()
	if st, _ := l.isComplete("x := (", 10*time.Millisecond); st != session.Incomplete {
		t.Errorf("a busy engine: the REPL's own check should answer, got %q", st)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("Enter waited %v for a busy engine", d)
	}
	start = time.Now()
	l.complete("fmt.P", 5, 50*time.Millisecond)
	l.complete("fmt.P", 5, 50*time.Millisecond)
	if d := time.Since(start); d > 400*time.Millisecond {
		t.Errorf("two completions on a slow engine took %v", d)
	}
	fast := startEngine(func(session.Options) (session.Engine, error) { return &slowEngine{}, nil }, session.Options{})
	if c := fast.complete("fmt.P", 5, time.Second); len(c.Matches) != 1 {
		t.Errorf("a ready engine completes: %+v", c)
	}
}

func TestEngineStartError(t *testing.T) {
	l := startEngine(func(session.Options) (session.Engine, error) { return nil, errors.New("no interpreter") }, session.Options{})
	res := l.execute(context.Background(), "1")
	if res.Err == nil || !strings.Contains(cellError(res.Err), "no interpreter") {
		t.Errorf("got %+v", res.Err)
	}
	if _, ok := l.within(time.Second); ok {
		t.Errorf("a failed engine is not ready")
	}
	if err := l.close(); err != nil {
		t.Error(err)
	}
}
