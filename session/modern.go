package session

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/scanner"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Modern Go that yaegi v0.16.1 cannot run, rewritten before it sees the
// cell, with the types of the cell (typecheck.go):
//
//   - for i := range n (n an integer) becomes a three-clause loop over a
//     hidden counter, n evaluated once, i of n's type (int for a constant);
//   - for x := range seq (seq an iterator func) becomes a call of seq with
//     a yield func holding the body, break and continue turned into
//     return false and return true;
//   - min and max become calls of generic helpers instantiated with the
//     result's type, or the constant itself when all arguments are
//     constants; clear(x) a call of a compiled helper;
//   - a call of a generic function gets its type arguments written out
//     (yaegi infers them only in simple cases);
//   - x := f(...) at a cell's top level, where f is generic, becomes
//     var x T; x = f(...): yaegi fails on it;
//   - var x T = e among a cell's declarations becomes var x T, and x = e
//     in a statement run that follows, when e calls a generic function
//     (yaegi silently assigns zero) or reads a variable of an earlier
//     run (yaegi fails: "variable definition loop"); see varinit.go.
//
// A rewrite needs to write the types down: one that involves a type the
// cell cannot name (an unexported type, or one of a package it has not
// imported) is left undone, and yaegi's error, if any, comes with advice.

// Helpers that rewritten cells call, compiled into every interpreter.
const modernHelpers = `package main

type __contrast_ordered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string
}

func __contrast_min[T __contrast_ordered](x T, ys ...T) T {
	for _, y := range ys {
		if x != x {
			return x
		}
		if y != y || y < x {
			x = y
		}
	}
	return x
}

func __contrast_max[T __contrast_ordered](x T, ys ...T) T {
	for _, y := range ys {
		if x != x {
			return x
		}
		if y != y || y > x {
			x = y
		}
	}
	return x
}
`

// modernizer rewrites one type-checked run.
type modernizer struct {
	s    *Session
	rt   *runTypes
	errs scanner.ErrorList
	fset *token.FileSet
	// labelPre holds statements to put before a labeled statement whose
	// range loop was rewritten (see rangeInt); dropLabel the labels whose
	// loop became a call (see rangeFunc).
	labelPre  map[*ast.LabeledStmt][]ast.Stmt
	dropLabel map[*ast.LabeledStmt]bool
}

// fresh returns a new hidden name.
func (m *modernizer) fresh(base string) string {
	m.s.fresh++
	return "__contrast_" + base + strconv.Itoa(m.s.fresh)
}

func (m *modernizer) fail(pos token.Pos, msg string) {
	m.errs.Add(m.fset.Position(pos), msg)
}

// modernize rewrites run r in place; extra is a statement run to follow
// it (the initialisation of package-level vars moved out of r).
func (s *Session) modernize(fset *token.FileSet, r *run) (extra *run, err error) {
	if r.types == nil {
		return nil, nil
	}
	defer func() {
		if p := recover(); p != nil {
			extra, err = nil, fmt.Errorf("the session failed to rewrite this cell for the interpreter (%v): please report it with the cell", p)
		}
	}()
	if !r.types.rewritable {
		return nil, nil
	}
	m := &modernizer{s: s, rt: r.types, fset: fset, labelPre: map[*ast.LabeledStmt][]ast.Stmt{}, dropLabel: map[*ast.LabeledStmt]bool{}}
	switch r.kind {
	case declRun:
		extra = m.varInits(r.file)
		m.apply(r.file)
		if extra != nil {
			m.apply(extra.block)
		}
	default:
		if r.block != nil {
			m.genericDefines(r.block)
			m.apply(r.block)
		}
		if r.expr != nil {
			r.expr = m.apply(r.expr).(ast.Expr)
		}
	}
	if m.errs.Len() > 0 {
		return nil, m.errs
	}
	return extra, nil
}

