package session

import (
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"go/types"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// Error names.
const (
	ErrCompile     = "CompileError" // the cell does not parse or type-check
	ErrPanic       = "panic"        // the cell panicked
	ErrInterrupted = "Interrupted"  // the cell was interrupted
	ErrExit        = "Exit"         // the cell called os.Exit
	ErrRuntime     = "Error"        // any other failure while running
)

// cellFileRE matches the file names the session gives cells:
// "cell12/cell.go" (the number is the evaluation's sequence number).
var cellFileRE = regexp.MustCompile(`^(?:cell|eval)(\d+)/cell\d*\.go$`)

// posRE matches "file:line:col: message".
var posRE = regexp.MustCompile(`^(\S+?):(\d+):(\d+): ?(.*)$`)

// where names a position for the user: "cell line 3" in the current cell,
// "cell [2] line 3" in an earlier one.
func (s *Session) where(file string, line int) string {
	if m := cellFileRE.FindStringSubmatch(file); m != nil {
		seq, _ := strconv.Atoi(m[1])
		if seq == s.seq {
			return fmt.Sprintf("cell line %d", line)
		}
		if name := s.tags.name(uint64(seq)); name != "" {
			return fmt.Sprintf("%s line %d", name, line)
		}
		return fmt.Sprintf("cell line %d", line)
	}
	return fmt.Sprintf("%s:%d", file, line)
}

// compileError turns parse and type errors into an Error whose lines name
// the cell's lines.
func (s *Session) compileError(err error) *Error {
	var lines []string
	var list scanner.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			lines = append(lines, s.where(e.Pos.Filename, e.Pos.Line)+": "+e.Msg)
		}
	} else {
		for _, l := range strings.Split(strings.TrimSpace(err.Error()), "\n") {
			lines = append(lines, s.locate(l))
		}
	}
	if len(lines) == 0 {
		lines = []string{err.Error()}
	}
	for i := range lines {
		lines[i] = s.suggest(unrename(s.locateWithin(lines[i])))
	}
	msg := lines[0]
	if len(lines) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(lines)-1)
	}
	tb := append([]string{ErrCompile + ": " + lines[0]}, lines[1:]...)
	return &Error{Name: ErrCompile, Message: msg, Traceback: tb}
}

// locate rewrites a leading "file:line:col: " as the cell position, and
// drops a bare "line:col: " (a position in the session's own interpreted
// sources, which means nothing to the user).
func (s *Session) locate(l string) string {
	if m := posRE.FindStringSubmatch(l); m != nil {
		line, _ := strconv.Atoi(m[2])
		return s.where(m[1], line) + ": " + s.locate(m[4])
	}
	return barePosRE.ReplaceAllString(l, "")
}

var barePosRE = regexp.MustCompile(`^\d+:\d+: `)

// innerPosRE matches a cell position inside a message, as in "previous
// declaration at cell14/cell.go:1:5".
var innerPosRE = regexp.MustCompile(`\b((?:cell|eval)\d+/cell\d*\.go):(\d+):(\d+)`)

// locateWithin rewrites cell positions inside a message.
func (s *Session) locateWithin(l string) string {
	return innerPosRE.ReplaceAllStringFunc(l, func(m string) string {
		sub := innerPosRE.FindStringSubmatch(m)
		line, _ := strconv.Atoi(sub[2])
		return s.where(sub[1], line)
	})
}

// runError turns an error from running a cell into an Error.
func (s *Session) runError(err error) *Error {
	var p interp.Panic
	if errors.As(err, &p) {
		lines := s.tags.takeLines(parseGoid(p.Stack))
		return s.panicError(p.Value, lines, "", int(s.line.Load()))
	}
	msg := s.locate(strings.TrimSpace(err.Error()))
	if strings.HasSuffix(msg, "variable definition loop") {
		// What varinit.go could not rewrite: a type it cannot write.
		msg += " (the interpreter cannot initialise a package-level var from a variable of an earlier cell: " +
			"declare it with its type, var x T, and assign it in a statement, x = ...)"
	}
	return &Error{Name: ErrRuntime, Message: msg, Traceback: []string{ErrRuntime + ": " + msg}}
}

