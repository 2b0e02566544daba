package session

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/display"
)

// When yaegi fails on a cell that Go's checker accepts, the error says
// so, with the cell line and advice (yaegi's own words in parentheses).
func TestExplainValidGoTheInterpreterCannotRun(t *testing.T) {
	s := newSession(t, Options{})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	runs, e := s.prepare("cell", "n := 1\nfunc f() {}\nm := n + 1")
	if e != nil {
		t.Fatal(e)
	}
	last := runs[len(runs)-1]
	got := s.explainCompileError(last, errors.New("the interpreter failed on this code: nil type"))
	want := "cell line 3: the interpreter (yaegi) cannot run this, although it is valid Go (nil type); it fails to infer or instantiate generic types here"
	if !strings.HasPrefix(got.Message, want) || got.Name != ErrCompile {
		t.Errorf("got  %q\nwant %q...", got.Message, want)
	}
	// A message with a position keeps it.
	file := s.in.FileSet().Position(last.src.Pos()).Filename
	got = s.explainCompileError(last, fmt.Errorf("%s:1:5: weird", file))
	if want := "cell line 1: the interpreter (yaegi) cannot run this, although it is valid Go (weird)"; !strings.HasPrefix(got.Message, want) {
		t.Errorf("got  %q\nwant %q...", got.Message, want)
	}
}

// The rewrites leave trivial cells alone: no type check of statements
// that declare nothing, no rewrite of a trailing expression (checked for
// its type, Result.Type).
func TestTrivialCellsAreNotTypeChecked(t *testing.T) {
	s := newSession(t, Options{})
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, code := range []string{"x = 3", "x++\ny = 2"} {
		s.seq++
		runs, _, err := parseCell(s.in.FileSet(), "cell1/cell.go", code)
		if err != nil {
			t.Fatal(err)
		}
		s.typecheckRuns(s.in.FileSet(), runs)
		for _, r := range runs {
			if r.types != nil {
				t.Errorf("%q was type-checked", code)
			}
		}
	}
	for _, code := range []string{"1+1", "fmt.Println(2)"} {
		s.seq++
		runs, _, err := parseCell(s.in.FileSet(), "cell1/cell.go", code)
		if err != nil {
			t.Fatal(err)
		}
		s.typecheckRuns(s.in.FileSet(), runs)
		for _, r := range runs {
			if r.types != nil && r.types.rewritable {
				t.Errorf("%q would be rewritten", code)
			}
		}
	}
	for _, code := range []string{"y := 1", "for i := range 3 {}", "min(1, 2)", "func f() {}"} {
		runs, _, err := parseCell(s.in.FileSet(), "cell1/cell.go", code)
		if err != nil {
			t.Fatal(err)
		}
		s.typecheckRuns(s.in.FileSet(), runs)
		if runs[0].types == nil {
			t.Errorf("%q was not type-checked", code)
		}
	}
}

// user_expressions (Eval) get the rewrites too.
func TestEvalModern(t *testing.T) {
	s := newSession(t, Options{})
	mustRun(t, s, "xs := []int{4, 2, 9}")
	for expr, want := range map[string]string{
		"max(xs[0], xs[1], 3)": "4",
		"min(1, 2.5)":          "1",
		"len(xs) + min(2, 7)":  "5",
	} {
		b, err := s.Eval(t.Context(), expr)
		if err != nil || b.String(display.MIMEText) != want {
			t.Errorf("Eval(%q) = %v, %v; want %s", expr, b, err, want)
		}
	}
}

// Regression: go/types crashed on a method whose receiver type an
// earlier cell declared, which left the model without the method and the
// rest of that cell's declarations.
func TestModelMethodsOfEarlierTypes(t *testing.T) {
	s := newSession(t, Options{})
	mustRun(t, s, "type box struct{ w, h float64 }")
	mustRun(t, s, "func (b box) Area() float64 { return b.w * b.h }\nfunc (b *box) Grow(k float64) { b.w *= k }\nvar unit = box{1, 1}")
	got := s.Complete("unit.", 5)
	for _, want := range []string{"Area", "Grow", "w", "h"} {
		if !has(got.Matches, want) {
			t.Errorf("unit.: %q missing from %v", want, got.Matches)
		}
	}
	// The same cell's other declarations are in the model too.
	if got := s.Complete("unit.Area().", 12); len(got.Matches) != 0 {
		t.Errorf("members of a float64: %v", got.Matches)
	}
	typesMu.Lock()
	_, ok := s.model.globals["unit"]
	typesMu.Unlock()
	if !ok {
		t.Error("unit is not in the model")
	}
}