// apply runs the expression and loop rewrites over n.
func (m *modernizer) apply(n ast.Node) ast.Node {
	return astutil.Apply(n, nil, func(c *astutil.Cursor) bool {
		switch x := c.Node().(type) {
		case *ast.CallExpr:
			m.call(c, x)
		case *ast.RangeStmt:
			m.rangeStmt(c, x)
		case *ast.LabeledStmt:
			if pre, ok := m.labelPre[x]; ok {
				c.Replace(&ast.BlockStmt{Lbrace: x.Pos(), List: append(pre, x), Rbrace: x.Pos()})
			} else if m.dropLabel[x] {
				c.Replace(x.Stmt)
			}
		}
		return true
	})
}

// builtin reports whether the call is of the builtin name.
func (m *modernizer) builtin(call *ast.CallExpr, name string) bool {
	id, ok := unparen(call.Fun).(*ast.Ident)
	if !ok || id.Name != name {
		return false
	}
	b, ok := m.rt.info.Uses[id].(*types.Builtin)
	return ok && b.Name() == name
}

func (m *modernizer) call(c *astutil.Cursor, call *ast.CallExpr) {
	switch {
	case m.builtin(call, "min"):
		m.minMax(c, call, "min")
	case m.builtin(call, "max"):
		m.minMax(c, call, "max")
	case m.builtin(call, "clear"):
		call.Fun = &ast.SelectorExpr{X: ident(rtName, call.Pos()), Sel: ident("Clear", call.Pos())}
	default:
		if e := m.ifaceConversion(call); e != nil {
			c.Replace(e)
			return
		}
		m.instantiate(call)
		m.variadicIface(call)
	}
}

// minMax replaces a call of the builtin min or max.
func (m *modernizer) minMax(c *astutil.Cursor, call *ast.CallExpr, name string) {
	pos := call.Pos()
	tv := m.rt.info.Types[call]
	if tv.Value != nil {
		if e, ok := m.constExpr(tv.Value, tv.Type, pos); ok {
			c.Replace(e)
			return
		}
	}
	if len(call.Args) == 1 {
		c.Replace(&ast.ParenExpr{Lparen: pos, X: call.Args[0], Rparen: pos})
		return
	}
	helper := ident("__contrast_"+name, pos)
	if t := m.rt.typeOf(call); t != nil {
		if te, ok := m.s.typeExpr(t, pos); ok {
			call.Fun = &ast.IndexExpr{X: helper, Lbrack: pos, Index: te, Rbrack: pos}
			return
		}
	}
	// The type cannot be written: let yaegi infer it from the first
	// argument, which must then be typed.
	var typed, untyped []ast.Expr
	for _, a := range call.Args {
		if tv := m.rt.info.Types[a]; tv.Value != nil && isUntyped(tv.Type) {
			untyped = append(untyped, a)
		} else {
			typed = append(typed, a)
		}
	}
	call.Fun = helper
	call.Args = append(typed, untyped...)
}

func isUntyped(t types.Type) bool {
	b, ok := t.(*types.Basic)
	return ok && b.Info()&types.IsUntyped != 0
}

// constExpr writes a constant of type t (untyped: a literal of the right
// kind; typed: a conversion of one).
func (m *modernizer) constExpr(v constant.Value, t types.Type, pos token.Pos) (ast.Expr, bool) {
	b, _ := t.Underlying().(*types.Basic)
	if b == nil {
		return nil, false
	}
	var lit *ast.BasicLit
	switch {
	case b.Info()&types.IsString != 0:
		lit = &ast.BasicLit{ValuePos: pos, Kind: token.STRING, Value: strconv.Quote(constant.StringVal(v))}
	case b.Kind() == types.UntypedRune:
		r, _ := constant.Int64Val(constant.ToInt(v))
		lit = &ast.BasicLit{ValuePos: pos, Kind: token.CHAR, Value: strconv.QuoteRune(rune(r))}
	case b.Info()&types.IsInteger != 0:
		lit = &ast.BasicLit{ValuePos: pos, Kind: token.INT, Value: constant.ToInt(v).ExactString()}
	case b.Info()&types.IsFloat != 0:
		f, _ := constant.Float64Val(constant.ToFloat(v))
		s := strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		lit = &ast.BasicLit{ValuePos: pos, Kind: token.FLOAT, Value: s}
	default:
		return nil, false
	}
	if b.Info()&types.IsUntyped != 0 {
		return lit, true
	}
	te, ok := m.s.typeExpr(t, pos)
	if !ok {
		return nil, false
	}
	return &ast.CallExpr{Fun: te, Lparen: pos, Args: []ast.Expr{lit}, Rparen: pos}, true
}

