package nn

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/gocontrast/contrast/display"
)

// recordSink keeps the last text of every display id.
type recordSink struct {
	mu   sync.Mutex
	last map[string]string
}

func (s *recordSink) Display(b display.Bundle, _ map[string]any, id string) { s.set(id, b) }
func (s *recordSink) Update(id string, b display.Bundle, _ map[string]any)  { s.set(id, b) }
func (s *recordSink) Clear(bool)                                            {}
func (s *recordSink) set(id string, b display.Bundle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		s.last = map[string]string{}
	}
	s.last[id] = b.String(display.MIMEText)
}

// TestFitShowsProgressAndObeysTheCellContext runs Fit as a notebook cell
// would: with a bound sink and context, no explicit options.
func TestFitShowsProgressAndObeysTheCellContext(t *testing.T) {
	sink := &recordSink{}
	ctx, cancel := context.WithCancel(context.Background())
	unbind := display.Bind(ctx, sink)
	defer unbind()
	tr, p := newRun(1)
	err := tr.Fit(p.inputs, p.loss, FitOptions{N: 50, BatchSize: 10, Epochs: 2, Label: "simclr",
		OnStep: func(s StepStat) bool {
			if s.Step == 4 {
				cancel() // the user presses interrupt
			}
			return true
		}})
	if !errors.Is(err, ErrInterrupted) || tr.Step != 5 {
		t.Fatalf("err = %v after %d steps, want ErrInterrupted after 5", err, tr.Step)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.last) != 1 {
		t.Fatalf("%d progress displays, want 1", len(sink.last))
	}
	for _, text := range sink.last {
		for _, want := range []string{"simclr", "5/10", "loss", "it"} {
			if !strings.Contains(text, want) {
				t.Errorf("progress %q lacks %q", text, want)
			}
		}
	}
}
