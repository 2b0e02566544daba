package repl

import (
	"go/ast"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/session"
)

func TestScanComplete(t *testing.T) {
	cases := []struct {
		code, status, indent string
	}{
		{"x := 1", session.Complete, ""},
		{"", session.Complete, ""},
		{"func f() {", session.Incomplete, "\t"},
		{"func f() {\n\tif x {", session.Incomplete, "\t\t"},
		{"func f() {\n}", session.Complete, ""},
		{"f(1,", session.Incomplete, "\t"},
		{"x := 1 +", session.Incomplete, "\t"},
		{"s := `raw", session.Incomplete, ""},
		{"/* comment", session.Incomplete, ""},
		{`s := "open`, session.Invalid, ""},
		{"f())", session.Invalid, ""},
		{"x := []int{1, 2}", session.Complete, ""},
		{"x++", session.Complete, ""},
		{"// only a comment", session.Complete, ""},
	}
	for _, c := range cases {
		st, in := scanComplete(c.code)
		if st != c.status || in != c.indent {
			t.Errorf("scanComplete(%q) = %q, %q want %q, %q", c.code, st, in, c.status, c.indent)
		}
	}
}

func codes(chunks []chunk) []string {
	var out []string
	for _, c := range chunks {
		out = append(out, c.code)
	}
	return out
}

func TestSplitScriptCells(t *testing.T) {
	src := `package notes

// Setup.
import "fmt"

x := 2
func double(n int) int {
	return 2 * n
}

/* a comment
   over lines */
double(x)
if x > 1 {
	fmt.Println("big")
} else {
	fmt.Println("small")
}
`
	got := splitScript(src, scanComplete)
	want := []struct {
		code string
		line int
	}{
		{`import "fmt"`, 4},
		{"x := 2", 6},
		{"func double(n int) int {\n\treturn 2 * n\n}", 7},
		{"double(x)", 13},
		{"if x > 1 {\n\tfmt.Println(\"big\")\n} else {\n\tfmt.Println(\"small\")\n}", 14},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d cells %q want %d", len(got), codes(got), len(want))
	}
	for i, w := range want {
		if got[i].code != w.code || got[i].line != w.line {
			t.Errorf("cell %d: got %q at line %d want %q at line %d", i, got[i].code, got[i].line, w.code, w.line)
		}
	}
}

func TestSplitScriptProgram(t *testing.T) {
	src := "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n"
	got := splitScript(src, scanComplete)
	if len(got) != 2 || got[1].code != programMain+"()" || got[1].line != 5 || got[0].line != 1 {
		t.Fatalf("program: got %+v", got)
	}
	if !strings.HasPrefix(got[0].code, "            \n\nimport") || strings.Contains(got[0].code, "package") ||
		!strings.Contains(got[0].code, "func "+programMain+"() {") {
		t.Errorf("the package clause should be blanked keeping lines: %q", got[0].code)
	}
	// package main without func main is a script of cells.
	got = splitScript("package main\nx := 1\nx\n", scanComplete)
	if strings.Join(codes(got), "|") != "x := 1|x" {
		t.Errorf("package main without main: %q", codes(got))
	}
	// An incomplete cell at the end is run as it is (and fails there).
	got = splitScript("x := 1\nf(x,\n", scanComplete)
	if len(got) != 2 || got[1].code != "f(x," {
		t.Errorf("unfinished last cell: %q", codes(got))
	}
}

func TestTrailingExpr(t *testing.T) {
	cases := []struct{ code, want string }{
		{"x := 1\nx + 1", "x + 1"},
		{"f(a,\n  b)", "f(a,\n  b)"},
		{"x := 1", ""},
		{"func f() {}", ""},
		{"import \"fmt\"\nfmt.Sprint(1)", "fmt.Sprint(1)"},
		{"for {}\nm[\"k\"]", "m[\"k\"]"},
	}
	for _, c := range cases {
		_, got, ok := trailingExpr(c.code)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("trailingExpr(%q) = %q, %v want %q", c.code, got, ok, c.want)
		}
	}
	if got := resultTypes("func(int, string) (float64, error)"); got != "(float64, error)" {
		t.Errorf("resultTypes: %q", got)
	}
	if got := resultTypes("func(func(int) int) []int"); got != "[]int" {
		t.Errorf("resultTypes with a func parameter: %q", got)
	}
}

func TestTypeQueries(t *testing.T) {
	cases := []struct {
		expr string
		n    int // queries; 0 means the type cannot be had without side effects
	}{
		{"x", 1}, {"x.f[3] + y", 1}, {"f(x)", 2}, {"float64(x)", 2}, {"len(s)", 1},
		{"f(g(x))", 2}, {"<-ch", 0}, {"h()(x)", 0}, {"f(x)(y)", 0}, {"make([]int, 3)", 1}, {"func() {}", 1},
	}
	for _, c := range cases {
		e, src, ok := trailingExpr(c.expr)
		if !ok {
			t.Fatalf("%q is an expression", c.expr)
		}
		qs := typeQueries(e, func(n ast.Node) string { return src[n.Pos()-e.Pos() : n.End()-e.Pos()] })
		if len(qs) != c.n {
			t.Errorf("%q: %d queries %q want %d", c.expr, len(qs), qs, c.n)
		}
	}
}
