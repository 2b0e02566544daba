package session

import (
	"go/ast"
	"go/scanner"
	"go/token"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// The rewrites below change a cell's syntax tree before yaegi sees it.
// Every node they create takes a position inside the cell: yaegi resolves
// imported names by the file of a node's position.

var builtinFuncs = map[string]bool{
	"append": true, "cap": true, "clear": true, "close": true, "complex": true,
	"copy": true, "delete": true, "imag": true, "len": true, "make": true,
	"max": true, "min": true, "new": true, "panic": true, "print": true,
	"println": true, "real": true, "recover": true,
}

// rewriter guards go statements and marks the cell's goroutine.
type rewriter struct {
	consts map[string]bool // names that denote constants
	pkgs   map[string]bool // import names in scope
	n      int             // fresh-name counter
	made   map[*ast.GoStmt]bool
}

func ident(name string, pos token.Pos) *ast.Ident { return &ast.Ident{Name: name, NamePos: pos} }

func rtCall(fn string, pos token.Pos, args ...ast.Expr) *ast.CallExpr {
	return &ast.CallExpr{
		Fun:    &ast.SelectorExpr{X: ident(rtName, pos), Sel: ident(fn, pos)},
		Lparen: pos, Args: args, Rparen: pos,
	}
}

// guardGo rewrites every go statement under n so that a panic in the
// goroutine is recovered and reported instead of killing the process
// (yaegi re-panics in goroutines), and so that the goroutine's output is
// attributed to the cell that started it:
//
//	go f(x, 1)
//
// becomes
//
//	func() {
//		g, g0 := f, x // evaluated now, as go evaluates them
//		gt := __contrast.Go()
//		go func() {
//			__contrast.Enter(gt)
//			defer func() { __contrast.Exit(gt, recover()) }()
//			g(g0, 1)
//		}()
//	}()
//
// Constant arguments stay in place so that untyped constants keep their
// meaning; everything else is evaluated before the goroutine starts.
func (rw *rewriter) guardGo(n ast.Node) {
	if rw.made == nil {
		rw.made = map[*ast.GoStmt]bool{}
	}
	fix := func(list []ast.Stmt) {
		for i, s := range list {
			if g, ok := s.(*ast.GoStmt); ok && !rw.made[g] {
				list[i] = rw.goBlock(g)
			}
		}
	}
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.BlockStmt:
			fix(x.List)
		case *ast.CaseClause:
			fix(x.Body)
		case *ast.CommClause:
			fix(x.Body)
		case *ast.LabeledStmt:
			if g, ok := x.Stmt.(*ast.GoStmt); ok && !rw.made[g] {
				x.Stmt = rw.goBlock(g)
			}
		}
		return true
	})
}

// capture splits call into an assignment that evaluates its function and
// arguments now (nil when there is nothing to evaluate) and a call of the
// results, to be made later, as go and defer statements do.
func (rw *rewriter) capture(call *ast.CallExpr, pos token.Pos) (ast.Stmt, *ast.CallExpr) {
	rw.n++
	base := "__contrast_c" + strconv.Itoa(rw.n)
	var lhs, rhs []ast.Expr
	capture := func(e ast.Expr) ast.Expr {
		name := base + "_" + strconv.Itoa(len(lhs))
		lhs = append(lhs, ident(name, pos))
		rhs = append(rhs, e)
		return ident(name, pos)
	}
	fun := call.Fun
	switch f := unparen(call.Fun).(type) {
	case *ast.Ident:
		if !builtinFuncs[f.Name] {
			fun = capture(call.Fun)
		}
	case *ast.FuncLit:
		// A literal evaluates to a closure either way.
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); !ok || !rw.pkgs[x.Name] {
			fun = capture(call.Fun) // a method value binds its receiver now
		}
	default:
		fun = capture(call.Fun)
	}
	args := make([]ast.Expr, len(call.Args))
	for i, a := range call.Args {
		if rw.constant(a) {
			args[i] = a
		} else {
			args[i] = capture(a)
		}
	}
	inner := &ast.CallExpr{Fun: fun, Lparen: pos, Args: args, Ellipsis: call.Ellipsis, Rparen: pos}
	if len(lhs) == 0 {
		return nil, inner
	}
	return &ast.AssignStmt{Lhs: lhs, TokPos: pos, Tok: token.DEFINE, Rhs: rhs}, inner
}

