package session

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/display"
)

// Completion, inspection, completeness and history: the assistance front
// ends give while the user types.

func setupAssist(t *testing.T) *Session {
	t.Helper()
	s := newSession(t, Options{})
	mustRun(t, s, `import (
	"strings"
	"github.com/gocontrast/contrast/recipes/nn"
)

// Point is a point in the plane.
type Point struct {
	X, Y   float64
	label  string
}

// Norm1 is the L1 norm.
func (p Point) Norm1() float64 { return p.X + p.Y }

// Scale returns p scaled by k.
func (p *Point) Scale(k float64) { p.X *= k; p.Y *= k }

// Distance returns how far a is from the origin.
func Distance(a Point) float64 { return a.Norm1() }

const Limit = 10

pt := Point{X: 1, Y: 2}
ptr := &Point{X: 3}
var sb strings.Builder
tensor := nn.New(2, 3)
var anything any = Point{}
count := 42`)
	return s
}

func has(list []string, want string) bool {
	for _, s := range list {
		if s == want {
			return true
		}
	}
	return false
}

func TestComplete(t *testing.T) {
	s := setupAssist(t)
	cases := []struct {
		code   string // | marks the cursor
		want   []string
		absent []string
		start  int // -1: don't check
	}{
		{"Dis|", []string{"Distance"}, nil, 0},
		{"x := co|", []string{"count", "const", "continue", "copy", "complex128"}, []string{"Distance"}, 5},
		{"strings.Rep|", []string{"Repeat", "ReplaceAll"}, []string{"Join"}, 8},
		{"strings.|", []string{"Builder", "Join", "EqualFold"}, []string{"_Reader"}, 8},
		{"pt.|", []string{"X", "Y", "label", "Norm1", "Scale"}, nil, 3},
		{"pt.N|", []string{"Norm1"}, []string{"X"}, 3},
		{"ptr.|", []string{"X", "Norm1", "Scale"}, nil, -1},
		{"sb.Wr|", []string{"WriteString", "WriteByte"}, nil, -1},
		{"tensor.|", []string{"Rows", "Cols", "Shape", "Data", "Clone"}, nil, -1},
		{"nn.Ne|", []string{"New"}, nil, -1},
		{"display.Sh|", []string{"Show", "ShowID"}, nil, -1},
		{"fmt.|", []string{"Println"}, nil, -1}, // fmt is not imported: it would be auto-imported
		{"data.Fash|", []string{"FashionMNIST"}, nil, 5},
		{"rand.In|", []string{"IntN"}, nil, -1},    // rand is math/rand/v2 unless a member says otherwise
		{"template.Ne|", []string{"New"}, nil, -1}, // html/template or text/template: both offered
		{"d, _ := data.FashionMNIST()\nd.Lab|", []string{"Labels"}, nil, -1},
		{"fmtx.|", nil, []string{"Println"}, -1},            // no such package
		{"x := )\nstrconv.Ato|", []string{"Atoi"}, nil, -1}, // text that does not parse: by syntax
		{"newName := 1\nnewN|", []string{"newName"}, nil, -1},
		{`import "str|"`, []string{"strings", "strconv"}, nil, 8},
		{"import (\n\t\"math/ra|\"\n)", []string{"math/rand", "math/rand/v2"}, nil, -1},
		{"Distance(pt).|", nil, []string{"X"}, -1},
		{"strings.Repeat(\"a\", co|)", []string{"count"}, nil, -1},
	}
	for _, c := range cases {
		cursor := strings.Index(c.code, "|")
		code := strings.Replace(c.code, "|", "", 1)
		got := s.Complete(code, cursor)
		for _, w := range c.want {
			if !has(got.Matches, w) {
				t.Errorf("Complete(%q): %q missing from %v", c.code, w, got.Matches)
			}
		}
		for _, a := range c.absent {
			if has(got.Matches, a) {
				t.Errorf("Complete(%q): %q should not be offered", c.code, a)
			}
		}
		if c.start >= 0 && got.Start != c.start {
			t.Errorf("Complete(%q): start %d want %d", c.code, got.Start, c.start)
		}
		if got.End < cursor || len(got.Types) != len(got.Matches) {
			t.Errorf("Complete(%q): end %d, %d types for %d matches", c.code, got.End, len(got.Types), len(got.Matches))
		}
	}
	// The word under the cursor is replaced whole.
	got := s.Complete("Distxyz", 4)
	if got.Start != 0 || got.End != 7 {
		t.Errorf("replacement range: %d..%d want 0..7", got.Start, got.End)
	}
	// Types name the kind of each match.
	got = s.Complete("Dis", 3)
	if len(got.Types) == 0 || got.Types[0] != kindFunc {
		t.Errorf("kind of Distance: %v", got.Types)
	}
}