// panicError describes a panic with value v; lines are yaegi's frames,
// innermost first. yaegi places each frame at the first statement of its
// function, so function frames are shown at their declaration and the
// cell's own frame at cellLine, the top-level statement that was running
// (0 when unknown).
func (s *Session) panicError(v any, lines []panicLine, prefix string, cellLine int) *Error {
	if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		v = rv.Interface()
	}
	if e, ok := v.(exitPanic); ok {
		return &Error{Name: ErrExit, Message: e.Error(), Traceback: []string{ErrExit + ": " + e.Error()}}
	}
	msg := goPanicMessage(unrename(panicMessage(v)))
	tb := []string{prefix + "panic: " + msg}
	for i, l := range lines {
		file, line := l.file, 0
		if j := strings.LastIndexByte(file, ':'); j >= 0 {
			line, _ = strconv.Atoi(file[j+1:])
			file = file[:j]
		}
		fn := strings.TrimPrefix(strings.TrimSuffix(l.text, "(...)"), "main.")
		switch {
		case fn == "main" || fn == "":
			if cellLine > 0 && i == len(lines)-1 {
				line = cellLine
			}
			tb = append(tb, "  at "+s.where(file, line))
		case fn == "func" || strings.HasSuffix(fn, ".func"):
			tb = append(tb, "  in a function literal ("+s.where(file, line)+")")
		default:
			if strings.HasPrefix(fn, mainName) {
				fn = "main" + strings.TrimPrefix(fn, mainName)
			}
			if d := s.know.declLine(fn); d > 0 {
				line = d
			}
			tb = append(tb, "  in "+unrename(fn)+" ("+s.where(file, line)+")")
		}
	}
	// Rewritten code can repeat a frame (a literal inside the session's
	// own closure): show it once.
	out := tb[:1]
	for _, l := range tb[1:] {
		if l != out[len(out)-1] {
			out = append(out, l)
		}
	}
	return &Error{Name: ErrPanic, Message: msg, Traceback: out}
}

// panicMessage formats a panic value as Go's runtime does: errors and
// Stringers by their text, strings as they are, other values with their
// type.
func panicMessage(v any) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprintf("%v (and formatting the value panicked: %v)", reflect.TypeOf(v), r)
		}
	}()
	if rv, ok := v.(reflect.Value); ok {
		// yaegi hands some panic values over as reflect.Values.
		if !rv.IsValid() || !rv.CanInterface() {
			return "nil"
		}
		v = rv.Interface()
	}
	switch x := v.(type) {
	case nil:
		return "nil"
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	case string:
		return x
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return fmt.Sprint(v)
	}
	return plusV(v)
}

// reflectPanics maps yaegi's panics (reflect's, as the interpreter works
// through it) to the runtime errors Go gives for the same mistake.
var reflectPanics = []struct{ prefix, msg string }{
	{"reflect: slice index out of range", "runtime error: index out of range"},
	{"reflect: array index out of range", "runtime error: index out of range"},
	{"reflect: string index out of range", "runtime error: index out of range"},
	{"reflect.Value.Slice: slice index out of bounds", "runtime error: slice bounds out of range"},
	{"reflect.Value.Slice3: slice index out of bounds", "runtime error: slice bounds out of range"},
	{"reflect: call of reflect.Value.Field on zero Value", nilDeref},
	{"reflect: call of reflect.Value.Interface on zero Value", nilDeref},
	{"reflect: call of reflect.Value.Elem on zero Value", nilDeref},
	{"reflect: Method on nil interface value", nilDeref},
	{"reflect: call of reflect.Value.Call on zero Value", nilDeref},
	{"reflect: call of nil function", nilDeref},
}

const nilDeref = "runtime error: invalid memory address or nil pointer dereference"

// unwrappedRE matches yaegi's panics when a value of a cell's type (an
// unnamed struct to reflect) reaches compiled code as an interface that
// the interpreter did not wrap it in.
var unwrappedRE = regexp.MustCompile(`^reflect(?:: cannot use|: Call using|\.Set: value of type) (\*?struct \{.*\}) (?:as type|is not assignable to type) (\S+)`)

// goPanicMessage says a panic as Go would.
func goPanicMessage(msg string) string {
	for _, p := range reflectPanics {
		if strings.HasPrefix(msg, p.prefix) {
			return p.msg
		}
	}
	if m := unwrappedRE.FindStringSubmatch(msg); m != nil {
		return "a value of a cell's type cannot reach compiled code as " + m[2] + " here (the interpreter did not wrap it in the interface): " +
			"assign it to a variable of that type first (var v " + m[2] + " = x) and pass v, or pass a slice ([]" + m[2] + "{x}...)"
	}
	// "cell15/cell.go:2:1: interface conversion: ...": the traceback
	// names the line.
	if m := posRE.FindStringSubmatch(msg); m != nil && cellFileRE.MatchString(m[1]) {
		msg = m[4]
	}
	return msg
}

func interrupted(extra string) *Error {
	msg := "the cell was interrupted"
	if extra != "" {
		msg += "; " + extra
	}
	return &Error{Name: ErrInterrupted, Message: msg, Traceback: []string{ErrInterrupted + ": " + msg}}
}