// instantiate writes out the type arguments of a call of a generic
// function.
func (m *modernizer) instantiate(call *ast.CallExpr) {
	fun := unparen(call.Fun)
	var id *ast.Ident
	given := 0
	switch f := fun.(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	case *ast.IndexExpr:
		id, given = funcIdent(f.X), 1
	case *ast.IndexListExpr:
		id, given = funcIdent(f.X), len(f.Indices)
	}
	if id == nil {
		return
	}
	inst, ok := m.rt.info.Instances[id]
	if !ok || inst.TypeArgs.Len() <= given {
		return
	}
	if _, isFunc := inst.Type.(*types.Signature); !isFunc {
		return // a generic type's conversion
	}
	pos := call.Pos()
	args := make([]ast.Expr, inst.TypeArgs.Len())
	for i := range args {
		te, ok := m.s.typeExpr(inst.TypeArgs.At(i), pos)
		if !ok {
			return
		}
		args[i] = te
	}
	x := fun
	switch f := fun.(type) {
	case *ast.IndexExpr:
		x = f.X
	case *ast.IndexListExpr:
		x = f.X
	}
	if len(args) == 1 {
		call.Fun = &ast.IndexExpr{X: x, Lbrack: pos, Index: args[0], Rbrack: pos}
	} else {
		call.Fun = &ast.IndexListExpr{X: x, Lbrack: pos, Indices: args, Rbrack: pos}
	}
}

func funcIdent(e ast.Expr) *ast.Ident {
	switch f := unparen(e).(type) {
	case *ast.Ident:
		return f
	case *ast.SelectorExpr:
		return f.Sel
	}
	return nil
}

// rangeStmt rewrites a range over an integer or over a function.
func (m *modernizer) rangeStmt(c *astutil.Cursor, rs *ast.RangeStmt) {
	t := m.rt.typeOf(rs.X)
	if t == nil {
		return
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		if u.Info()&types.IsInteger != 0 {
			m.rangeInt(c, rs)
		}
	case *types.Signature:
		m.rangeFunc(c, rs, u)
	}
}

// rangeInt rewrites for i := range n as
//
//	for __i, __n := T(0), n; __i < __n; __i++ { i := __i; body }
//
// (T n's type, int for a constant), or, when the cell cannot name T, with
// n-n for T(0) where n is simple enough to evaluate twice, and otherwise
// as
//
//	{ __n := n; for __i := __n-__n; __i < __n; __i++ { i := __i; body } }
//
// The body gets its own i (as Go 1.22 has it); when the body neither
// assigns i nor refers to it from a closure, i is the counter itself.
func (m *modernizer) rangeInt(c *astutil.Cursor, rs *ast.RangeStmt) {
	pos := rs.For
	n := ident(m.fresh("n"), pos)
	key, _ := rs.Key.(*ast.Ident)
	if key != nil && key.Name == "_" {
		key = nil
	}
	counter := ident(m.fresh("i"), pos)
	direct := key != nil && rs.Tok == token.DEFINE && !assignsOrCaptures(rs.Body, key.Name)
	if direct {
		counter = ident(key.Name, key.Pos())
	}
	zero := func(x ast.Expr) ast.Expr {
		return &ast.BinaryExpr{X: x, OpPos: pos, Op: token.SUB, Y: x}
	}
	body := rs.Body
	if key != nil && !direct {
		tok := token.DEFINE
		if rs.Tok == token.ASSIGN {
			tok = token.ASSIGN
		}
		body = &ast.BlockStmt{Lbrace: rs.Body.Lbrace, Rbrace: rs.Body.Rbrace,
			List: append([]ast.Stmt{&ast.AssignStmt{Lhs: []ast.Expr{rs.Key}, TokPos: pos, Tok: tok, Rhs: []ast.Expr{ident(counter.Name, pos)}}}, rs.Body.List...)}
	}
	loop := &ast.ForStmt{For: pos, Body: body,
		Cond: &ast.BinaryExpr{X: ident(counter.Name, pos), OpPos: pos, Op: token.LSS, Y: ident(n.Name, pos)},
		Post: &ast.IncDecStmt{X: ident(counter.Name, pos), TokPos: pos, Tok: token.INC},
	}
	// Without a block if possible: yaegi mixes up the variables of loops
	// in blocks at a cell's top level with those of earlier cells.
	var start ast.Expr
	if t := m.rt.typeOf(rs.X); t != nil {
		if isUntyped(t) {
			start = &ast.BasicLit{ValuePos: pos, Kind: token.INT, Value: "0"}
		} else if te, ok := m.s.typeExpr(t, pos); ok {
			start = &ast.CallExpr{Fun: te, Lparen: pos, Args: []ast.Expr{&ast.BasicLit{ValuePos: pos, Kind: token.INT, Value: "0"}}, Rparen: pos}
		}
	}
	if start == nil && simpleExpr(rs.X) {
		start = zero(rs.X)
	}
	if start != nil {
		loop.Init = &ast.AssignStmt{Lhs: []ast.Expr{counter, n}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{start, rs.X}}
		c.Replace(loop)
		return
	}
	loop.Init = &ast.AssignStmt{Lhs: []ast.Expr{counter}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{zero(ident(n.Name, pos))}}
	pre := &ast.AssignStmt{Lhs: []ast.Expr{n}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{rs.X}}
	if l, ok := c.Parent().(*ast.LabeledStmt); ok {
		m.labelPre[l] = []ast.Stmt{pre}
		c.Replace(loop)
		return
	}
	c.Replace(&ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{pre, loop}, Rbrace: pos})
}