func TestInspect(t *testing.T) {
	s := setupAssist(t)
	cases := []struct {
		code string
		want []string
	}{
		{"Dist|ance(pt)", []string{"func Distance(a Point) float64", "how far a is from the origin", "declared in cell [1]"}},
		{"Distance(|", []string{"func Distance(a Point) float64"}},
		{"Poi|nt{}", []string{"type Point struct", "a point in the plane"}},
		{"pt.Nor|m1()", []string{"func (p Point) Norm1() float64", "L1 norm"}},
		{"cou|nt", []string{"count := 42", "type int, value 42"}},
		{"Lim|it", []string{"const Limit = 10"}},
		{"strings.Rep|eat", []string{"func Repeat(s string, count int) string"}},
		{"display.Sh|ow(1)", []string{"func Show(v any)", "richest MIME bundle"}},
		{"tensor.Ro|ws()", []string{"func (t *Tensor) Rows() int", "first dimension"}},
		{"nn.Ten|sor", []string{"type Tensor struct", "row-major"}},
		{"sb.WriteStr|ing", []string{"WriteString"}},
		{"le|n(x)", []string{"len"}},
		{"stri|ngs", []string{`package strings // import "strings"`}},
	}
	for _, c := range cases {
		cursor := strings.Index(c.code, "|")
		code := strings.Replace(c.code, "|", "", 1)
		got := s.Inspect(code, cursor, 0)
		if !got.Found {
			t.Errorf("Inspect(%q): not found", c.code)
			continue
		}
		text := got.Data.String(display.MIMEText)
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("Inspect(%q) = %q, lacks %q", c.code, text, w)
			}
		}
		if md := got.Data.String(display.MIMEMarkdown); !strings.HasPrefix(md, "```go\n") {
			t.Errorf("Inspect(%q): markdown %q", c.code, md)
		}
	}
	if got := s.Inspect("nothingHere", 3, 0); got.Found {
		t.Errorf("unknown name found: %v", got.Data)
	}
	// Detail 1 shows the source.
	got := s.Inspect("Distance", 2, 1)
	if text := got.Data.String(display.MIMEText); !strings.Contains(text, "return a.Norm1()") {
		t.Errorf("detail 1 lacks the body: %q", text)
	}
}

func TestIsComplete(t *testing.T) {
	s := newSession(t, Options{})
	cases := []struct {
		code, status, indent string
	}{
		{"x := 1", Complete, ""},
		{"", Complete, ""},
		{"func f() {", Incomplete, "\t"},
		{"func f() {\n\tif true {", Incomplete, "\t\t"},
		{"fmt.Println(\"a\",", Incomplete, "\t"},
		{"s := `raw\nstring", Incomplete, ""},
		{"x := 1 +", Incomplete, ""},
		{"/* open comment", Incomplete, ""},
		{"x := )", Invalid, ""},
		{"x := \"unterminated", Invalid, ""},
		{"func f() {}\nf()", Complete, ""},
		{"x := 1 1", Invalid, ""},
		{"import \"fmt\"\nfmt.Println(1)", Complete, ""},
	}
	for _, c := range cases {
		st, ind := s.IsComplete(c.code)
		if st != c.status || ind != c.indent {
			t.Errorf("IsComplete(%q) = %s %q, want %s %q", c.code, st, ind, c.status, c.indent)
		}
	}
}

