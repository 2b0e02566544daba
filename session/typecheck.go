package session

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// The session keeps a go/types model of the cells' globals, built as
// cells run: each run of a cell that declares something or needs types
// for a rewrite (modern.go) is type-checked as a package of its own whose
// scope holds the globals of earlier runs it refers to. The model serves
// the rewrites that stand in for what yaegi lacks, completion and
// inspection of any expression, and the message of a compile error.
//
// yaegi, not go/types, decides whether a cell runs: the model only
// informs. Go's "declared and not used" and "imported and not used"
// errors are not applied to cells, as in gophernotes and gonb (a notebook
// declares things to look at them later), and yaegi does not apply them
// either.

// cellPkgPath is the path of the package of cells in the model.
const cellPkgPath = "main"

// typeModel is what the model knows: the globals of the cells that ran.
// Guarded by typesMu.
type typeModel struct {
	globals map[string]types.Object
}

func newTypeModel() *typeModel { return &typeModel{globals: map[string]types.Object{}} }

// runTypes is the type information of one run.
type runTypes struct {
	info *types.Info
	pkg  *types.Package
	errs []types.Error // errors that Go reports, less the relaxed ones
	defs map[string]types.Object
	// rewritable: the run has something modern.go rewrites (a generic
	// call, a range over an integer or a func, min, max or clear).
	rewritable bool
}

// typeOf is the type of e, nil when unknown or invalid.
func (rt *runTypes) typeOf(e ast.Expr) types.Type {
	if rt == nil {
		return nil
	}
	tv, ok := rt.info.Types[e]
	if !ok || tv.Type == nil || tv.Type == types.Typ[types.Invalid] {
		return nil
	}
	return tv.Type
}

// checkScope is what a check can see besides the model: the imports of
// the current file scope and the objects of earlier runs of the same cell.
type checkScope struct {
	imports map[string]string
	dots    []string
	overlay map[string]types.Object
}

func (m *typeModel) lookup(sc *checkScope, name string) types.Object {
	if o, ok := sc.overlay[name]; ok {
		return o
	}
	return m.globals[name]
}

// commit records the globals of a run that compiled.
func (m *typeModel) commit(rt *runTypes) {
	if rt == nil {
		return
	}
	typesMu.Lock()
	defer typesMu.Unlock()
	for n, o := range rt.defs {
		m.globals[n] = o
	}
}

// checkFile type-checks a file of a run. src is the file as go/parser
// resolved it (its Unresolved names are what the run takes from outside);
// f the file to check; declared the names the file declares at package
// level. forRun is set for a run about to execute: methods it declares on
// types of earlier runs join those types (they would otherwise be
// "methods on a non-local type"); otherwise (completion, inspection) the
// model stays as it is, and the check records scopes.
// typesMu must be held.
func (m *typeModel) checkFile(fset *token.FileSet, sc *checkScope, src, f *ast.File, trailing ast.Expr, forRun bool) *runTypes {
	addMethods := forRun
	pkg := types.NewPackage(cellPkgPath, "main")
	scope := pkg.Scope()
	own := map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				own[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.ImportSpec:
					name, _ := specName(sp)
					own[name] = true
				case *ast.TypeSpec:
					own[sp.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						own[n.Name] = true
					}
				}
			}
		}
	}
	inserted := map[string]bool{}
	for _, id := range src.Unresolved {
		n := id.Name
		if own[n] || inserted[n] {
			continue
		}
		inserted[n] = true
		if o := m.lookup(sc, n); o != nil {
			scope.Insert(o)
			continue
		}
		if p, ok := sc.imports[n]; ok {
			if ip, err := importTypes(p); err == nil {
				scope.Insert(types.NewPkgName(token.NoPos, pkg, n, ip))
			}
			continue
		}
		for _, p := range sc.dots {
			if ip, err := importTypes(p); err == nil {
				if o := ip.Scope().Lookup(n); o != nil && o.Exported() {
					scope.Insert(o)
					break
				}
			}
		}
	}
	// Methods on types of earlier runs: go/types cannot check a method
	// whose receiver type the checked files do not declare (it crashes),
	// so such a method is checked as a function taking the receiver as
	// its first parameter, and becomes a method again afterwards.
	foreign := map[*ast.FuncDecl]*ast.FuncDecl{} // stand-in -> method
	checked := f
	for i, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
			continue
		}
		base := recvName(fd.Recv.List[0].Type)
		if own[base] {
			continue
		}
		if checked == f {
			cp := *f
			cp.Decls = append([]ast.Decl(nil), f.Decls...)
			checked = &cp
		}
		if recvTypeParams(fd.Recv.List[0].Type) {
			// A method of a generic type of an earlier run: not checked.
			checked.Decls[i] = &ast.BadDecl{From: fd.Pos(), To: fd.End()}
			continue
		}
		recv := *fd.Recv.List[0]
		if len(recv.Names) == 0 {
			recv.Names = []*ast.Ident{ident("_", recv.Type.Pos())}
		}
		params := &ast.FieldList{Opening: fd.Type.Params.Opening, Closing: fd.Type.Params.Closing,
			List: append([]*ast.Field{&recv}, fd.Type.Params.List...)}
		stand := &ast.FuncDecl{Name: ident("_", fd.Name.Pos()), Body: fd.Body,
			Type: &ast.FuncType{Func: fd.Type.Func, Params: params, Results: fd.Type.Results}}
		foreign[stand] = fd
		checked.Decls[i] = stand
	}
	rt := &runTypes{pkg: pkg, defs: map[string]types.Object{}, info: &types.Info{
		Types:     map[ast.Expr]types.TypeAndValue{},
		Defs:      map[*ast.Ident]types.Object{},
		Uses:      map[*ast.Ident]types.Object{},
		Instances: map[*ast.Ident]types.Instance{},
	}}
	if !forRun {
		rt.info.Scopes = map[ast.Node]*types.Scope{} // completion wants the scopes
	}
	conf := types.Config{
		Importer:                 typesImporter{},
		DisableUnusedImportCheck: true,
		Error: func(err error) {
			if te, ok := err.(types.Error); ok && !relaxed(te, trailing) {
				rt.errs = append(rt.errs, te)
			}
		},
	}
	if !safeCheck(&conf, fset, pkg, rt.info, checked) {
		// The model is advice: without it the cell runs as it is.
		rt.errs = nil
		return rt
	}
	rt.rewritable = len(rt.info.Instances) > 0 || hasRewritable(checked, rt.info)

	for _, n := range scope.Names() {
		if o := scope.Lookup(n); !inserted[n] && o.Pkg() == pkg {
			if _, isPkg := o.(*types.PkgName); !isPkg {
				rt.defs[n] = o
			}
		}
	}
	for stand, fd := range foreign {
		fn, _ := rt.info.Defs[stand.Name].(*types.Func)
		if fn == nil {
			continue
		}
		sig := fn.Type().(*types.Signature)
		if sig.Params().Len() == 0 {
			continue
		}
		recv := sig.Params().At(0)
		params := make([]*types.Var, sig.Params().Len()-1)
		for i := range params {
			params[i] = sig.Params().At(i + 1)
		}
		method := types.NewFunc(fd.Name.Pos(), pkg, fd.Name.Name,
			types.NewSignatureType(recv, nil, nil, types.NewTuple(params...), sig.Results(), sig.Variadic()))
		rt.info.Defs[fd.Name] = method
		if !addMethods {
			continue
		}
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if named, ok := types.Unalias(t).(*types.Named); ok && named.TypeParams().Len() == 0 {
			replaceMethod(named, method)
		}
	}
	return rt
}

