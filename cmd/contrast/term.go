package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/gocontrast/contrast/display"
	"golang.org/x/term"
)

// interruptContext returns a context cancelled by the first Ctrl-C
// (SIGINT); a second Ctrl-C exits at once with status 130.
func interruptContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
			fmt.Fprintln(os.Stderr, "\ninterrupted: finishing up (Ctrl-C again to quit at once)")
			cancel()
		case <-done:
			return
		}
		select {
		case <-ch:
			os.Exit(130)
		case <-done:
		}
	}()
	return ctx, func() { signal.Stop(ch); close(done); cancel() }
}

// termSink shows display output of command-line tools as text: progress
// bars redraw in place on a terminal and print at most every few seconds
// (and when done) elsewhere; other displays print their text/plain form.
type termSink struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	live  string // id of the bar drawn on the current line (tty)
	last  map[string]time.Time
	every time.Duration
}

func newTermSink(w io.Writer) *termSink {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &termSink{w: w, tty: tty, last: map[string]time.Time{}, every: 5 * time.Second}
}

func isProgress(meta map[string]any) (progress, done bool) {
	c, _ := meta["contrast"].(map[string]any)
	p, _ := c["progress"].(bool)
	d, _ := c["done"].(bool)
	return p, d
}

func (s *termSink) Display(b display.Bundle, meta map[string]any, id string) {
	s.show(b, meta, id)
}

func (s *termSink) Update(id string, b display.Bundle, meta map[string]any) {
	s.show(b, meta, id)
}

func (s *termSink) show(b display.Bundle, meta map[string]any, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	text := b.String(display.MIMEText)
	progress, done := isProgress(meta)
	if !progress {
		s.endLine()
		fmt.Fprintln(s.w, strings.TrimRight(text, "\n"))
		return
	}
	if s.tty {
		if s.live != "" && s.live != id {
			s.endLine()
		}
		fmt.Fprintf(s.w, "\r\x1b[K%s", text)
		s.live = id
		if done {
			s.endLine()
		}
		return
	}
	now := time.Now()
	if t, ok := s.last[id]; ok && !done && now.Sub(t) < s.every {
		return
	}
	s.last[id] = now
	fmt.Fprintln(s.w, text)
	if done {
		delete(s.last, id)
	}
}

// endLine finishes a bar drawn in place. s.mu is held.
func (s *termSink) endLine() {
	if s.live != "" {
		fmt.Fprintln(s.w)
		s.live = ""
	}
}

func (s *termSink) Clear(bool) {}