func TestHistory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "history.jsonl")
	s, err := New(Options{HistoryFile: file})
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, s, "a := 1")
	mustRun(t, s, "a + 1")
	mustRun(t, s, "b := a * 10")
	s.Execute(t.Context(), "a + 100", false) // not stored
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := New(Options{HistoryFile: file})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	mustRun(t, s2, "c := 3")
	mustRun(t, s2, "a := 1")

	tail := s2.History("tail", 3, "", 0, 0, 0)
	if len(tail) != 3 || tail[0].Input != "b := a * 10" || tail[2].Input != "a := 1" || tail[2].Session != 2 {
		t.Errorf("tail 3: %+v", tail)
	}
	all := s2.History("tail", 0, "", 0, 0, 0)
	if len(all) != 5 {
		t.Errorf("whole history: %d entries, want 5", len(all))
	}
	if r := s2.History("range", 0, "", -1, 2, 3); len(r) != 1 || r[0].Input != "a + 1" || r[0].Output != "2" || r[0].Line != 2 {
		t.Errorf("range session -1 lines [2,3): %+v", r)
	}
	if r := s2.History("range", 0, "", 0, 1, 0); len(r) != 2 || r[0].Input != "c := 3" {
		t.Errorf("range of the current session: %+v", r)
	}
	if r := s2.History("range", 0, "", 1, 0, 0); len(r) != 3 {
		t.Errorf("range of session 1: %+v", r)
	}
	// Search: glob, most recent first kept, no repeats.
	if r := s2.History("search", 0, "a*", 0, 0, 0); len(r) != 2 || r[0].Input != "a + 1" || r[1].Input != "a := 1" || r[1].Session != 2 {
		t.Errorf("search a*: %+v", r)
	}
	if r := s2.History("search", 1, "*:=*", 0, 0, 0); len(r) != 1 || r[0].Input != "a := 1" {
		t.Errorf("search *:=* n=1: %+v", r)
	}
	if r := s2.History("search", 0, "[bc]*", 0, 0, 0); len(r) != 2 {
		t.Errorf("search [bc]*: %+v", r)
	}
	if r := s2.History("nonsense", 0, "", 0, 0, 0); r != nil {
		t.Errorf("unknown kind: %+v", r)
	}

	// A torn last line (a crash mid-write) is skipped, not fatal.
	f, _ := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"session":3,"line":1,"inp`)
	f.Close()
	s3, err := New(Options{HistoryFile: file})
	if err != nil {
		t.Fatalf("history with a torn line: %v", err)
	}
	if n := len(s3.History("tail", 0, "", 0, 0, 0)); n != 5 {
		t.Errorf("after a torn line: %d entries want 5", n)
	}
	s3.Close()
}

func TestHistoryCompaction(t *testing.T) {
	file := filepath.Join(t.TempDir(), "history.jsonl")
	var b strings.Builder
	for i := 0; i < 2*historyMax+10; i++ {
		b.WriteString(`{"session":1,"line":1,"input":"x"}` + "\n")
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{HistoryFile: file})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	data, _ := os.ReadFile(file)
	if n := strings.Count(string(data), "\n"); n != historyMax {
		t.Errorf("compacted file has %d lines, want %d", n, historyMax)
	}
}

// completeAt runs Complete on code with | marking the cursor.
func completeAt(s *Session, code string) Completion {
	cursor := strings.Index(code, "|")
	return s.Complete(strings.Replace(code, "|", "", 1), cursor)
}

