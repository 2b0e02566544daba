package session

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
)

// Rewrites (modern.go) write types down as source: type arguments, the
// types of variables declared ahead of a generic call, conversions of
// constants.

// typeExpr writes type t as a cell would, with the import names in scope;
// ok is false when the cell cannot name it.
func (s *Session) typeExpr(t types.Type, pos token.Pos) (ast.Expr, bool) {
	switch t := t.(type) {
	case *types.Basic:
		if t.Info()&types.IsUntyped != 0 {
			t = types.Default(t).(*types.Basic)
		}
		if t.Kind() == types.UnsafePointer || t.Kind() == types.Invalid {
			return nil, false
		}
		return ident(t.Name(), pos), true
	case *types.Alias:
		return s.typeExpr(types.Unalias(t), pos)
	case *types.Named:
		obj := t.Obj()
		var x ast.Expr
		switch {
		case obj.Pkg() == nil: // error, comparable
			x = ident(obj.Name(), pos)
		case obj.Pkg().Path() == cellPkgPath:
			x = ident(obj.Name(), pos)
		case !obj.Exported():
			return nil, false
		default:
			name := s.importName(obj.Pkg().Path())
			if name == "" {
				return nil, false
			}
			x = &ast.SelectorExpr{X: ident(name, pos), Sel: ident(obj.Name(), pos)}
		}
		if n := t.TypeArgs().Len(); n > 0 {
			args := make([]ast.Expr, n)
			for i := range args {
				a, ok := s.typeExpr(t.TypeArgs().At(i), pos)
				if !ok {
					return nil, false
				}
				args[i] = a
			}
			if n == 1 {
				return &ast.IndexExpr{X: x, Lbrack: pos, Index: args[0], Rbrack: pos}, true
			}
			return &ast.IndexListExpr{X: x, Lbrack: pos, Indices: args, Rbrack: pos}, true
		}
		return x, true
	case *types.TypeParam:
		return ident(t.Obj().Name(), pos), true
	case *types.Pointer:
		e, ok := s.typeExpr(t.Elem(), pos)
		return &ast.StarExpr{Star: pos, X: e}, ok
	case *types.Slice:
		e, ok := s.typeExpr(t.Elem(), pos)
		return &ast.ArrayType{Lbrack: pos, Elt: e}, ok
	case *types.Array:
		e, ok := s.typeExpr(t.Elem(), pos)
		n := &ast.BasicLit{ValuePos: pos, Kind: token.INT, Value: strconv.FormatInt(t.Len(), 10)}
		return &ast.ArrayType{Lbrack: pos, Len: n, Elt: e}, ok
	case *types.Map:
		k, ok1 := s.typeExpr(t.Key(), pos)
		v, ok2 := s.typeExpr(t.Elem(), pos)
		return &ast.MapType{Map: pos, Key: k, Value: v}, ok1 && ok2
	case *types.Chan:
		e, ok := s.typeExpr(t.Elem(), pos)
		dir := ast.SEND | ast.RECV
		switch t.Dir() {
		case types.SendOnly:
			dir = ast.SEND
		case types.RecvOnly:
			dir = ast.RECV
		}
		return &ast.ChanType{Begin: pos, Arrow: pos, Dir: dir, Value: e}, ok
	case *types.Signature:
		if t.TypeParams().Len() > 0 {
			return nil, false
		}
		params, ok1 := s.tupleFields(t.Params(), t.Variadic(), pos)
		results, ok2 := s.tupleFields(t.Results(), false, pos)
		return &ast.FuncType{Func: pos, Params: params, Results: results}, ok1 && ok2
	case *types.Struct:
		fl := &ast.FieldList{Opening: pos, Closing: pos}
		for i := 0; i < t.NumFields(); i++ {
			f := t.Field(i)
			if !f.Exported() && f.Pkg() != nil && f.Pkg().Path() != cellPkgPath {
				return nil, false
			}
			te, ok := s.typeExpr(f.Type(), pos)
			if !ok {
				return nil, false
			}
			field := &ast.Field{Type: te}
			if !f.Embedded() {
				field.Names = []*ast.Ident{ident(f.Name(), pos)}
			}
			if tag := t.Tag(i); tag != "" {
				field.Tag = &ast.BasicLit{ValuePos: pos, Kind: token.STRING, Value: strconv.Quote(tag)}
			}
			fl.List = append(fl.List, field)
		}
		return &ast.StructType{Struct: pos, Fields: fl}, true
	case *types.Interface:
		if t.Empty() {
			return ident("any", pos), true
		}
		if t.NumEmbeddeds() > 0 {
			return nil, false
		}
		fl := &ast.FieldList{Opening: pos, Closing: pos}
		for i := 0; i < t.NumExplicitMethods(); i++ {
			f := t.ExplicitMethod(i)
			if !f.Exported() && f.Pkg() != nil && f.Pkg().Path() != cellPkgPath {
				return nil, false
			}
			te, ok := s.typeExpr(f.Type(), pos)
			if !ok {
				return nil, false
			}
			fl.List = append(fl.List, &ast.Field{Names: []*ast.Ident{ident(f.Name(), pos)}, Type: te})
		}
		return &ast.InterfaceType{Interface: pos, Methods: fl}, true
	}
	return nil, false
}

func (s *Session) tupleFields(t *types.Tuple, variadic bool, pos token.Pos) (*ast.FieldList, bool) {
	fl := &ast.FieldList{Opening: pos, Closing: pos}
	for i := 0; i < t.Len(); i++ {
		typ := t.At(i).Type()
		if variadic && i == t.Len()-1 {
			if sl, ok := typ.(*types.Slice); ok {
				e, ok := s.typeExpr(sl.Elem(), pos)
				if !ok {
					return nil, false
				}
				fl.List = append(fl.List, &ast.Field{Type: &ast.Ellipsis{Ellipsis: pos, Elt: e}})
				continue
			}
		}
		te, ok := s.typeExpr(typ, pos)
		if !ok {
			return nil, false
		}
		fl.List = append(fl.List, &ast.Field{Type: te})
	}
	return fl, true
}

// importName is the name under which the current file scope imports
// package p, "" if none (or a global hides it).
func (s *Session) importName(p string) string {
	best := ""
	for name, q := range s.imports {
		if q == p && !s.know.has(name) && (best == "" || name < best) {
			best = name
		}
	}
	return best
}
