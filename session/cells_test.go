package session

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gocontrast/contrast/display"
)

// The engine's behaviour as a folder of small cells with their expected
// output, in the manner of yaegi's _test programs. Each file in
// testdata/cells is a sequence of cells run in one session:
//
//	-- cell --
//	6*7
//	-- value --
//	42
//
// After a cell, these sections give what it must produce; an absent section
// means "nothing": stdout, stderr (the streams), value (text/plain of the
// result), mime (the result's MIME types, richest first; checked only when
// given), error (the traceback lines), display (one line per sink event:
// kind, MIME types, text/plain).

type cellCase struct {
	line     int
	code     string
	sections map[string]string
}

func parseCellFile(t *testing.T, name string) []cellCase {
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var cases []cellCase
	var cur *cellCase
	var sec string
	var body strings.Builder
	flush := func() {
		if cur == nil {
			return
		}
		text := strings.TrimSuffix(body.String(), "\n")
		if sec == "cell" {
			cur.code = text
		} else {
			cur.sections[sec] = text
		}
		body.Reset()
	}
	for i, line := range strings.SplitAfter(string(data), "\n") {
		l := strings.TrimRight(line, "\n")
		if strings.HasPrefix(l, "-- ") && strings.HasSuffix(l, " --") {
			flush()
			sec = strings.TrimSuffix(strings.TrimPrefix(l, "-- "), " --")
			if sec == "cell" {
				cases = append(cases, cellCase{line: i + 1, sections: map[string]string{}})
				cur = &cases[len(cases)-1]
			} else if cur == nil {
				t.Fatalf("%s:%d: section %q before any cell", name, i+1, sec)
			}
			switch sec {
			case "cell", "stdout", "stderr", "value", "mime", "error", "display":
			default:
				t.Fatalf("%s:%d: unknown section %q", name, i+1, sec)
			}
			continue
		}
		if cur != nil {
			body.WriteString(line)
		}
	}
	flush()
	return cases
}

// syncBuffer is a writer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.b.String()
	s.b.Reset()
	return out
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// recordSink records display events as lines.
type recordSink struct {
	mu     sync.Mutex
	events []string
}

func eventLine(kind string, b display.Bundle) string {
	return fmt.Sprintf("%s %v %s", kind, b.MIMETypes(), b.String(display.MIMEText))
}

func (r *recordSink) Display(b display.Bundle, _ map[string]any, _ string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, eventLine("display", b))
}

func (r *recordSink) Update(_ string, b display.Bundle, _ map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, eventLine("update", b))
}

func (r *recordSink) Clear(wait bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, fmt.Sprintf("clear %v", wait))
}

func (r *recordSink) take() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := strings.Join(r.events, "\n")
	r.events = nil
	return out
}

func TestCells(t *testing.T) {
	files, err := filepath.Glob("testdata/cells/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no cell files in testdata/cells")
	}
	sort.Strings(files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			cases := parseCellFile(t, file)
			var stdout, stderr syncBuffer
			sink := &recordSink{}
			s, err := New(Options{Stdout: &stdout, Stderr: &stderr, Sink: sink})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for _, c := range cases {
				res := s.Execute(context.Background(), c.code, true)
				got := map[string]string{
					"stdout":  stdout.take(),
					"stderr":  stderr.take(),
					"value":   res.Value.String(display.MIMEText),
					"display": sink.take(),
				}
				if res.Value != nil {
					got["mime"] = strings.Join(res.Value.MIMETypes(), " ")
				}
				if res.Err != nil {
					got["error"] = strings.Join(res.Err.Traceback, "\n")
				}
				for _, sec := range []string{"stdout", "stderr", "value", "mime", "error", "display"} {
					want, given := c.sections[sec]
					if sec == "mime" && !given {
						continue
					}
					if g := strings.TrimSuffix(got[sec], "\n"); g != want {
						t.Errorf("%s:%d: cell\n%s\n%s:\ngot  %q\nwant %q", file, c.line, c.code, sec, g, want)
					}
				}
			}
		})
	}
}