// Regression: jupyter_kernel_test completes in text that imports the
// package itself, before any cell ran.
func TestCompleteUnexecutedText(t *testing.T) {
	s := setupAssist(t)
	cases := []struct {
		code   string
		first  string   // the first match, "" to skip
		want   []string // all present
		absent []string
	}{
		{"import \"strings\"\nstrings.ToUp|", "ToUpper", []string{"ToUpperSpecial"}, nil},
		{"import \"strings\"\nstrings.ToUp|per(\"x\")", "ToUpper", nil, nil},
		{"import (\n\t\"bytes\"\n)\nvar b bytes.Buffer\nb.Wri|", "Write", []string{"WriteString", "WriteByte"}, []string{"Len"}},
		{"import \"fmt\"\nfmt.Print|", "Print", []string{"Printf", "Println"}, []string{"Sprint"}},
		{"import \"slices\"\nslices.So|", "Sort", []string{"SortFunc", "Sorted"}, nil},
		// A variable the text declares, of a package type.
		{"r := strings.NewReader(\"x\")\nr.|", "", []string{"Len", "ReadByte", "Seek"}, []string{"ToUpper"}},
		// Locals and parameters, at any depth, in incomplete text.
		{"func f(alpha int, beta string) { al| }", "alpha", nil, nil},
		{"func f(alpha int, beta string) {\n\tfor i := range alpha {\n\t\tfmt.Println(i, be|", "beta", nil, nil},
		{"func f() {\n\tlater := 1\n}\nla|", "", nil, []string{"later"}},
		// Value and pointer receivers, fields, promoted members.
		{"pt.|", "", []string{"X", "Y", "label", "Norm1", "Scale"}, nil},
		{"ptr.|", "", []string{"X", "Norm1", "Scale"}, nil},
		{"type Labeled struct {\n\tPoint\n\tName string\n}\nvar l Labeled\nl.|", "", []string{"Name", "Point", "X", "Norm1", "Scale"}, nil},
		// Any expression with a known type, not only a chain of names.
		{"tensor.Clone().|", "", []string{"Rows", "Cols", "Clone"}, nil},
		{"var m map[string]Point\nm[\"a\"].|", "", []string{"X", "Norm1"}, nil},
		{"Distance(pt).|", "", nil, []string{"X"}}, // a float64
		{"x := []int{1}\nx.|", "", nil, []string{"Len"}},
	}
	for _, c := range cases {
		got := completeAt(s, c.code)
		if c.first != "" && (len(got.Matches) == 0 || got.Matches[0] != c.first) {
			t.Errorf("Complete(%q): first match of %v, want %q", c.code, got.Matches, c.first)
		}
		for _, w := range c.want {
			if !has(got.Matches, w) {
				t.Errorf("Complete(%q): %q missing from %v", c.code, w, got.Matches)
			}
		}
		for _, a := range c.absent {
			if has(got.Matches, a) {
				t.Errorf("Complete(%q): %q should not be offered", c.code, a)
			}
		}
		if len(got.Types) != len(got.Matches) {
			t.Errorf("Complete(%q): %d types for %d matches", c.code, len(got.Types), len(got.Matches))
		}
	}
	// The replaced range is the word at the cursor, after the dot.
	got := completeAt(s, "import \"strings\"\nstrings.ToUp|")
	if want := len("import \"strings\"\nstrings."); got.Start != want || got.End != want+4 {
		t.Errorf("range %d..%d, want %d..%d", got.Start, got.End, want, want+4)
	}
}

func TestCompleteRanking(t *testing.T) {
	s := setupAssist(t)
	mustRun(t, s, "Counter := 0\ncopyOf := 1")
	got := completeAt(s, "func f(coins int) {\n\tco|")
	// Exact-case prefix first, nearest first: the parameter, the globals,
	// builtins, then keywords; other-case prefixes last.
	want := []string{"coins", "copyOf", "count", "comparable", "complex", "complex128", "complex64", "copy", "const", "continue", "Counter"}
	if strings.Join(got.Matches, " ") != strings.Join(want, " ") {
		t.Errorf("ranking:\ngot  %v\nwant %v", got.Matches, want)
	}
	kinds := map[string]string{}
	for i, m := range got.Matches {
		kinds[m] = got.Types[i]
	}
	for name, kind := range map[string]string{"coins": kindVar, "copy": kindFunc, "const": kindKeyword, "complex128": kindType} {
		if kinds[name] != kind {
			t.Errorf("kind of %s: %q want %q", name, kinds[name], kind)
		}
	}
	// The jupyter_kernel_test samples.
	for code, want := range map[string]string{"pri|": "print println", "n := le|": "len", "zzzNoSuchName|": ""} {
		if got := strings.Join(completeAt(s, code).Matches, " "); got != want {
			t.Errorf("Complete(%q) = %q want %q", code, got, want)
		}
	}
}

