package session

import (
	"go/ast"
	"go/scanner"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

// Completion and inspection see the text being edited as the cells see
// it: it is parsed as a cell and type-checked against the session's
// model (typecheck.go), so that names it declares or imports itself
// (import "strings" above the cursor), locals, parameters and the type of
// any expression before a dot are known although nothing has run.

// placeholder stands for the empty word at the cursor.
const placeholder = "__contrast_cursor"

// textInfo is a type-checked view of text being edited.
type textInfo struct {
	fset    *token.FileSet
	rt      *runTypes         // types of the run holding the cursor
	id      *ast.Ident        // the identifier at the cursor (maybe the placeholder)
	sel     *ast.SelectorExpr // when id is the selected name of X.id
	scope   *checkScope
	globals map[string]types.Object // the model's globals, copied
}

// analyze type-checks code as a cell and finds the identifier at cursor
// (the word spanning [start, end)). It returns nil when the text cannot
// be made to parse.
func (s *Session) analyze(code string, start, end int) (ti *textInfo) {
	defer func() {
		if recover() != nil {
			ti = nil // completion falls back on syntax
		}
	}()
	name := code[start:end]
	text := code
	if name == "" {
		name = placeholder
		text = code[:start] + placeholder + code[start:]
	}
	line := 1 + strings.Count(text[:start], "\n")
	col := start - strings.LastIndexByte(text[:start], '\n')
	fset := token.NewFileSet()
	runs, files, err := parseCell(fset, "edit/cell.go", text)
	if err != nil {
		// Incomplete text: keep what precedes the word and close what
		// it left open.
		cut := text[:start+len(name)]
		runs, files, err = parseCell(fset, "edit/cell.go", cut+closers(text[:start]))
		if err != nil {
			return nil
		}
	}
	var cursorIdent *ast.Ident
	for i := range runs {
		if id, _ := findIdent(fset, &runs[i], name, line, col); id != nil {
			cursorIdent = id
			break
		}
	}
	sc := s.textScope(runs, files, cursorIdent)
	info := &textInfo{fset: fset, scope: sc}
	typesMu.Lock()
	defer typesMu.Unlock()
	for i := range runs {
		r := &runs[i]
		id, sel := findIdent(fset, r, name, line, col)
		rt := s.model.checkRun(fset, sc, r, false)
		if id != nil {
			info.rt, info.id, info.sel = rt, id, sel
			break
		}
		for n, o := range rt.defs {
			sc.overlay[n] = o
		}
	}
	if info.id == nil {
		return nil
	}
	info.globals = make(map[string]types.Object, len(s.model.globals))
	for n, o := range s.model.globals {
		info.globals[n] = o
	}
	return info
}

// closers returns what closes the brackets left open in text.
func closers(text string) string {
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(text))
	var sc scanner.Scanner
	sc.Init(f, []byte(text), func(token.Position, string) {}, 0)
	var stack []byte
	for {
		_, tok, _ := sc.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN:
			stack = append(stack, ')')
		case token.LBRACK:
			stack = append(stack, ']')
		case token.LBRACE:
			stack = append(stack, '}')
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	out := make([]byte, 0, 2*len(stack))
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i] == '}' {
			out = append(out, '\n')
		}
		out = append(out, stack[i])
	}
	return string(out)
}

// findIdent finds the identifier name at cell line and column in run r,
// and the selector expression it ends, if any.
func findIdent(fset *token.FileSet, r *run, name string, line, col int) (*ast.Ident, *ast.SelectorExpr) {
	var found *ast.Ident
	var sel *ast.SelectorExpr
	visit := func(n ast.Node) bool {
		if found != nil {
			return false
		}
		switch x := n.(type) {
		case *ast.SelectorExpr:
			if at(fset, x.Sel, name, line, col) {
				found, sel = x.Sel, x
			}
		case *ast.Ident:
			if at(fset, x, name, line, col) {
				found = x
			}
		}
		return found == nil
	}
	var roots []ast.Node
	switch r.kind {
	case declRun:
		roots = append(roots, r.file)
	default:
		if r.block != nil {
			roots = append(roots, r.block)
		}
		if r.expr != nil {
			roots = append(roots, r.expr)
		}
	}
	for _, root := range roots {
		ast.Inspect(root, visit)
	}
	return found, sel
}