func funcLit(pos token.Pos, body ...ast.Stmt) *ast.FuncLit {
	return &ast.FuncLit{
		Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{Opening: pos, Closing: pos}},
		Body: &ast.BlockStmt{Lbrace: pos, Rbrace: pos, List: body},
	}
}

func (rw *rewriter) goBlock(g *ast.GoStmt) ast.Stmt {
	pos := g.Go
	assign, inner := rw.capture(g.Call, pos)
	tok := ident("__contrast_t"+strconv.Itoa(rw.n), pos)
	recoverCall := &ast.CallExpr{Fun: ident("recover", pos), Lparen: pos, Rparen: pos}
	deferred := funcLit(pos, &ast.ExprStmt{X: rtCall("Exit", pos, ident(tok.Name, pos), recoverCall)})
	body := funcLit(pos,
		&ast.ExprStmt{X: rtCall("Enter", pos, ident(tok.Name, pos))},
		&ast.DeferStmt{Defer: pos, Call: &ast.CallExpr{Fun: deferred, Lparen: pos, Rparen: pos}},
		&ast.ExprStmt{X: inner},
	)
	ng := &ast.GoStmt{Go: pos, Call: &ast.CallExpr{Fun: body, Lparen: pos, Rparen: pos}}
	rw.made[ng] = true
	var list []ast.Stmt
	if assign != nil {
		list = append(list, assign)
	}
	list = append(list,
		&ast.AssignStmt{Lhs: []ast.Expr{tok}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{rtCall("Go", pos)}},
		ng)
	return iife(pos, list)
}

// iife is func() { list }(): at the global level, yaegi gives a block's
// variables one slot for all iterations of a loop, which closures would
// share; a function call gives each its own.
func iife(pos token.Pos, list []ast.Stmt) ast.Stmt {
	return &ast.ExprStmt{X: &ast.CallExpr{Fun: funcLit(pos, list...), Lparen: pos, Rparen: pos}}
}

// topDefers rewrites the defer statements of a statement run that are
// outside any function (at its top level or in its loops and blocks),
// which yaegi would keep on its global frame and run again after every
// later evaluation. Their function and arguments are evaluated at once, as
// Go does, and the call runs when the cell ends:
//
//	defer f.Close()   becomes   func() { c := f.Close; __contrast.Defer(func() { c() }) }()
func (rw *rewriter) topDefers(b *ast.BlockStmt) {
	if b == nil {
		return
	}
	fix := func(list []ast.Stmt) {
		for i, st := range list {
			d, ok := st.(*ast.DeferStmt)
			if !ok {
				continue
			}
			pos := d.Defer
			assign, inner := rw.capture(d.Call, pos)
			var stmts []ast.Stmt
			if assign != nil {
				stmts = append(stmts, assign)
			}
			stmts = append(stmts, &ast.ExprStmt{X: rtCall("Defer", pos, funcLit(pos, &ast.ExprStmt{X: inner}))})
			list[i] = iife(pos, stmts)
		}
	}
	ast.Inspect(b, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BlockStmt:
			fix(x.List)
		case *ast.CaseClause:
			fix(x.Body)
		case *ast.CommClause:
			fix(x.Body)
		}
		return true
	})
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// constant reports whether e may be evaluated late without changing the
// program: literals, known constants, package members and expressions of
// them.
func (rw *rewriter) constant(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		switch x.Name {
		case "nil", "true", "false", "iota":
			return true
		}
		return rw.consts[x.Name]
	case *ast.SelectorExpr:
		id, ok := x.X.(*ast.Ident)
		return ok && rw.pkgs[id.Name]
	case *ast.ParenExpr:
		return rw.constant(x.X)
	case *ast.UnaryExpr:
		return x.Op != token.AND && x.Op != token.ARROW && rw.constant(x.X)
	case *ast.BinaryExpr:
		return rw.constant(x.X) && rw.constant(x.Y)
	}
	return false
}