func TestInspectUnexecutedText(t *testing.T) {
	s := setupAssist(t)
	cases := []struct{ code, want string }{
		{"import \"strings\"\nstrings.ToUp|per", "func ToUpper(s string) string"},
		{"import \"strings\"\nstrings.NewReader(\"\").Le|n()", "func (r *Reader) Len() int"},
		{"func f(alpha int) { al|pha++ }", "var alpha int"},
		{"pt.Sca|le(2)", "Scale returns p scaled by k."},
		{"pt.X|", "field X float64"},
		{"import \"slices\"\nslices.Sor|t(x)", "func Sort"},
		// A package nothing imports yet, named unambiguously.
		{"json.Mars|hal(v)", "func Marshal(v any) ([]byte, error)"},
	}
	for _, c := range cases {
		cursor := strings.Index(c.code, "|")
		got := s.Inspect(strings.Replace(c.code, "|", "", 1), cursor, 0)
		if text := got.Data.String(display.MIMEText); !got.Found || !strings.Contains(text, c.want) {
			t.Errorf("Inspect(%q) = %v %q, want it to contain %q", c.code, got.Found, text, c.want)
		}
	}
}

func TestHistorySearchRepeats(t *testing.T) {
	s := newSession(t, Options{})
	for _, c := range []string{"a := 1", "a + 1", "b := 2", "a + 1", "a * 3"} {
		mustRun(t, s, c)
	}
	var eng Engine = s
	hs, ok := eng.(HistorySearcher)
	if !ok {
		t.Fatal("*Session is not a HistorySearcher")
	}
	lines := func(es []HistoryEntry) (out []int) {
		for _, e := range es {
			out = append(out, e.Line)
		}
		return out
	}
	cases := []struct {
		pattern string
		n       int
		unique  bool
		want    []int
	}{
		{"a*", 0, false, []int{1, 2, 4, 5}},
		{"a*", 0, true, []int{1, 4, 5}},
		{"a + 1", 0, false, []int{2, 4}},
		{"a*", 2, false, []int{4, 5}},
		{"*", 1, true, []int{5}},
	}
	for _, c := range cases {
		if got := lines(hs.HistorySearch(c.pattern, c.n, c.unique)); !slices.Equal(got, c.want) {
			t.Errorf("HistorySearch(%q, %d, %v) lines %v want %v", c.pattern, c.n, c.unique, got, c.want)
		}
	}
	// History("search") keeps its unique behaviour.
	if got := lines(s.History("search", 0, "a*", 0, 0, 0)); !slices.Equal(got, []int{1, 4, 5}) {
		t.Errorf("History search: %v", got)
	}
}

func TestHelpPage(t *testing.T) {
	s := setupAssist(t)
	cases := []struct {
		code, want string
		value      string
	}{
		{"strings.Repeat?", "func Repeat(s string, count int) string", ""},
		{"?Distance", "how far a is from the origin", ""},
		{"Distance??", "return a.Norm1()", ""}, // the source
		{"import \"bytes\"\nbytes.NewBuffer?", "func NewBuffer(buf []byte) *Buffer", ""},
		{"sort.Ints?", "func Ints(x []int)", ""}, // nothing imports sort
		{"y := 41\ny++\ny?", "var", ""},
		{"noSuchThing?", "no documentation found for noSuchThing", ""},
	}
	for _, c := range cases {
		r := s.Execute(t.Context(), c.code, true)
		if r.Err != nil {
			t.Errorf("%q: %v", c.code, r.Err)
			continue
		}
		if page := r.Page.String(display.MIMEText); !strings.Contains(page, c.want) {
			t.Errorf("%q: page %q lacks %q", c.code, page, c.want)
		}
	}
	// The lines before the help request ran.
	if r := mustRun(t, s, "y"); r.Value.String(display.MIMEText) != "42" {
		t.Errorf("y = %v, want 42", r.Value)
	}
	// Question marks in strings and comments are not help requests.
	r := mustRun(t, s, "\"what?\"")
	if r.Page != nil || r.Value.String(display.MIMEText) != `"what?"` {
		t.Errorf("a string with a question mark: page %v value %v", r.Page, r.Value)
	}
}