func at(fset *token.FileSet, id *ast.Ident, name string, line, col int) bool {
	if id.Name != name {
		return false
	}
	p := fset.Position(id.Pos())
	return p.Line == line && p.Column == col
}

// objectKind names what an object is, in Jupyter's completion types.
func objectKind(o types.Object) string {
	switch o := o.(type) {
	case *types.Func:
		if o.Type().(*types.Signature).Recv() != nil {
			return kindMethod
		}
		return kindFunc
	case *types.Var:
		if o.IsField() {
			return kindField
		}
		return kindVar
	case *types.Const:
		return kindConst
	case *types.TypeName:
		return kindType
	case *types.PkgName:
		return kindPackage
	case *types.Builtin:
		return kindFunc
	case *types.Nil:
		return kindConst
	}
	return kindVar
}

// visibleFrom reports whether code of the cells may use o by name.
func visibleFrom(o types.Object) bool {
	return o.Exported() || o.Pkg() == nil || o.Pkg().Path() == cellPkgPath
}

// memberCandidates lists the fields and methods of a value of type t (and
// of *t, as an addressable value has them), promoted ones included.
func memberCandidates(t types.Type) []candidate {
	var out []candidate
	seen := map[string]bool{}
	add := func(name, kind string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, candidate{name, kind, srcGlobal})
		}
	}
	mt := t
	if _, isPtr := t.Underlying().(*types.Pointer); !isPtr && !types.IsInterface(t) {
		mt = types.NewPointer(t)
	}
	ms := types.NewMethodSet(mt)
	for i := 0; i < ms.Len(); i++ {
		if o := ms.At(i).Obj(); visibleFrom(o) {
			add(o.Name(), kindMethod)
		}
	}
	var fields func(t types.Type, depth int)
	fields = func(t types.Type, depth int) {
		if depth > 4 {
			return
		}
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok {
			return
		}
		for i := 0; i < st.NumFields(); i++ {
			f := st.Field(i)
			if visibleFrom(f) {
				add(f.Name(), kindField)
			}
			if f.Embedded() {
				fields(f.Type(), depth+1)
			}
		}
	}
	fields(t, 0)
	return out
}

