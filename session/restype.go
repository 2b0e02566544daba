package session

import (
	"errors"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"strings"
)

// The trailing expression of a cell: its type (Result.Type), and whether
// its last value is a failure to report (Result.Err) rather than a value
// to show.

// ErrDisplay names the error of a trailing value that fails to render.
const ErrDisplay = "DisplayError"

// Kinds of trailing expressions, as the type checker sees them; each has
// its runtime support function (see runtimeSupport).
const (
	outPlain = "Out"      // its values are shown
	outErr   = "OutErr"   // a call whose last result is an error: a non-nil one fails the cell
	outGuess = "OutGuess" // types unknown: several values ending in a non-nil error fail the cell
)

// trailingKind decides which runtime support function receives the
// values of the trailing expression e, from the run's types (rt may be
// nil).
func trailingKind(rt *runTypes, e ast.Expr) string {
	if rt == nil {
		return outGuess
	}
	t := rt.typeOf(e)
	if t == nil {
		return outGuess
	}
	call, ok := unparen(e).(*ast.CallExpr)
	if !ok {
		return outPlain // a variable holding an error is a value to look at
	}
	var last types.Type
	switch t := t.(type) {
	case *types.Tuple:
		if t.Len() == 0 {
			return outPlain
		}
		last = t.At(t.Len() - 1).Type()
	default:
		last = t
	}
	if !types.Identical(last, types.Universe.Lookup("error").Type()) || makesError(rt, call) {
		return outPlain
	}
	return outErr
}

// makesError reports whether call constructs an error as its value
// (errors.New, fmt.Errorf, errors.Join, errors.Unwrap): a cell ending in
// one shows the error rather than failing.
func makesError(rt *runTypes, call *ast.CallExpr) bool {
	var id *ast.Ident
	switch f := unparen(call.Fun).(type) {
	case *ast.SelectorExpr:
		id = f.Sel
	case *ast.Ident:
		id = f
	default:
		return false
	}
	fn, ok := rt.info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil {
		return false
	}
	switch fn.Pkg().Path() {
	case "errors":
		return true
	case "fmt":
		return fn.Name() == "Errorf"
	}
	return false
}

// resultType writes the type of the trailing expression e as the user
// would ("*data.Dataset", "[]int", "(float64, error)"), "" when unknown
// or when e has no value. imports names the packages in scope.
func resultType(rt *runTypes, e ast.Expr, imports map[string]string) string {
	if rt == nil || e == nil {
		return ""
	}
	return typeText(rt.typeOf(e), imports)
}

// typeText writes t with the package names of imports (the package's own
// name for one not imported) and the cells' types unqualified.
func typeText(t types.Type, imports map[string]string) string {
	if t == nil {
		return ""
	}
	qual := func(p *types.Package) string {
		if p.Path() == cellPkgPath {
			return ""
		}
		best := ""
		for name, q := range imports {
			if q == p.Path() && (best == "" || name < best) {
				best = name
			}
		}
		if best != "" {
			return best
		}
		return p.Name()
	}
	switch tt := t.(type) {
	case *types.Tuple:
		if tt.Len() == 0 {
			return ""
		}
		if tt.Len() == 1 {
			return typeText(tt.At(0).Type(), imports)
		}
		parts := make([]string, tt.Len())
		for i := range parts {
			parts[i] = typeText(tt.At(i).Type(), imports)
		}
		return "(" + strings.Join(parts, ", ") + ")"
	case *types.Basic:
		if tt.Info()&types.IsUntyped != 0 {
			if tt.Kind() == types.UntypedNil {
				return "untyped nil"
			}
			t = types.Default(tt)
		}
	}
	return unrename(types.TypeString(unnamedParams(t), qual))
}

// unnamedParams drops the parameter and result names of func types in t,
// as Go's %T writes them: func(int, int) int.
func unnamedParams(t types.Type) types.Type {
	switch t := t.(type) {
	case *types.Signature:
		if t.TypeParams().Len() > 0 {
			return t
		}
		strip := func(tu *types.Tuple) *types.Tuple {
			vs := make([]*types.Var, tu.Len())
			for i := range vs {
				vs[i] = types.NewParam(token.NoPos, nil, "", unnamedParams(tu.At(i).Type()))
			}
			return types.NewTuple(vs...)
		}
		return types.NewSignatureType(nil, nil, nil, strip(t.Params()), strip(t.Results()), t.Variadic())
	case *types.Pointer:
		return types.NewPointer(unnamedParams(t.Elem()))
	case *types.Slice:
		return types.NewSlice(unnamedParams(t.Elem()))
	case *types.Array:
		return types.NewArray(unnamedParams(t.Elem()), t.Len())
	case *types.Map:
		return types.NewMap(unnamedParams(t.Key()), unnamedParams(t.Elem()))
	case *types.Chan:
		return types.NewChan(t.Dir(), unnamedParams(t.Elem()))
	}
	return t
}

// errorName names a failing error value by its dynamic type when that is
// an exported type of a compiled package ("*fs.PathError"), else "error".
func errorName(err error) string {
	t := reflect.TypeOf(err)
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if base.Name() == "" || !token.IsExported(base.Name()) || base.PkgPath() == "" ||
		strings.Contains(base.PkgPath(), "yaegi") || strings.Contains(base.PkgPath(), "/internal") ||
		strings.HasPrefix(base.PkgPath(), "internal/") {
		return "error"
	}
	return t.String()
}

// outValues is the work of the runtime support functions Out, OutErr and
// OutGuess: the cell's result, or its error.
func (s *Session) outValues(kind string, vs []any) {
	c := s.cell.Load()
	if c == nil {
		return
	}
	if n := len(vs); n > 0 && (kind == outErr || kind == outGuess && n > 1) {
		if err, ok := vs[n-1].(error); ok && err != nil && !isNilPointer(vs[n-1]) {
			c.fail(errorName(err), err.Error())
			return
		}
	}
	b, err := resultBundle(vs)
	if err != nil {
		// display.Of says "display: rendering T as PNG: ..." with T the
		// interpreter's wrapper for a cell's value: the value's own
		// error says what was wrong.
		if inner := errors.Unwrap(err); inner != nil && strings.HasPrefix(err.Error(), "display: rendering ") {
			err = inner
		}
		c.fail(ErrDisplay, err.Error())
		return
	}
	m := resultMetadata(vs)
	c.mu.Lock()
	c.value, c.meta = b, m
	c.mu.Unlock()
}

// isNilPointer reports whether v is a nil pointer (a typed nil in an
// interface): an error result that is one did not fail.
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// fail makes the cell fail with an error at its trailing expression.
// Message is the error's first line; the traceback has them all.
func (c *cellRun) fail(name, msg string) {
	lines := strings.Split(strings.TrimRight(msg, "\n"), "\n")
	short := lines[0]
	if len(lines) > 1 {
		short += " …"
	}
	tb := append([]string{name + ": " + lines[0]}, lines[1:]...)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.where != "" {
		tb = append(tb, "  at "+c.where)
	}
	c.err = &Error{Name: name, Message: short, Traceback: tb}
}