// relaxed reports whether a type error is one that cells do not get:
// unused variables, imports and labels, and the trailing expression's
// value going unused (it is the cell's result).
func relaxed(e types.Error, trailing ast.Expr) bool {
	switch {
	case strings.HasPrefix(e.Msg, "declared and not used"),
		strings.HasSuffix(e.Msg, "declared and not used"),
		strings.Contains(e.Msg, "imported and not used"),
		strings.HasPrefix(e.Msg, "label ") && strings.HasSuffix(e.Msg, "defined and not used"):
		return true
	case trailing != nil && strings.HasSuffix(e.Msg, "is not used") && e.Pos == trailing.Pos():
		return true
	}
	return false
}

// stmtFile is a statement run as a file for the checker: its statements
// (and trailing expression) as the body of func _().
func stmtFile(src *ast.File, r *run) *ast.File {
	var list []ast.Stmt
	pos, end := token.NoPos, token.NoPos
	if r.block != nil {
		list = append(list, r.block.List...)
		pos, end = r.block.Lbrace, r.block.Rbrace
	}
	if r.expr != nil {
		list = append(list, &ast.ExprStmt{X: r.expr})
		if !pos.IsValid() {
			pos, end = r.expr.Pos(), r.expr.End()
		}
	}
	body := &ast.BlockStmt{Lbrace: pos, List: list, Rbrace: end}
	fd := &ast.FuncDecl{Name: ident("_", pos), Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}}, Body: body}
	return &ast.File{Package: src.Package, Name: src.Name, Decls: []ast.Decl{fd}, FileStart: src.FileStart, FileEnd: src.FileEnd}
}

// stmtDefs are the globals a statement run defines: the names its
// top-level statements declare.
func stmtDefs(rt *runTypes, list []ast.Stmt) {
	def := func(id *ast.Ident) {
		if o := rt.info.Defs[id]; o != nil && id.Name != "_" {
			rt.defs[id.Name] = o
		}
	}
	for _, st := range list {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, l := range st.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						def(id)
					}
				}
			}
		case *ast.DeclStmt:
			for _, sp := range st.Decl.(*ast.GenDecl).Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					def(sp.Name)
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						def(n)
					}
				}
			}
		}
	}
}