// completions lists what may stand at the analysed identifier; ok is
// false when the analysis cannot tell (the caller falls back on syntax).
func (ti *textInfo) completions(s *Session) (cands []candidate, ok bool) {
	typesMu.Lock()
	defer typesMu.Unlock()
	defer func() {
		if recover() != nil {
			cands, ok = nil, false
		}
	}()
	if ti.sel != nil {
		if x, isIdent := ti.sel.X.(*ast.Ident); isIdent {
			if pn, isPkg := ti.rt.info.Uses[x].(*types.PkgName); isPkg {
				sc := pn.Imported().Scope()
				for _, n := range sc.Names() {
					if o := sc.Lookup(n); o.Exported() {
						cands = append(cands, candidate{n, objectKind(o), srcGlobal})
					}
				}
				return cands, true
			}
			if ti.rt.info.Uses[x] == nil && ti.rt.info.Defs[x] == nil {
				// A package the text does not import and auto-import
				// cannot settle yet (rand.): the members of each.
				for _, p := range autoImportPaths(x.Name) {
					if ip, err := importTypes(p); err == nil {
						for _, n := range ip.Scope().Names() {
							if o := ip.Scope().Lookup(n); o.Exported() {
								cands = append(cands, candidate{n, objectKind(o), srcGlobal})
							}
						}
					}
				}
				if len(cands) > 0 {
					return cands, true
				}
			}
		}
		t := ti.rt.typeOf(ti.sel.X)
		if t == nil {
			if tv, has := ti.rt.info.Types[ti.sel.X]; has && tv.IsType() {
				return nil, true // T.Method expressions: rare, not offered
			}
			return nil, false
		}
		return memberCandidates(t), true
	}
	// Names in scope: the locals around the cursor, the text's own
	// declarations, the session's globals and imports, Go's universe.
	pos := ti.id.Pos()
	pkgScope := ti.rt.pkg.Scope()
	if inner := pkgScope.Innermost(pos); inner != nil {
		for sc := inner; sc != nil && sc != pkgScope && sc != types.Universe; sc = sc.Parent() {
			for _, n := range sc.Names() {
				o := sc.Lookup(n)
				if o.Pos() < pos || o.Pos() == token.NoPos {
					cands = append(cands, candidate{n, objectKind(o), srcLocal})
				}
			}
		}
	}
	for _, n := range pkgScope.Names() {
		o := pkgScope.Lookup(n)
		src := srcLocal
		if o.Pkg() != ti.rt.pkg {
			src = srcGlobal // inserted from the model or a package
		}
		if _, isPkg := o.(*types.PkgName); isPkg {
			src = srcPackage
		}
		cands = append(cands, candidate{n, objectKind(o), src})
	}
	for n, o := range ti.scope.overlay {
		cands = append(cands, candidate{n, objectKind(o), srcLocal})
	}
	for n, o := range ti.globals {
		cands = append(cands, candidate{n, objectKind(o), srcGlobal})
	}
	for n := range ti.scope.imports {
		cands = append(cands, candidate{n, kindPackage, srcPackage})
	}
	for _, p := range ti.scope.dots {
		if ip, err := importTypes(p); err == nil {
			for _, n := range ip.Scope().Names() {
				if o := ip.Scope().Lookup(n); o.Exported() {
					cands = append(cands, candidate{n, objectKind(o), srcGlobal})
				}
			}
		}
	}
	// Globals the session knows but the model missed.
	for _, d := range s.know.names() {
		cands = append(cands, candidate{d.name, declKind(d.kind), srcGlobal})
	}
	for _, n := range types.Universe.Names() {
		cands = append(cands, candidate{n, objectKind(types.Universe.Lookup(n)), srcUniverse})
	}
	for _, k := range keywords {
		cands = append(cands, candidate{k, kindKeyword, srcKeyword})
	}
	out := cands[:0]
	for _, c := range cands {
		if c.name != placeholder && c.name != "_" && !strings.HasPrefix(c.name, "__contrast") {
			out = append(out, c)
		}
	}
	return out, true
}

// object is what the analysed identifier denotes, nil if nothing.
func (ti *textInfo) object() types.Object {
	if o := ti.rt.info.Uses[ti.id]; o != nil {
		return o
	}
	if o := ti.rt.info.Defs[ti.id]; o != nil {
		return o
	}
	return nil
}

// describeObject describes what an identifier of the text denotes.
func (s *Session) describeObject(ti *textInfo, o types.Object, detail int) (string, bool) {
	typesMu.Lock()
	defer typesMu.Unlock()
	qual := func(p *types.Package) string {
		if p.Path() == cellPkgPath {
			return ""
		}
		return p.Name()
	}
	switch o := o.(type) {
	case *types.PkgName:
		p := o.Imported().Path()
		if doc, ok := packageDoc(p, ""); ok {
			return doc, true
		}
		return "package " + o.Name() + " // import " + `"` + p + `"`, true
	case *types.Builtin, *types.Nil:
		if doc, ok := packageDoc("builtin", o.Name()); ok {
			return doc, true
		}
		return "builtin " + o.Name(), true
	}
	if o.Pkg() == nil {
		if doc, ok := packageDoc("builtin", o.Name()); ok {
			return doc, true
		}
		return types.ObjectString(o, qual), true
	}
	p := o.Pkg().Path()
	owner := ownerType(o)
	if p == cellPkgPath {
		switch {
		case owner != "":
			if m := s.know.method(owner, o.Name()); m != nil && isMethod(o) {
				return s.describeDecl(m, detail), true
			}
			if d := s.know.global(owner); d != nil && !isMethod(o) {
				for _, f := range d.fields {
					if f.name == o.Name() {
						return "field " + f.name + " " + f.typ + "\n\n(in " + d.decl + ")", true
					}
				}
			}
		case ti.rt.pkg.Scope().Lookup(o.Name()) == o || ti.globals[o.Name()] == o:
			if d := s.know.global(o.Name()); d != nil {
				return s.describeDecl(d, detail), true
			}
		}
		return types.ObjectString(o, qual), true
	}
	key := o.Name()
	if owner != "" {
		key = owner + "." + o.Name()
	}
	if doc, ok := packageDoc(p, key); ok {
		return doc, true
	}
	return types.ObjectString(o, qual), true
}