// constNames collects the names of every constant declared anywhere in n.
func constNames(n ast.Node, into map[string]bool) {
	ast.Inspect(n, func(n ast.Node) bool {
		if g, ok := n.(*ast.GenDecl); ok && g.Tok == token.CONST {
			for _, s := range g.Specs {
				for _, id := range s.(*ast.ValueSpec).Names {
					into[id.Name] = true
				}
			}
		}
		return true
	})
}

// quietCall reports whether e is a call made for its output, such as
// fmt.Println(x), whose results a cell should not show.
func quietCall(e ast.Expr, imports map[string]string) bool {
	c, ok := unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return false
	}
	name := sel.Sel.Name
	switch imports[x.Name] {
	case "fmt":
		return strings.HasPrefix(name, "Print") || strings.HasPrefix(name, "Fprint")
	case "log":
		return strings.HasPrefix(name, "Print") || strings.HasPrefix(name, "Fatal") || strings.HasPrefix(name, "Panic")
	}
	return false
}

// lineMarks puts __contrast.L(line) before each top-level statement of a
// run (and before its trailing expression e, if any), so that a traceback
// names the cell line that was running: yaegi only knows where each
// function starts. Statements inside loops and functions stay unmarked,
// which costs nothing where code runs hot. A run of one statement needs
// no mark.
func lineMarks(fset *token.FileSet, b *ast.BlockStmt, e ast.Expr) {
	if b == nil || len(b.List) == 0 {
		return
	}
	mark := func(pos token.Pos) ast.Stmt {
		line := fset.Position(pos).Line
		return &ast.ExprStmt{X: rtCall("L", pos, &ast.BasicLit{ValuePos: pos, Kind: token.INT, Value: strconv.Itoa(line)})}
	}
	if e == nil && len(b.List) == 1 {
		return
	}
	list := make([]ast.Stmt, 0, 2*len(b.List)+1)
	for _, st := range b.List {
		list = append(list, mark(st.Pos()), st)
	}
	if e != nil {
		list = append(list, mark(e.Pos()))
	}
	b.List = list
}

// withOut is the statements of b followed by __contrast.Out(e) (or the
// function named out, see trailingKind), which hands the values of the
// trailing expression e to the session.
func withOut(b *ast.BlockStmt, e ast.Expr, out string) *ast.BlockStmt {
	if out == "" {
		out = outGuess
	}
	return withExpr(b, rtCall(out, e.Pos(), e))
}

// withExpr is the statements of b followed by the expression statement e.
func withExpr(b *ast.BlockStmt, e ast.Expr) *ast.BlockStmt {
	pos := e.Pos()
	out := &ast.BlockStmt{Lbrace: pos, Rbrace: pos}
	if b != nil {
		out.Lbrace, out.Rbrace = b.Lbrace, b.Rbrace
		out.List = append(out.List, b.List...)
	}
	out.List = append(out.List, &ast.ExprStmt{X: e})
	return out
}

// renameMain renames a cell's func main, which yaegi would otherwise run
// after every later evaluation, and returns whether there was one: the
// session then calls it once, as running a program would.
func renameMain(f *ast.File) bool {
	found := false
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			fd.Name.Name = mainName
			found = true
		}
	}
	return found
}

const mainName = "__contrast_main"

// callMain is a statement run calling the renamed main.
func callMain(pos token.Pos) *ast.BlockStmt {
	return &ast.BlockStmt{Lbrace: pos, Rbrace: pos, List: []ast.Stmt{
		&ast.ExprStmt{X: &ast.CallExpr{Fun: ident(mainName, pos), Lparen: pos, Rparen: pos}},
	}}
}

// renameRedefinedTypes makes a redefinition of a global type take effect:
// yaegi v0.16.1 keeps the first definition of a named type. The new
// definition gets a fresh name and the old name becomes an alias of it:
//
//	type T struct{ N int }  // T already defined by an earlier cell
//
// becomes
//
//	type T__v1 struct{ N int }
//	type T = T__v1
func (s *Session) renameRedefinedTypes(f *ast.File) {
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		var aliases []ast.Spec
		for _, sp := range g.Specs {
			ts := sp.(*ast.TypeSpec)
			if ts.Assign.IsValid() || ts.TypeParams != nil || !s.know.has(ts.Name.Name) {
				continue
			}
			s.typeGen++
			orig, pos := ts.Name.Name, ts.Name.Pos()
			fresh := orig + "__v" + strconv.Itoa(s.typeGen)
			ts.Name = ident(fresh, pos)
			aliases = append(aliases, &ast.TypeSpec{Name: ident(orig, pos), Assign: pos, Type: ident(fresh, pos)})
		}
		if len(aliases) > 0 {
			g.Specs = append(g.Specs, aliases...)
			if !g.Lparen.IsValid() {
				g.Lparen, g.Rparen = g.TokPos, g.TokPos
			}
		}
	}
}