// checkRun type-checks one run of a cell. typesMu must be held.
func (m *typeModel) checkRun(fset *token.FileSet, sc *checkScope, r *run, forRun bool) *runTypes {
	if r.src == nil {
		return nil
	}
	switch r.kind {
	case declRun:
		rt := m.checkFile(fset, sc, r.src, r.file, nil, forRun)
		if forRun && !rt.rewritable && len(rt.errs) == 0 && earlierVarInit(r.file, rt) {
			rt.rewritable = true // see varinit.go
		}
		return rt
	}
	rt := m.checkFile(fset, sc, r.src, stmtFile(r.src, r), r.expr, forRun)
	if r.block != nil {
		stmtDefs(rt, r.block.List)
	}
	return rt
}

// needsTypes reports whether a run should be type-checked when it runs:
// it declares globals (for the model), or it has a construct that a
// rewrite needs types for.
func (s *Session) needsTypes(r *run, generic func(string) bool) bool {
	switch r.kind {
	case declRun:
		for _, d := range r.file.Decls {
			if g, ok := d.(*ast.GenDecl); !ok || g.Tok != token.IMPORT {
				return true
			}
		}
		return false
	case exprRun:
		return true // for the result's type (Result.Type) and error
	}
	if r.block != nil {
		for _, st := range r.block.List {
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok == token.DEFINE {
					return true
				}
			case *ast.DeclStmt:
				return true
			}
		}
	}
	found := false
	visit := func(n ast.Node) bool {
		if found {
			return false
		}
		switch x := n.(type) {
		case *ast.RangeStmt:
			found = true
		case *ast.CallExpr:
			switch f := unparen(x.Fun).(type) {
			case *ast.Ident:
				switch f.Name {
				case "min", "max", "clear":
					found = true
				default:
					found = generic(f.Name)
				}
			case *ast.IndexExpr, *ast.IndexListExpr:
				found = true
			case *ast.SelectorExpr:
				if id, ok := f.X.(*ast.Ident); ok {
					_, found = genericSources[s.imports[id.Name]]
					found = found || ifaceVariadicName(s.imports[id.Name], f.Sel.Name)
				} else {
					found = ifaceVariadicName("", f.Sel.Name)
				}
			}
		}
		return !found
	}
	if r.block != nil {
		ast.Inspect(r.block, visit)
	}
	if r.expr != nil && !found {
		ast.Inspect(r.expr, visit)
	}
	return found
}

// typecheckRuns type-checks the runs of a cell that need it, in order,
// each seeing the globals of the ones before.
func (s *Session) typecheckRuns(fset *token.FileSet, runs []run) {
	typesMu.Lock()
	defer typesMu.Unlock()
	sc := &checkScope{imports: s.imports, dots: s.dotImports, overlay: map[string]types.Object{}}
	generic := func(name string) bool {
		f, ok := s.model.lookup(sc, name).(*types.Func)
		return ok && f.Type().(*types.Signature).TypeParams().Len() > 0
	}
	for i := range runs {
		r := &runs[i]
		if !s.needsTypes(r, generic) {
			continue
		}
		r.types = s.model.checkRun(fset, sc, r, true)
		if r.types != nil {
			for n, o := range r.types.defs {
				sc.overlay[n] = o
			}
		}
	}
}

// hasRewritable reports whether f has a range over an integer or a func,
// or a call of the builtin min, max or clear.
func hasRewritable(f *ast.File, info *types.Info) bool {
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.RangeStmt:
			if tv, ok := info.Types[x.X]; ok && tv.Type != nil {
				switch u := tv.Type.Underlying().(type) {
				case *types.Basic:
					found = found || u.Info()&types.IsInteger != 0
				case *types.Signature:
					found = true
				}
			}
		case *ast.Ident:
			if b, ok := info.Uses[x].(*types.Builtin); ok {
				switch b.Name() {
				case "min", "max", "clear":
					found = true
				}
			}
		case *ast.CallExpr:
			_, variadic := ifaceVariadicCall(info, x)
			found = found || variadic || isIfaceConversion(info, x)
		}
		return !found
	})
	return found
}

// safeCheck runs the checker, reporting false if it panicked (on a syntax
// tree the session built wrongly, say): a failure of the model must not
// take the session down.
func safeCheck(conf *types.Config, fset *token.FileSet, pkg *types.Package, info *types.Info, f *ast.File) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	types.NewChecker(conf, fset, pkg, info).Files([]*ast.File{f})
	return true
}

// recvTypeParams reports whether a receiver type has type parameters
// (the receiver of a method of a generic type: T[P] or *T[P]).
func recvTypeParams(e ast.Expr) bool {
	if st, ok := e.(*ast.StarExpr); ok {
		e = st.X
	}
	switch unparen(e).(type) {
	case *ast.IndexExpr, *ast.IndexListExpr:
		return true
	}
	return false
}

// replaceMethod adds a method to a named type of an earlier run unless it
// has one of that name: go/types cannot remove a method, and yaegi keeps
// the first signature of a method redefined by a later cell too.
func replaceMethod(named *types.Named, m *types.Func) {
	for i := 0; i < named.NumMethods(); i++ {
		if named.Method(i).Name() == m.Name() {
			return
		}
	}
	named.AddMethod(m)
}
