package repl

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocontrast/contrast/session"
)

// lazyEngine starts the session engine in the background, so that the
// prompt is ready before the interpreter is: the first cell waits for it,
// completion does not.
type lazyEngine struct {
	ready chan struct{}
	eng   session.Engine
	err   error

	// completing is set while a Complete call runs; a keystroke never
	// queues behind a slow one.
	completing atomic.Bool
	closeOnce  sync.Once
}

// startEngine calls newEngine(opts) in a new goroutine.
func startEngine(newEngine func(session.Options) (session.Engine, error), opts session.Options) *lazyEngine {
	l := &lazyEngine{ready: make(chan struct{})}
	go func() {
		defer close(l.ready)
		l.eng, l.err = newEngine(opts)
	}()
	return l
}

// get waits for the engine.
func (l *lazyEngine) get() (session.Engine, error) {
	<-l.ready
	return l.eng, l.err
}

// within returns the engine if it is ready within d.
func (l *lazyEngine) within(d time.Duration) (session.Engine, bool) {
	select {
	case <-l.ready:
		return l.eng, l.err == nil
	default:
	}
	if d <= 0 {
		return nil, false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-l.ready:
		return l.eng, l.err == nil
	case <-t.C:
		return nil, false
	}
}

// complete asks the engine for completions, giving up after timeout (the
// engine may still be starting, or busy): typing never freezes.
func (l *lazyEngine) complete(code string, cursor int, timeout time.Duration) session.Completion {
	start := time.Now()
	eng, ok := l.within(timeout)
	if !ok {
		return session.Completion{}
	}
	if !l.completing.CompareAndSwap(false, true) {
		return session.Completion{} // the previous request is still running
	}
	ch := make(chan session.Completion, 1)
	go func() {
		defer l.completing.Store(false)
		ch <- eng.Complete(code, cursor)
	}()
	t := time.NewTimer(max(timeout-time.Since(start), 10*time.Millisecond))
	defer t.Stop()
	select {
	case c := <-ch:
		return c
	case <-t.C:
		return session.Completion{}
	}
}

// isComplete asks the engine whether code is a complete cell. When the
// engine does not answer within wait (it may be starting, or busy), it
// answers from a local scan of the brackets (see scanComplete).
func (l *lazyEngine) isComplete(code string, wait time.Duration) (status, indent string) {
	start := time.Now()
	if eng, ok := l.within(wait); ok {
		type answer struct{ status, indent string }
		ch := make(chan answer, 1)
		go func() {
			st, in := eng.IsComplete(code)
			ch <- answer{st, in}
		}()
		t := time.NewTimer(max(wait-time.Since(start), 0) + isCompleteGrace)
		defer t.Stop()
		select {
		case a := <-ch:
			if a.status != session.Unknown {
				return a.status, a.indent
			}
		case <-t.C:
		}
	}
	return scanComplete(code)
}

// isCompleteGrace is how long a ready engine may take to say whether a
// cell is complete (it parses the cell: well under a millisecond).
const isCompleteGrace = 200 * time.Millisecond

// close closes the engine once it has started.
func (l *lazyEngine) close() error {
	var err error
	l.closeOnce.Do(func() {
		if eng, e := l.get(); e == nil {
			err = eng.Close()
		}
	})
	return err
}

// execute runs code on the engine, waiting for it to start.
func (l *lazyEngine) execute(ctx context.Context, code string) session.Result {
	eng, err := l.get()
	if err != nil {
		return session.Result{Err: &session.Error{Name: "StartError", Message: err.Error(),
			Traceback: []string{"the session did not start: " + err.Error()}}}
	}
	return eng.Execute(ctx, code, true)
}