// renamedRE matches the names renameRedefinedTypes makes.
var renamedRE = regexp.MustCompile(`\b([A-Za-z_]\w*?)__v\d+\b`)

// unrename shows renamed types under the name the user wrote.
func unrename(s string) string {
	if !strings.Contains(s, "__v") {
		return s
	}
	return renamedRE.ReplaceAllString(s, "$1")
}

// wrapTypeSwitches puts a type switch that binds a variable (switch t :=
// v.(type)) and runs at the global level (outside any function) inside
// func() { ... }(): yaegi v0.16.1 fails to compile it there. Nothing a
// type switch declares outlives it, so the cell means the same.
func wrapTypeSwitches(b *ast.BlockStmt) {
	if b == nil {
		return
	}
	fix := func(list []ast.Stmt) {
		for i, st := range list {
			ts, ok := st.(*ast.TypeSwitchStmt)
			if !ok {
				continue
			}
			if _, binds := ts.Assign.(*ast.AssignStmt); !binds {
				continue
			}
			pos := ts.Pos()
			list[i] = &ast.ExprStmt{X: &ast.CallExpr{Fun: funcLit(pos, ts), Lparen: pos, Rparen: pos}}
		}
	}
	ast.Inspect(b, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit, *ast.TypeSwitchStmt:
			return false
		case *ast.BlockStmt:
			fix(x.List)
		case *ast.CaseClause:
			fix(x.Body)
		case *ast.CommClause:
			fix(x.Body)
		}
		return true
	})
}

// topReturn finds a return statement at the top level of a run (outside
// any function), which a cell cannot have.
func topReturn(b *ast.BlockStmt) *ast.ReturnStmt {
	var found *ast.ReturnStmt
	if b == nil {
		return nil
	}
	ast.Inspect(b, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if found == nil {
				found = x
			}
		}
		return found == nil
	})
	return found
}

// mainRefs rewrites the references of n to the cells' func main as
// references to its renamed self (see renameMain), so that a later cell
// can call main() again. Statement runs are parsed as the body of a func
// main of their own, to which go/parser resolves such a reference: left
// alone, main() would call that body, recursing without end. When no
// cell declared a func main (hasMain false), a reference is "undefined:
// main", reported in errs. Local names main (a var, a parameter) and
// fields, methods and labels named main are left alone.
func mainRefs(fset *token.FileSet, n ast.Node, hasMain bool, errs *scanner.ErrorList) {
	astutil.Apply(n, func(c *astutil.Cursor) bool {
		id, ok := c.Node().(*ast.Ident)
		if !ok || id.Name != "main" {
			return true
		}
		switch p := c.Parent().(type) {
		case *ast.SelectorExpr:
			if c.Name() == "Sel" {
				return true
			}
		case *ast.KeyValueExpr:
			if c.Name() == "Key" {
				return true // a struct field's key
			}
		case *ast.File, *ast.Field, *ast.LabeledStmt, *ast.BranchStmt, *ast.FuncDecl, *ast.TypeSpec,
			*ast.ValueSpec, *ast.ImportSpec:
			return true // the package clause, declarations and labels
		case *ast.AssignStmt:
			if p.Tok == token.DEFINE && c.Name() == "Lhs" {
				return true
			}
		}
		if id.Obj != nil && id.Obj.Kind != ast.Fun {
			return true // a local main
		}
		if hasMain {
			id.Name = mainName
		} else {
			errs.Add(fset.Position(id.Pos()), "undefined: main")
		}
		return true
	}, nil)
}

