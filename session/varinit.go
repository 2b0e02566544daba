package session

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Package-level var declarations with initialisers, var x T = e, fail in
// yaegi v0.16.1 when e reads a variable that an earlier run declared
// ("variable definition loop": c := 2 in one cell, var d int = c in the
// next, or in the same cell), and silently give zero when e calls a
// generic function. The session declares such vars without initialiser
// and assigns them in a statement run that follows the declarations:
//
//	var d, e int = c, f()   becomes   var d, e int   then   d, e = c, f()
//	var s = x               becomes   var s T        then   s = x
//
// Assignments keep Go's meaning: several names take a function's several
// results, a list of values is assigned in parallel, and the run's
// initialisers run in Go's initialisation order (go/types' InitOrder:
// dependencies first, otherwise in source order). Once one initialiser
// of a run moves, all of the run's move, so that none reads a var before
// its assignment. A var whose type the cell cannot write (an unexported
// type of a compiled package, say) keeps its initialiser.

// varInits moves the initialisers of the package-level vars of f into a
// statement run to follow f, when one of them needs it; nil when none.
func (m *modernizer) varInits(f *ast.File) *run {
	type spec struct {
		g  *ast.GenDecl
		vs *ast.ValueSpec
	}
	var specs []spec
	need := false
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, sp := range g.Specs {
			vs := sp.(*ast.ValueSpec)
			if len(vs.Values) == 0 {
				continue
			}
			specs = append(specs, spec{g, vs})
			if m.genericCall(vs) || (len(m.rt.errs) == 0 && readsEarlierVar(m.rt, vs.Values)) {
				need = true
			}
		}
	}
	if !need {
		return nil
	}
	// Declare each moved var with its type.
	moved := map[types.Object]*ast.Ident{}
	for _, sp := range specs {
		vs := sp.vs
		typed := []*ast.ValueSpec{vs}
		if vs.Type == nil {
			typed = typed[:0]
			ok := true
			for _, n := range vs.Names {
				if n.Name == "_" {
					continue
				}
				o := m.rt.info.Defs[n]
				if o == nil {
					ok = false
					break
				}
				te, writable := m.s.typeExpr(o.Type(), n.Pos())
				if !writable {
					ok = false
					break
				}
				typed = append(typed, &ast.ValueSpec{Names: []*ast.Ident{ident(n.Name, n.Pos())}, Type: te})
			}
			if !ok {
				continue // keeps its initialiser
			}
		}
		for _, n := range vs.Names {
			if o := m.rt.info.Defs[n]; o != nil {
				moved[o] = n
			}
		}
		vs.Values = nil
		if vs.Type == nil {
			replaceSpec(sp.g, vs, typed)
		}
	}
	// Assign them in Go's initialisation order.
	var assigns []ast.Stmt
	for _, in := range m.rt.info.InitOrder {
		if len(in.Lhs) == 0 {
			continue
		}
		if _, ok := moved[in.Lhs[0]]; !ok {
			continue
		}
		lhs := make([]ast.Expr, len(in.Lhs))
		for i, v := range in.Lhs {
			n := moved[v]
			if n == nil {
				lhs[i] = ident("_", in.Rhs.Pos())
				continue
			}
			lhs[i] = ident(n.Name, n.Pos())
		}
		assigns = append(assigns, &ast.AssignStmt{Lhs: lhs, TokPos: lhs[0].Pos(), Tok: token.ASSIGN, Rhs: []ast.Expr{in.Rhs}})
	}
	if len(assigns) == 0 {
		return nil
	}
	pos := assigns[0].Pos()
	return &run{kind: stmtRun, block: &ast.BlockStmt{Lbrace: pos, List: assigns, Rbrace: pos}}
}

// replaceSpec replaces spec old of g by news (nothing when news is empty).
func replaceSpec(g *ast.GenDecl, old *ast.ValueSpec, news []*ast.ValueSpec) {
	out := make([]ast.Spec, 0, len(g.Specs)+len(news))
	for _, sp := range g.Specs {
		if sp != old {
			out = append(out, sp)
			continue
		}
		for _, n := range news {
			out = append(out, n)
		}
	}
	g.Specs = out
	if len(out) > 1 && !g.Lparen.IsValid() {
		g.Lparen, g.Rparen = g.TokPos, g.TokPos
	}
}

// readsEarlierVar reports whether the expressions mention (also inside
// function literals) a variable that an earlier run declared.
func readsEarlierVar(rt *runTypes, es []ast.Expr) bool {
	found := false
	for _, e := range es {
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if v, ok := rt.info.Uses[id].(*types.Var); ok && !v.IsField() && v.Pkg() != nil &&
					v.Pkg() != rt.pkg && v.Pkg().Path() == cellPkgPath {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

// earlierVarInit reports whether a package-level var of f is initialised
// from a variable of an earlier run (see varInits).
func earlierVarInit(f *ast.File, rt *runTypes) bool {
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
			for _, sp := range g.Specs {
				if vs := sp.(*ast.ValueSpec); readsEarlierVar(rt, vs.Values) {
					return true
				}
			}
		}
	}
	return false
}
