package session

import (
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"strings"
	"sync"
)

// A value of a cell's type passed to a compiled function as one of its
// variadic arguments of an interface type, nn.NewSequential(layer) with
// layer of a type a cell declared, makes yaegi v0.16.1 panic ("reflect:
// cannot use *struct {...} as type nn.Layer in Call"), also when
// converted first, nn.NewSequential(nn.Layer(layer)): yaegi wraps a cell's
// value in the interface for a plain parameter or an element of a slice,
// not there. The session passes variadic arguments of a non-empty
// interface type to compiled functions as a slice:
//
//	nn.NewSequential(layer, nn.NewLinear(...))
//
// becomes
//
//	nn.NewSequential([]nn.Layer{layer, nn.NewLinear(...)}...)
//
// which means the same in Go. A call whose interface type the cell cannot
// write (its package not imported) is left alone, and the panic comes
// with advice (see goPanicMessage).

// variadicIface rewrites call as above when it needs it.
func (m *modernizer) variadicIface(call *ast.CallExpr) {
	elem, ok := ifaceVariadicCall(m.rt.info, call)
	if !ok {
		return
	}
	sig := m.rt.typeOf(call.Fun).Underlying().(*types.Signature)
	fixed := sig.Params().Len() - 1
	pos := call.Args[fixed].Pos()
	te, ok := m.s.typeExpr(elem, pos)
	if !ok {
		return
	}
	elts := make([]ast.Expr, 0, len(call.Args)-fixed)
	for _, a := range call.Args[fixed:] {
		// nn.Layer(layer) in a slice literal fails in yaegi too; the
		// literal converts its elements anyway.
		if c, ok := unparen(a).(*ast.CallExpr); ok && len(c.Args) == 1 && !c.Ellipsis.IsValid() {
			if tv, ok := m.rt.info.Types[c.Fun]; ok && tv.IsType() && types.Identical(tv.Type, elem) {
				a = c.Args[0]
			}
		}
		elts = append(elts, a)
	}
	lit := &ast.CompositeLit{Type: &ast.ArrayType{Lbrack: pos, Elt: te}, Lbrace: pos,
		Elts: elts, Rbrace: call.Args[len(call.Args)-1].End()}
	call.Args = append(call.Args[:fixed:fixed], lit)
	call.Ellipsis = lit.Rbrace
}

// ifaceVariadicCall reports whether call passes variadic arguments of a
// non-empty interface type to a compiled function or method, and returns
// that interface type. Whether an argument holds a value of a cell's type
// does not matter: nn.Layer(layer) has the interface's type and fails
// the same, and the slice costs little.
func ifaceVariadicCall(info *types.Info, call *ast.CallExpr) (types.Type, bool) {
	if call.Ellipsis.IsValid() {
		return nil, false
	}
	var id *ast.Ident
	switch f := unparen(call.Fun).(type) {
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return nil, false // a cell's own funcs are interpreted: no trouble
	}
	fn, ok := info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() == cellPkgPath {
		return nil, false
	}
	if _, generic := genericSources[fn.Pkg().Path()]; generic {
		return nil, false
	}
	tv, ok := info.Types[call.Fun]
	if !ok || tv.Type == nil {
		return nil, false
	}
	sig, ok := tv.Type.Underlying().(*types.Signature)
	if !ok || !sig.Variadic() {
		return nil, false
	}
	fixed := sig.Params().Len() - 1
	if len(call.Args) <= fixed {
		return nil, false
	}
	sl, ok := sig.Params().At(fixed).Type().(*types.Slice)
	if !ok {
		return nil, false
	}
	it, ok := sl.Elem().Underlying().(*types.Interface)
	if !ok || it.NumMethods() == 0 {
		return nil, false
	}
	return sl.Elem(), true
}

var (
	ifaceVariadicOnce    sync.Once
	ifaceVariadicMethods map[string]bool
	ifaceVariadicFuncs   map[string]bool // "path.Name"
)