// simpleExpr reports whether evaluating e twice is as good as once: a
// constant, a variable, a field of one.
func simpleExpr(e ast.Expr) bool {
	switch x := unparen(e).(type) {
	case *ast.BasicLit, *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return simpleExpr(x.X)
	case *ast.UnaryExpr:
		return x.Op == token.SUB && simpleExpr(x.X)
	case *ast.BinaryExpr:
		return simpleExpr(x.X) && simpleExpr(x.Y)
	}
	return false
}

// assignsOrCaptures reports whether body assigns to name, takes its
// address, or mentions it inside a function literal.
func assignsOrCaptures(body ast.Node, name string) bool {
	found := false
	is := func(e ast.Expr) bool {
		id, ok := unparen(e).(*ast.Ident)
		return ok && id.Name == name
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		switch x := n.(type) {
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				found = found || is(l)
			}
		case *ast.IncDecStmt:
			found = is(x.X)
		case *ast.UnaryExpr:
			found = x.Op == token.AND && is(x.X)
		case *ast.RangeStmt:
			found = (x.Key != nil && is(x.Key)) || (x.Value != nil && is(x.Value))
		case *ast.FuncLit:
			ast.Inspect(x.Body, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && id.Name == name {
					found = true
				}
				return !found
			})
			return false
		}
		return !found
	})
	return found
}