func isMethod(o types.Object) bool {
	f, ok := o.(*types.Func)
	return ok && f.Type().(*types.Signature).Recv() != nil
}

// ownerType is the name of the type a method or field belongs to, "" for
// other objects.
func ownerType(o types.Object) string {
	switch o := o.(type) {
	case *types.Func:
		if r := o.Type().(*types.Signature).Recv(); r != nil {
			return namedOf(r.Type())
		}
	case *types.Var:
		if o.IsField() {
			return fieldOwner(o)
		}
	}
	return ""
}

func namedOf(t types.Type) string {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}

// fieldOwner finds the named struct type in f's package that declares
// field f, "" if none.
func fieldOwner(f *types.Var) string {
	if f.Pkg() == nil {
		return ""
	}
	sc := f.Pkg().Scope()
	names := sc.Names()
	sort.Strings(names)
	for _, n := range names {
		tn, ok := sc.Lookup(n).(*types.TypeName)
		if !ok {
			continue
		}
		if st, ok := tn.Type().Underlying().(*types.Struct); ok {
			for i := 0; i < st.NumFields(); i++ {
				if st.Field(i) == f {
					return n
				}
			}
		}
	}
	return ""
}

// textScope is the scope in which text being edited (parsed into runs
// and files) is checked: the session's imports, the text's own, and the
// packages it uses without importing them, as a cell that ran would
// import them (autoimport.go). When the word at the cursor (cursor, may
// be nil) fits no package, it is a word being completed, which does not
// decide.
func (s *Session) textScope(runs []run, files []*ast.File, cursor *ast.Ident) *checkScope {
	sc := &checkScope{imports: map[string]string{}, overlay: map[string]types.Object{}}
	if cur := s.scope.Load(); cur != nil {
		for n, p := range cur.imports {
			sc.imports[n] = p
		}
		sc.dots = append(sc.dots, cur.dots...)
	}
	for _, sp := range importSpecs(runs) {
		n, p := specName(sp)
		if !importable(p) {
			continue
		}
		switch n {
		case "_":
		case ".":
			sc.dots = append(sc.dots, p)
		default:
			sc.imports[n] = p
		}
	}
	declared := cellDefines(runs)
	defined := func(n string) bool {
		if declared[n] || universe[n] || s.know.has(n) || dotDefines(sc.dots, n) {
			return true
		}
		_, ok := sc.imports[n]
		return ok
	}
	var partial map[string][]string
	for n, sels := range qualifiers(runs, files, defined, nil) {
		p := chooseImport(n, sels)
		if p == "" && cursor != nil {
			if partial == nil {
				partial = qualifiers(runs, files, defined, cursor)
			}
			p = chooseImport(n, partial[n])
		}
		if p != "" {
			sc.imports[n] = p
		}
	}
	return sc
}

// TypeOf returns the Go type of code's trailing expression as
// Result.Type gives it ("*data.Dataset", "(int, error)"), type-checked
// against the cells that ran, without running anything; "" when code
// does not end in an expression with a value, or does not compile. It
// does not wait for a running cell.
func (s *Session) TypeOf(code string) (typ string) {
	defer func() {
		if recover() != nil {
			typ = ""
		}
	}()
	fset := token.NewFileSet()
	runs, files, err := parseCell(fset, "edit/cell.go", code)
	if err != nil || len(runs) == 0 || runs[len(runs)-1].kind != exprRun {
		return ""
	}
	sc := s.textScope(runs, files, nil)
	typesMu.Lock()
	defer typesMu.Unlock()
	for i := range runs {
		r := &runs[i]
		rt := s.model.checkRun(fset, sc, r, false)
		if i == len(runs)-1 {
			if len(rt.errs) > 0 {
				return ""
			}
			return resultType(rt, r.expr, sc.imports)
		}
		for n, o := range rt.defs {
			sc.overlay[n] = o
		}
	}
	return ""
}