// ifaceVariadicName reports, from the syntax alone, whether a call of
// x.name may need a rewrite of this file: name is a function of the
// package imported as x, or a method of a compiled type, that takes
// variadic arguments of a non-empty interface type, or an interface type
// of the package (a conversion). path is x's import path ("" when x is
// not a package).
func ifaceVariadicName(path, name string) bool {
	ifaceVariadicOnce.Do(func() {
		ifaceVariadicMethods, ifaceVariadicFuncs = map[string]bool{}, map[string]bool{}
		needs := func(t reflect.Type) bool {
			if !t.IsVariadic() {
				return false
			}
			e := t.In(t.NumIn() - 1).Elem()
			return e.Kind() == reflect.Interface && e.NumMethod() > 0
		}
		for p, tb := range allTables() {
			for n, v := range tb.syms {
				if strings.HasPrefix(n, "_") || !v.IsValid() {
					continue
				}
				switch {
				case v.Kind() == reflect.Func:
					if needs(v.Type()) {
						ifaceVariadicFuncs[p+"."+n] = true
					}
				case v.Kind() == reflect.Pointer && v.IsNil():
					if it := v.Type().Elem(); it.Kind() == reflect.Interface && it.NumMethod() > 0 {
						ifaceVariadicFuncs[p+"."+n] = true // a conversion I(x), see ifaceConversion
					}
					pt := v.Type() // *T: its methods and T's
					for i := 0; i < pt.NumMethod(); i++ {
						if m := pt.Method(i); needs(m.Type) {
							ifaceVariadicMethods[m.Name] = true
						}
					}
				}
			}
		}
	})
	if path != "" {
		return ifaceVariadicFuncs[path+"."+name]
	}
	return ifaceVariadicMethods[name]
}

// ifaceConversion rewrites a conversion of a value of a cell's type to a
// non-empty interface type of a compiled package, I(x), which yaegi
// v0.16.1 gets wrong ("reflect.Set: value of type *struct {...} is not
// assignable to type nn.Layer"), as []I{x}[0], which it gets right and Go
// gives the same meaning. It returns the replacement, nil when call is
// no such conversion (or I cannot be written).
func (m *modernizer) ifaceConversion(call *ast.CallExpr) ast.Expr {
	if len(call.Args) != 1 || call.Ellipsis.IsValid() {
		return nil
	}
	tv, ok := m.rt.info.Types[call.Fun]
	if !ok || !tv.IsType() || !compiledIface(tv.Type) || !cellType(m.rt.typeOf(call.Args[0])) {
		return nil
	}
	pos := call.Pos()
	te, ok := m.s.typeExpr(tv.Type, pos)
	if !ok {
		return nil
	}
	lit := &ast.CompositeLit{Type: &ast.ArrayType{Lbrack: pos, Elt: te}, Lbrace: pos, Elts: []ast.Expr{call.Args[0]}, Rbrace: call.End()}
	return &ast.IndexExpr{X: lit, Lbrack: pos, Index: &ast.BasicLit{ValuePos: pos, Kind: token.INT, Value: "0"}, Rbrack: call.End()}
}

// isIfaceConversion reports whether call is a conversion that
// ifaceConversion rewrites.
func isIfaceConversion(info *types.Info, call *ast.CallExpr) bool {
	if len(call.Args) != 1 {
		return false
	}
	tv, ok := info.Types[call.Fun]
	if !ok || !tv.IsType() || !compiledIface(tv.Type) {
		return false
	}
	at, ok := info.Types[call.Args[0]]
	return ok && cellType(at.Type)
}

// compiledIface reports whether t is a named non-empty interface type of
// a compiled package.
func compiledIface(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() == cellPkgPath {
		return false
	}
	if _, generic := genericSources[n.Obj().Pkg().Path()]; generic {
		return false
	}
	it, ok := n.Underlying().(*types.Interface)
	return ok && it.NumMethods() > 0
}

// cellType reports whether t is a type a cell declared, or a pointer to
// one.
func cellType(t types.Type) bool {
	if t == nil {
		return false
	}
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == cellPkgPath
}