// rangeFunc rewrites a range over an iterator function,
//
//	for k, v := range seq { body }
//
// as
//
//	seq(func(k K, v V) bool { body; return true })
//
// with break as return false and continue as return true. A body that
// returns, jumps with goto, defers, or breaks out of an outer statement
// cannot be written so: that is an error with advice.
func (m *modernizer) rangeFunc(c *astutil.Cursor, rs *ast.RangeStmt, sig *types.Signature) {
	pos := rs.For
	if sig.Params().Len() != 1 || sig.Results().Len() != 0 {
		return
	}
	yield, ok := sig.Params().At(0).Type().Underlying().(*types.Signature)
	if !ok || yield.Results().Len() != 1 {
		return
	}
	var label string
	if l, ok := c.Parent().(*ast.LabeledStmt); ok {
		label = l.Label.Name
	}
	if bad, why := m.yieldBody(rs.Body, label); bad != nil {
		m.fail(bad.Pos(), "range over a function (an iterator): "+why+
			"; the interpreter runs such a loop as a call of the iterator with the loop body as its yield func. "+
			"Collect the values first (slices.Collect(seq)) and range over the slice, or move the loop into a func")
		return
	}
	vars := []ast.Expr{rs.Key, rs.Value}
	params := &ast.FieldList{Opening: pos, Closing: pos}
	var assigns []ast.Stmt
	for i := 0; i < yield.Params().Len(); i++ {
		te, ok := m.s.typeExpr(yield.Params().At(i).Type(), pos)
		if !ok {
			m.fail(rs.X.Pos(), "range over a function (an iterator) whose values are of type "+
				types.TypeString(yield.Params().At(i).Type(), nil)+", which this cell cannot name (import its package)")
			return
		}
		name := "_"
		if i < len(vars) && vars[i] != nil {
			if id, ok := vars[i].(*ast.Ident); ok && rs.Tok == token.DEFINE {
				name = id.Name
			} else {
				name = m.fresh("v")
				assigns = append(assigns, &ast.AssignStmt{Lhs: []ast.Expr{vars[i]}, TokPos: pos, Tok: token.ASSIGN, Rhs: []ast.Expr{ident(name, pos)}})
			}
		}
		params.List = append(params.List, &ast.Field{Names: []*ast.Ident{ident(name, pos)}, Type: te})
	}
	body := append(assigns, rs.Body.List...)
	body = append(body, &ast.ReturnStmt{Return: rs.Body.Rbrace, Results: []ast.Expr{ident("true", rs.Body.Rbrace)}})
	fn := &ast.FuncLit{
		Type: &ast.FuncType{Func: pos, Params: params, Results: &ast.FieldList{List: []*ast.Field{{Type: ident("bool", pos)}}}},
		Body: &ast.BlockStmt{Lbrace: rs.Body.Lbrace, List: body, Rbrace: rs.Body.Rbrace},
	}
	call := &ast.ExprStmt{X: &ast.CallExpr{Fun: rs.X, Lparen: pos, Args: []ast.Expr{fn}, Rparen: pos}}
	if l, ok := c.Parent().(*ast.LabeledStmt); ok {
		// The label has no loop left to name: the break and continue
		// statements that used it are returns now.
		m.dropLabel[l] = true
	}
	c.Replace(call)
}

// yieldBody turns the break and continue statements of a range-over-func
// body that leave or continue the loop into returns, and finds what
// cannot be turned (returned as bad, with the reason).
func (m *modernizer) yieldBody(body *ast.BlockStmt, label string) (bad ast.Node, why string) {
	// First find what cannot be done, then change.
	ast.Inspect(body, func(n ast.Node) bool {
		if bad != nil {
			return false
		}
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			bad, why = x, "its body returns"
		case *ast.DeferStmt:
			bad, why = x, "its body defers a call"
		case *ast.BranchStmt:
			switch {
			case x.Tok == token.GOTO:
				bad, why = x, "its body uses goto"
			case x.Label != nil && x.Label.Name != label && !labelInside(body, x.Label.Name):
				bad, why = x, x.Tok.String()+" "+x.Label.Name+" leaves the loop for an outer statement"
			}
		}
		return bad == nil
	})
	if bad != nil {
		return bad, why
	}
	// Now replace: a statement list walker that knows the nesting.
	var fix func(list []ast.Stmt, loops, breakables int)
	var fixStmt func(s ast.Stmt, loops, breakables int) ast.Stmt
	fixStmt = func(s ast.Stmt, loops, breakables int) ast.Stmt {
		switch x := s.(type) {
		case *ast.BranchStmt:
			own := x.Label != nil && x.Label.Name == label
			switch {
			case x.Tok == token.BREAK && (own || x.Label == nil && breakables == 0):
				return &ast.ReturnStmt{Return: x.Pos(), Results: []ast.Expr{ident("false", x.Pos())}}
			case x.Tok == token.CONTINUE && (own || x.Label == nil && loops == 0):
				return &ast.ReturnStmt{Return: x.Pos(), Results: []ast.Expr{ident("true", x.Pos())}}
			}
		case *ast.BlockStmt:
			fix(x.List, loops, breakables)
		case *ast.IfStmt:
			fix(x.Body.List, loops, breakables)
			if x.Else != nil {
				x.Else = fixStmt(x.Else, loops, breakables)
			}
		case *ast.LabeledStmt:
			x.Stmt = fixStmt(x.Stmt, loops, breakables)
		case *ast.ForStmt:
			fix(x.Body.List, loops+1, breakables+1)
		case *ast.RangeStmt:
			fix(x.Body.List, loops+1, breakables+1)
		case *ast.SwitchStmt:
			for _, cc := range x.Body.List {
				fix(cc.(*ast.CaseClause).Body, loops, breakables+1)
			}
		case *ast.TypeSwitchStmt:
			for _, cc := range x.Body.List {
				fix(cc.(*ast.CaseClause).Body, loops, breakables+1)
			}
		case *ast.SelectStmt:
			for _, cc := range x.Body.List {
				fix(cc.(*ast.CommClause).Body, loops, breakables+1)
			}
		}
		return s
	}
	fix = func(list []ast.Stmt, loops, breakables int) {
		for i, s := range list {
			list[i] = fixStmt(s, loops, breakables)
		}
	}
	fix(body.List, 0, 0)
	return nil, ""
}

