package repl

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/session"
)

// fmtAlias is the name under which the REPL imports fmt into the session
// to ask for types, out of the way of the cell's own names.
const fmtAlias = "__contrast_repl_fmt"

// trailingExpr returns the source of the expression statement that ends
// code, if it does.
func trailingExpr(code string) (ast.Expr, string, bool) {
	lines := strings.Split(strings.TrimRight(code, " \t\n"), "\n")
	for k := 1; k <= len(lines); k++ {
		tail := strings.Join(lines[len(lines)-k:], "\n")
		src := "package p; func _() {\n" + tail + "\n}"
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		body := f.Decls[0].(*ast.FuncDecl).Body.List
		if len(body) == 0 {
			return nil, "", false
		}
		es, ok := body[len(body)-1].(*ast.ExprStmt)
		if !ok {
			return nil, "", false
		}
		start, end := fset.Position(es.X.Pos()).Offset, fset.Position(es.X.End()).Offset
		return es.X, src[start:end], true
	}
	return nil, "", false
}

// pure reports whether evaluating e again cannot have side effects: it
// holds no call (conversions included: they look alike) and no receive.
func pure(e ast.Node) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			ok = false
		case *ast.UnaryExpr:
			if x.Op == token.ARROW {
				ok = false
			}
		case *ast.FuncLit:
			return false // building a closure runs nothing
		}
		return ok
	})
	return ok
}

// typeQueries returns expressions that evaluate, without side effects, to
// the type of e as a string, to try in order; for a call, the first gives
// the type of the function (whose results are the answer) and the second
// the type converted to, when the "call" is a conversion. text returns the
// source of a node of e.
func typeQueries(e ast.Expr, text func(ast.Node) string) []string {
	typeOf := func(s string) string { return fmtAlias + `.Sprintf("%T", ` + s + `)` }
	if pure(e) {
		return []string{typeOf(text(e))}
	}
	call, ok := e.(*ast.CallExpr)
	if !ok || !pure(call.Fun) {
		return nil
	}
	fun := text(call.Fun)
	switch fun {
	case "len", "cap", "copy":
		return []string{`"int"`}
	case "append":
		if len(call.Args) > 0 && pure(call.Args[0]) {
			return []string{typeOf(text(call.Args[0]))}
		}
		return nil
	case "new":
		if len(call.Args) == 1 {
			return []string{typeOf("new(" + text(call.Args[0]) + ")")}
		}
		return nil
	case "make":
		if len(call.Args) > 0 {
			return []string{typeOf("*new(" + text(call.Args[0]) + ")")}
		}
		return nil
	}
	// *new(T) compiles only when fun is a type, and then evaluates nothing.
	return []string{typeOf(fun), typeOf("*new(" + fun + ")")}
}

// resultTypes takes a func type as %T prints it, "func(int) (string,
// error)", and returns its results, "(string, error)".
func resultTypes(ft string) string {
	if !strings.HasPrefix(ft, "func(") {
		return ft
	}
	depth := 0
	for i := 4; i < len(ft); i++ {
		switch ft[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return strings.TrimSpace(ft[i+1:])
			}
		}
	}
	return ""
}

// typer answers "what is the type of this expression" with the session.
type typer struct {
	imported bool // fmtAlias is imported into the session
}

// typeOf returns the type of code's trailing expression, evaluating only
// side-effect-free parts of it again. It returns "" when it cannot tell.
func (t *typer) typeOf(ctx context.Context, eng session.Engine, code string) string {
	e, src, ok := trailingExpr(code)
	if !ok {
		return ""
	}
	text := func(n ast.Node) string {
		start, end := int(n.Pos()-e.Pos()), int(n.End()-e.Pos())
		if start < 0 || end > len(src) || start > end {
			return ""
		}
		return src[start:end]
	}
	qs := typeQueries(e, text)
	if len(qs) == 0 {
		return ""
	}
	if !t.imported {
		if res := eng.Execute(ctx, `import `+fmtAlias+` "fmt"`, false); res.Err != nil {
			return ""
		}
		t.imported = true
	}
	for i, q := range qs {
		b, err := eng.Eval(ctx, q)
		if err != nil {
			continue
		}
		s, ok := unquote(b.String(display.MIMEText))
		if !ok {
			return ""
		}
		if _, isCall := e.(*ast.CallExpr); isCall && i == 0 && len(qs) == 2 {
			if !strings.HasPrefix(s, "func(") {
				continue // not a function value: try the conversion
			}
			return resultTypes(s)
		}
		return s
	}
	return ""
}

// unquote undoes the session's quoting of a string result.
func unquote(s string) (string, bool) {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '`') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1], true
	}
	return "", false
}
