package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/display"
)

// Result.Type is the trailing expression's type as the user writes it.
func TestResultType(t *testing.T) {
	s := newSession(t, Options{})
	mustRun(t, s, "import r2 \"math/rand/v2\"\ntype point struct{ X, Y float64 }")
	for _, c := range []struct{ code, want string }{
		{"1+1", "int"},
		{"1.5 * 2", "float64"},
		{`"s" + "t"`, "string"},
		{"xs := []int{1}\nxs", "[]int"},
		{"d, _ := data.FashionMNIST()\nd", "*data.Dataset"},
		{"map[string]*data.Dataset{}", "map[string]*data.Dataset"},
		{"point{1, 2}", "point"},
		{"&point{}", "*point"},
		{`strconv.Atoi("12")`, "(int, error)"},
		{"r2.New(r2.NewPCG(1, 2))", "*r2.Rand"},
		{"var e error\ne", "error"},
		{"fmt.Println()", ""}, // shown for its output: no value
		{"x := 1", ""},
		{"func(x int) string { return \"\" }", "func(int) string"},
		{"[]func(a, b int) (q int, err error){}", "[]func(int, int) (int, error)"},
	} {
		r := s.Execute(context.Background(), c.code, true)
		if r.Err != nil {
			t.Errorf("%q: %v", c.code, r.Err)
			continue
		}
		if r.Type != c.want {
			t.Errorf("%q: Type %q want %q", c.code, r.Type, c.want)
		}
	}
	// A failing trailing call still has its type.
	r := s.Execute(context.Background(), `strconv.Atoi("x")`, true)
	if r.Err == nil || r.Type != "(int, error)" || r.Value != nil {
		t.Errorf("failing call: %+v, type %q, value %v", r.Err, r.Type, r.Value)
	}
}

// A trailing call whose last result is a non-nil error fails the cell;
// Eval (user_expressions) reports it too.
func TestTrailingErrorFailsCell(t *testing.T) {
	s := newSession(t, Options{})
	r := s.Execute(context.Background(), "import \"os\"\n\nf, err := os.Open(\"/nonexistent\")\nos.Open(\"/nonexistent\")", true)
	if r.Err == nil {
		t.Fatalf("no error: value %v", r.Value.String(display.MIMEText))
	}
	if r.Err.Name != "*fs.PathError" || r.Err.Message != "open /nonexistent: no such file or directory" {
		t.Errorf("error %q %q", r.Err.Name, r.Err.Message)
	}
	if want := "  at cell line 4"; len(r.Err.Traceback) != 2 || r.Err.Traceback[1] != want {
		t.Errorf("traceback %q, want its last line %q", r.Err.Traceback, want)
	}
	// The statements before it ran.
	if b := mustRun(t, s, "f == nil && err != nil").Value.String(display.MIMEText); b != "true" {
		t.Errorf("statements before the failing call: %s", b)
	}
	if _, e := s.Eval(context.Background(), `os.Open("/nonexistent")`); e == nil || e.Name != "*fs.PathError" {
		t.Errorf("Eval: %v", e)
	}
	if b, e := s.Eval(context.Background(), `os.Getpagesize() > 0`); e != nil || b.String(display.MIMEText) != "true" {
		t.Errorf("Eval: %v %v", b, e)
	}
}

func TestErrorName(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{errors.New("x"), "error"}, // *errors.errorString: unexported
		{fmt.Errorf("w: %w", io.EOF), "error"},
		{&fs.PathError{Op: "open", Path: "x", Err: io.EOF}, "*fs.PathError"},
		{&strconv.NumError{Func: "Atoi", Num: "x", Err: io.EOF}, "*strconv.NumError"},
	} {
		if got := errorName(c.err); got != c.want {
			t.Errorf("errorName(%T) = %q want %q", c.err, got, c.want)
		}
	}
}

// TypeOf types an expression without running it.
func TestTypeOf(t *testing.T) {
	s := newSession(t, Options{})
	mustRun(t, s, "counter := 0\nfunc bump() int { counter++; return counter }\ntype T struct{ N []float32 }")
	var _ Typer = s
	for code, want := range map[string]string{
		"bump()":                         "int",
		"T{}.N":                          "[]float32",
		"&T{}":                           "*T",
		`strconv.Atoi("1")`:              "(int, error)",
		"d, _ := data.FashionMNIST()\nd": "*data.Dataset",
		"import m \"math\"\nm.Sqrt(2)":   "float64",
		"x := 1":                         "",
		"undefinedName + 1":              "",
		"fmt.Println(":                   "",
	} {
		if got := s.TypeOf(code); got != want {
			t.Errorf("TypeOf(%q) = %q want %q", code, got, want)
		}
	}
	if v := mustRun(t, s, "counter").Value.String(display.MIMEText); v != "0" {
		t.Errorf("TypeOf ran the code: counter is %s", v)
	}
}

// A panic from a cell's value reaching compiled code unwrapped comes with
// advice.
func TestUnwrappedAdvice(t *testing.T) {
	for _, msg := range []string{
		"reflect: cannot use *struct { Xw *nn.Param } as type nn.Layer in Call",
		"reflect: Call using *struct { Xw *nn.Param } as type nn.Layer",
		"reflect.Set: value of type *struct { Xw *nn.Param } is not assignable to type nn.Layer",
	} {
		got := goPanicMessage(msg)
		if !strings.Contains(got, "var v nn.Layer = x") {
			t.Errorf("%q: got %q", msg, got)
		}
	}
}