// labelInside reports whether body declares label.
func labelInside(body ast.Node, label string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok && l.Label.Name == label {
			found = true
		}
		return !found
	})
	return found
}

// genericCall reports whether e calls a generic function (or min or max,
// which become generic helpers) outside any function literal.
func (m *modernizer) genericCall(e ast.Node) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.Ident:
			if _, ok := m.rt.info.Instances[x]; ok {
				found = true
			}
		case *ast.CallExpr:
			if m.builtin(x, "min") || m.builtin(x, "max") {
				if m.rt.info.Types[x].Value == nil {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// typedDecl declares the names of lhs that def reports as new, with
// their types; ok is false when a type cannot be written.
func (m *modernizer) typedDecl(pos token.Pos, names []*ast.Ident) (*ast.DeclStmt, bool) {
	g := &ast.GenDecl{TokPos: pos, Tok: token.VAR}
	for _, id := range names {
		o := m.rt.info.Defs[id]
		if o == nil {
			continue
		}
		te, ok := m.s.typeExpr(o.Type(), pos)
		if !ok {
			return nil, false
		}
		g.Specs = append(g.Specs, &ast.ValueSpec{Names: []*ast.Ident{ident(id.Name, id.Pos())}, Type: te})
	}
	if len(g.Specs) == 0 {
		return nil, true
	}
	if len(g.Specs) > 1 {
		g.Lparen, g.Rparen = pos, pos
	}
	return &ast.DeclStmt{Decl: g}, true
}

// genericDefines rewrites x := f(...) at the top level of a statement run,
// f generic, as var x T; x = f(...); likewise var x = f(...).
func (m *modernizer) genericDefines(b *ast.BlockStmt) {
	var out []ast.Stmt
	changed := false
	for _, st := range b.List {
		switch x := st.(type) {
		case *ast.AssignStmt:
			if x.Tok != token.DEFINE || !m.genericCall(x) {
				break
			}
			var names []*ast.Ident
			for _, l := range x.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					names = append(names, id)
				}
			}
			decl, ok := m.typedDecl(x.Pos(), names)
			if !ok {
				break
			}
			if decl != nil {
				out = append(out, decl)
			}
			x.Tok = token.ASSIGN
			out = append(out, x)
			changed = true
			continue
		case *ast.DeclStmt:
			g := x.Decl.(*ast.GenDecl)
			if g.Tok != token.VAR || !m.genericCall(g) {
				break
			}
			var names []*ast.Ident
			var assigns []ast.Stmt
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				names = append(names, vs.Names...)
				if len(vs.Values) == 0 {
					continue
				}
				lhs := make([]ast.Expr, len(vs.Names))
				for i, n := range vs.Names {
					lhs[i] = ident(n.Name, n.Pos())
				}
				assigns = append(assigns, &ast.AssignStmt{Lhs: lhs, TokPos: vs.Pos(), Tok: token.ASSIGN, Rhs: vs.Values})
			}
			decl, ok := m.typedDecl(x.Pos(), names)
			if !ok || decl == nil {
				break
			}
			out = append(out, decl)
			out = append(out, assigns...)
			changed = true
			continue
		}
		out = append(out, st)
	}
	if changed {
		b.List = out
	}
}