// explainCompileError describes yaegi's failure to compile run r. When Go
// itself (the session's go/types model) finds the run wrong, its errors
// are the ones a Go programmer knows and they are reported; when Go finds
// it right, the interpreter met something it cannot do, and the message
// says so, with advice where the failure is a known one.
func (s *Session) explainCompileError(r run, err error) *Error {
	fset := s.in.FileSet()
	rt := r.types
	if rt == nil {
		rt = s.recheck(r.index)
	}
	if rt != nil && len(rt.errs) > 0 && s.trustTypeErrors(rt.errs) {
		var list scanner.ErrorList
		for _, e := range rt.errs {
			list.Add(fset.Position(e.Pos), e.Msg)
		}
		return s.compileError(list)
	}
	e := s.compileError(err)
	if rt == nil || len(rt.errs) > 0 || strings.Contains(e.Message, ": undefined: ") {
		return e
	}
	// Valid Go the interpreter cannot run.
	what := strings.ReplaceAll(e.Message, "the interpreter failed on this code: ", "")
	where := s.runWhere(r)
	if m := cellWhereRE.FindStringSubmatch(what); m != nil {
		where, what = m[1], m[2]
	}
	msg := where + ": the interpreter (yaegi) cannot run this, although it is valid Go (" + what + "); " + limitAdvice(err.Error())
	tb := append([]string{ErrCompile + ": " + msg}, e.Traceback[1:]...)
	return &Error{Name: ErrCompile, Message: msg, Traceback: tb}
}

// cellWhereRE splits "cell line 3: message".
var cellWhereRE = regexp.MustCompile(`^(cell(?: \[\d+\])? line \d+(?:-\d+)?): (.*)$`)

// limitAdvice suggests a way around a known yaegi failure.
func limitAdvice(msg string) string {
	switch {
	case strings.Contains(msg, "undefined type for"), strings.Contains(msg, "nil reflect type"),
		strings.Contains(msg, "nil type"), strings.Contains(msg, "as type untyped"):
		return "it fails to infer or instantiate generic types here: write the type arguments (f[int](x)), or declare the variable with its type first (var x T; x = f(...))"
	case strings.Contains(msg, "generic"):
		return "generic code works only in simple cases: a non-generic helper function is the sure way"
	}
	return "see the limits in the session package's documentation for other ways to write it"
}

// runWhere names the cell lines of a run.
func (s *Session) runWhere(r run) string {
	var from, to token.Pos
	switch {
	case r.kind == declRun && r.file != nil && len(r.file.Decls) > 0:
		from, to = r.file.Decls[0].Pos(), r.file.Decls[len(r.file.Decls)-1].End()
	case r.block != nil && len(r.block.List) > 0:
		from, to = r.block.List[0].Pos(), r.block.List[len(r.block.List)-1].End()
		if r.expr != nil {
			to = r.expr.End()
		}
	case r.expr != nil:
		from, to = r.expr.Pos(), r.expr.End()
	default:
		return "cell"
	}
	fset := s.in.FileSet()
	a, b := fset.Position(from), fset.Position(to)
	if a.Line == b.Line {
		return s.where(a.Filename, a.Line)
	}
	return s.where(a.Filename, a.Line) + "-" + strconv.Itoa(b.Line)
}

// trustTypeErrors reports whether the model's errors can be believed: an
// "undefined" name that the session knows means the model missed it.
func (s *Session) trustTypeErrors(errs []types.Error) bool {
	for _, e := range errs {
		if name, ok := strings.CutPrefix(e.Msg, "undefined: "); ok && s.know.has(name) {
			return false
		}
	}
	return true
}

// recheck type-checks a fresh parse of run index of the cell being run
// (its earlier runs are in the model by now).
func (s *Session) recheck(index int) *runTypes {
	if s.cellCode == "" {
		return nil
	}
	fset := s.in.FileSet()
	runs, _, err := parseCell(fset, s.cellFile, s.cellCode)
	if err != nil {
		return nil
	}
	for i := range runs {
		if runs[i].index != index {
			continue
		}
		typesMu.Lock()
		defer typesMu.Unlock()
		sc := &checkScope{imports: s.imports, dots: s.dotImports}
		return s.model.checkRun(fset, sc, &runs[i], false)
	}
	return nil
}

// undefinedMemberRE matches go/types' report of a missing package member.
var undefinedMemberRE = regexp.MustCompile(`undefined: (\w+)\.(\w+)$`)

// suggest adds the closest member of the package to an "undefined:
// pkg.Name" message, as in "did you mean fmt.Println?".
func (s *Session) suggest(msg string) string {
	m := undefinedMemberRE.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	t := allTables()[s.imports[m[1]]]
	var names []string
	if t != nil {
		for n := range t.syms {
			if !strings.HasPrefix(n, "_") {
				names = append(names, n)
			}
		}
	} else if _, ok := genericSources[s.imports[m[1]]]; ok {
		typesMu.Lock()
		if p, err := importTypes(s.imports[m[1]]); err == nil {
			for _, n := range p.Scope().Names() {
				if token.IsExported(n) {
					names = append(names, n)
				}
			}
		}
		typesMu.Unlock()
	}
	sort.Strings(names)
	var best []string
	bestD := 3
	for _, n := range names {
		d := editDistance(strings.ToLower(n), strings.ToLower(m[2]))
		switch {
		case d < bestD:
			best, bestD = []string{m[1] + "." + n}, d
		case d == bestD && len(best) < 3:
			best = append(best, m[1]+"."+n)
		}
	}
	if len(best) == 0 {
		return msg
	}
	return msg + " (did you mean " + strings.Join(best, " or ") + "?)"
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
