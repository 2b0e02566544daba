package repl

import (
	"context"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/display"
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

// :type types any expression, calls included, without running it.
func TestStaticType(t *testing.T) {
	eng, err := session.New(session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	res := eng.Execute(context.Background(), "n := 0\nfunc add(a, b int) int { n++; return a + b }", true)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	for code, want := range map[string]string{
		"add(1, 2)":            "int",
		"add":                  "func(int, int) int",
		`strconv.Atoi("1")`:    "(int, error)",
		"x := 1":               "",
		"add(":                 "",
		"[]string{\"a\"}[0:1]": "[]string",
	} {
		if got := staticType(eng, code); got != want {
			t.Errorf("staticType(%q) = %q want %q", code, got, want)
		}
	}
	if b, _ := eng.Eval(context.Background(), "n"); b.String(display.MIMEText) != "0" {
		t.Errorf(":type ran the code: n is %s", b.String(display.MIMEText))
	}
}