// parallelAssigns rewrites the assignments under n that assign several
// values at once when one of them is computed by a call, which yaegi
// v0.16.1 gets wrong: in a, b = x, f() it assigns f()'s value and
// zeroes a (p.x, p.y = x, x.Clone() in a method left p.x nil). Defining
// new variables is right, so
//
//	a, b = x, f()
//
// becomes
//
//	t0, t1 := x, f()
//	a = t0
//	b = t1
//
// with fresh names. Go evaluates the operands of index expressions and
// pointer indirections on the left before the right-hand side; the
// rewrite evaluates them after, which differs only when a call on the
// right changes them. When the left side reads a variable that it also
// assigns (i, xs[i] = ...), the variables are assigned last, so that
// xs[i] takes the old i as in Go. Assignments in the init and post
// statements of if, for and switch are left alone.
func (s *Session) parallelAssigns(n ast.Node) {
	fix := func(list []ast.Stmt) []ast.Stmt {
		var out []ast.Stmt
		for i, st := range list {
			as, ok := st.(*ast.AssignStmt)
			if !ok || !needsParallelFix(as) {
				if out != nil {
					out = append(out, st)
				}
				continue
			}
			if out == nil {
				out = append(make([]ast.Stmt, 0, len(list)+len(as.Lhs)), list[:i]...)
			}
			out = append(out, s.splitAssign(as)...)
		}
		if out == nil {
			return list
		}
		return out
	}
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.BlockStmt:
			x.List = fix(x.List)
		case *ast.CaseClause:
			x.Body = fix(x.Body)
		case *ast.CommClause:
			x.Body = fix(x.Body)
		case *ast.LabeledStmt:
			if as, ok := x.Stmt.(*ast.AssignStmt); ok && needsParallelFix(as) {
				pos := as.Pos()
				x.Stmt = &ast.BlockStmt{Lbrace: pos, List: s.splitAssign(as), Rbrace: pos}
			}
		}
		return true
	})
}

// needsParallelFix reports whether as is an assignment parallelAssigns
// rewrites.
func needsParallelFix(as *ast.AssignStmt) bool {
	if as.Tok != token.ASSIGN || len(as.Lhs) < 2 || len(as.Lhs) != len(as.Rhs) {
		return false
	}
	call := false
	for _, r := range as.Rhs {
		ast.Inspect(r, func(n ast.Node) bool {
			switch n.(type) {
			case *ast.CallExpr:
				call = true
			case *ast.FuncLit:
				return false
			}
			return !call
		})
	}
	return call
}

// splitAssign is the rewrite of one assignment (see parallelAssigns).
func (s *Session) splitAssign(as *ast.AssignStmt) []ast.Stmt {
	pos := as.Pos()
	s.fresh++
	base := "__contrast_p" + strconv.Itoa(s.fresh) + "_"
	temps := make([]ast.Expr, len(as.Lhs))
	for i := range temps {
		temps[i] = ident(base+strconv.Itoa(i), pos)
	}
	out := []ast.Stmt{&ast.AssignStmt{Lhs: temps, TokPos: as.TokPos, Tok: token.DEFINE, Rhs: as.Rhs}}
	assign := func(i int) {
		if id, ok := as.Lhs[i].(*ast.Ident); ok && id.Name == "_" {
			return
		}
		out = append(out, &ast.AssignStmt{Lhs: []ast.Expr{as.Lhs[i]}, TokPos: as.TokPos, Tok: token.ASSIGN,
			Rhs: []ast.Expr{ident(temps[i].(*ast.Ident).Name, pos)}})
	}
	if !readsAssigned(as.Lhs) {
		for i := range as.Lhs {
			assign(i)
		}
		return out
	}
	for i, l := range as.Lhs {
		if _, ok := l.(*ast.Ident); !ok {
			assign(i)
		}
	}
	for i, l := range as.Lhs {
		if _, ok := l.(*ast.Ident); ok {
			assign(i)
		}
	}
	return out
}

// readsAssigned reports whether an expression of lhs other than a plain
// name reads a name that lhs assigns (i, xs[i] = ...).
func readsAssigned(lhs []ast.Expr) bool {
	assigned := map[string]bool{}
	for _, l := range lhs {
		if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
			assigned[id.Name] = true
		}
	}
	uses := false
	for _, l := range lhs {
		if _, ok := l.(*ast.Ident); ok {
			continue
		}
		ast.Inspect(l, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && assigned[id.Name] {
				uses = true
			}
			return !uses
		})
	}
	return uses
}
