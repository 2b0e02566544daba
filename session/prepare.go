package session

import (
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// Preparing a cell: parse it into runs, check its imports and names, and
// rewrite it for the interpreter (see rewrite.go).

// valueCount is how many values the expression e has: 1 for all but calls,
// the result count for calls of builtins, of the cell's funcs and of
// package funcs, -1 when the syntax does not tell.
func (s *Session) valueCount(e ast.Expr) int {
	c, ok := unparen(e).(*ast.CallExpr)
	if !ok {
		return 1
	}
	switch f := unparen(c.Fun).(type) {
	case *ast.Ident:
		switch f.Name {
		case "clear", "close", "delete", "panic", "print", "println":
			return 0
		}
		if builtinFuncs[f.Name] {
			return 1
		}
		if d := s.know.global(f.Name); d != nil && d.kind == "func" {
			return d.nresults
		}
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && !s.know.has(x.Name) {
			if p, ok := s.imports[x.Name]; ok {
				if t := allTables()[p]; t != nil {
					if v, ok := t.syms[f.Sel.Name]; ok && v.Kind() == reflect.Func {
						return v.Type().NumOut()
					}
				}
			}
		}
	}
	return -1
}

// prepare parses and rewrites a cell into runs. When it fails, nothing
// of the cell has run: the imports it recorded are forgotten.
func (s *Session) prepare(kind, code string) ([]run, *Error) {
	before := make(map[string]string, len(s.imports))
	for n, p := range s.imports {
		before[n] = p
	}
	ndots := len(s.dotImports)
	runs, e := s.prepareRuns(kind, code)
	if e != nil {
		for n, p := range s.imports {
			if before[n] != p {
				delete(s.imports, n)
			}
		}
		s.dotImports = s.dotImports[:min(ndots, len(s.dotImports))]
		s.publishScope()
	}
	return runs, e
}

// prepareRuns is prepare's work.
func (s *Session) prepareRuns(kind, code string) ([]run, *Error) {
	fset := s.in.FileSet()
	file := kind + strconv.Itoa(s.seq) + "/" + s.baseName()
	runs, files, err := parseCell(fset, file, code)
	if err != nil {
		return nil, s.compileError(err)
	}
	// Imports: check, deduplicate, and switch file scope on a rebinding.
	if name, ok := s.rebinding(runs); ok {
		if err := s.switchFile(name); err != nil {
			return nil, s.compileError(err)
		}
		file = kind + strconv.Itoa(s.seq) + "/" + s.baseName()
		if runs, files, err = parseCell(fset, file, code); err != nil {
			return nil, s.compileError(err)
		}
	}
	e := s.resolveImports(fset, runs)
	s.publishScope()
	if e != nil {
		return nil, e
	}
	// What the cell declares, for the undefined-name check now and for
	// completion once it compiled.
	funcs := map[string]string{}
	for _, d := range s.know.names() {
		if d.kind == "func" && d.result != "" {
			funcs[d.name] = d.result
		}
	}
	cellName := s.tags.name(uint64(s.seq))
	for i := range runs {
		switch runs[i].kind {
		case declRun:
			runs[i].decls = declsOfFile(fset, runs[i].file, cellName, funcs)
		case stmtRun, exprRun:
			runs[i].decls = declsOfBlock(fset, runs[i].block, cellName, funcs)
		}
	}
	// Packages the cell uses without importing them (autoimport.go).
	auto, err := s.autoImportRun(fset, file, runs, files)
	if err != nil {
		return nil, s.compileError(err)
	}
	if auto != nil {
		if e := s.resolveImports(fset, []run{*auto}); e != nil {
			return nil, e
		}
		s.publishScope()
		runs = append([]run{*auto}, runs...)
	}
	if err := s.checkUndefined(fset, runs, files); err != nil {
		return nil, s.compileError(err)
	}
	if err := mainNotFunc(fset, runs); err != nil {
		return nil, s.compileError(err)
	}
	if err := s.checkMethodRedefinitions(fset, runs); err != nil {
		return nil, s.compileError(err)
	}
	for _, r := range runs {
		if ret := topReturn(r.block); ret != nil {
			var errs scanner.ErrorList
			errs.Add(fset.Position(ret.Pos()), "return outside a function: a cell's statements cannot return")
			return nil, s.compileError(errs)
		}
	}
	// Modern Go that yaegi lacks, rewritten with the cell's types.
	s.cellCode, s.cellFile = code, file
	s.typecheckRuns(fset, runs)
	if err := missingReturns(fset, runs); err != nil {
		return nil, s.compileError(err)
	}
	if n := len(runs); n > 0 && runs[n-1].kind == exprRun {
		last := &runs[n-1]
		// Before modernize, which may replace the expression.
		last.out = trailingKind(last.types, last.expr)
		last.typ = resultType(last.types, last.expr, s.imports)
	}
	modern := runs[:0:0]
	for i := range runs {
		extra, err := s.modernize(fset, &runs[i])
		if err != nil {
			return nil, s.compileError(err)
		}
		modern = append(modern, runs[i])
		if extra != nil {
			modern = append(modern, *extra)
		}
	}
	runs = modern
	rw := &rewriter{consts: map[string]bool{}, pkgs: map[string]bool{}}
	for c := range s.consts {
		rw.consts[c] = true
	}
	for name := range s.imports {
		rw.pkgs[name] = true
	}
	out := runs[:0:0]
	hasMain := token.NoPos
	for _, r := range runs {
		switch r.kind {
		case declRun:
			constNames(r.file, rw.consts)
			if renameMain(r.file) {
				hasMain = r.file.Pos()
			}
		case stmtRun, exprRun:
			constNames(r.block, rw.consts)
		}
	}
	userMain := hasMain.IsValid()
	if d := s.know.global("main"); d != nil && d.kind == "func" {
		userMain = true
	}
	var mainErrs scanner.ErrorList
	for _, r := range runs {
		for _, n := range r.nodes() {
			mainRefs(fset, n, userMain, &mainErrs)
		}
	}
	if mainErrs.Len() > 0 {
		return nil, s.compileError(mainErrs)
	}
	for _, r := range runs {
		for _, n := range r.nodes() {
			s.parallelAssigns(n)
		}
		switch r.kind {
		case declRun:
			s.renameRedefinedTypes(r.file)
			rw.guardGo(r.file)
		case stmtRun:
			rw.topDefers(r.block)
			rw.guardGo(r.block)
			wrapTypeSwitches(r.block)
			lineMarks(fset, r.block, nil)
		case exprRun:
			rw.topDefers(r.block)
			rw.guardGo(r.block)
			wrapTypeSwitches(r.block)
			rw.guardGo(r.expr)
			r.quiet = quietCall(r.expr, s.imports)
			lineMarks(fset, r.block, r.expr)
		}
		out = append(out, r)
	}
	if hasMain.IsValid() {
		pos := hasMain
		for _, r := range runs {
			if r.kind == declRun {
				for _, d := range r.file.Decls {
					if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == mainName {
						pos = fd.Pos()
					}
				}
			}
		}
		out = append(out, run{kind: stmtRun, block: callMain(pos)})
	}
	return out, nil
}

// importSpecs lists the cell's import specs with their names.
func importSpecs(runs []run) (specs []*ast.ImportSpec) {
	for _, r := range runs {
		if r.kind != declRun {
			continue
		}
		for _, d := range r.file.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				for _, sp := range g.Specs {
					specs = append(specs, sp.(*ast.ImportSpec))
				}
			}
		}
	}
	return specs
}

func specName(sp *ast.ImportSpec) (name, path string) {
	path, _ = strconv.Unquote(sp.Path.Value)
	if sp.Name != nil {
		return sp.Name.Name, path
	}
	return packageName(path), path
}

// rebinding finds an import that binds a name to another package than the
// one it names now.
func (s *Session) rebinding(runs []run) (string, bool) {
	for _, sp := range importSpecs(runs) {
		name, p := specName(sp)
		if old, ok := s.imports[name]; ok && old != p && name != "_" && name != "." {
			return name, true
		}
	}
	return "", false
}

// resolveImports checks that every import can be satisfied, loads generic
// sources, drops imports already in scope and records the new ones.
func (s *Session) resolveImports(fset *token.FileSet, runs []run) *Error {
	for _, r := range runs {
		if r.kind != declRun {
			continue
		}
		decls := r.file.Decls[:0]
		for _, d := range r.file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.IMPORT {
				decls = append(decls, d)
				continue
			}
			specs := g.Specs[:0]
			for _, sp := range g.Specs {
				is := sp.(*ast.ImportSpec)
				name, p := specName(is)
				if !importable(p) {
					pos := fset.Position(is.Pos())
					msg := fmt.Sprintf("cannot import %q: cells can import the standard library and contrast's packages (list: session/exports/packages.txt)", p)
					if p == "iter" {
						msg += "; an iterator is a plain func type here: write iter.Seq[V] as func(yield func(V) bool) and iter.Seq2[K, V] as func(yield func(K, V) bool)"
					}
					return &Error{Name: ErrCompile, Message: s.where(pos.Filename, pos.Line) + ": " + msg,
						Traceback: []string{ErrCompile + ": " + s.where(pos.Filename, pos.Line) + ": " + msg}}
				}
				if err := s.loadGeneric(p); err != nil {
					return s.compileError(err)
				}
				if name == "_" || (s.imports[name] == p && name != ".") {
					continue
				}
				if name == "." {
					s.dotImports = append(s.dotImports, p)
				} else {
					s.imports[name] = p
				}
				specs = append(specs, is)
			}
			if len(specs) > 0 {
				g.Specs = specs
				decls = append(decls, g)
			}
		}
		r.file.Decls = decls
	}
	return nil
}

// missingReturns reports the functions of a cell that end without a
// return statement although they have results: yaegi would let them
// return zero values. Of Go's type errors, this is the one the session
// applies before yaegi, which accepts the code (see typecheck.go).
func missingReturns(fset *token.FileSet, runs []run) error {
	var errs scanner.ErrorList
	for _, r := range runs {
		if r.types == nil {
			continue
		}
		for _, e := range r.types.errs {
			if e.Msg == "missing return" {
				errs.Add(fset.Position(e.Pos), e.Msg)
			}
		}
	}
	if errs.Len() == 0 {
		return nil
	}
	return errs
}

// checkMethodRedefinitions refuses a changed method of a type that an
// earlier cell declared: yaegi v0.16.1 keeps a method's first definition,
// so the change would silently not take effect. Running the same method
// again is fine, and so is redefining the type with its methods in one
// cell (the type is then new, see renameRedefinedTypes).
func (s *Session) checkMethodRedefinitions(fset *token.FileSet, runs []run) error {
	types := map[string]bool{}
	for _, r := range runs {
		for _, d := range r.decls {
			if d.kind == "type" {
				types[d.name] = true
			}
		}
	}
	var errs scanner.ErrorList
	for _, r := range runs {
		for _, d := range r.decls {
			if d.kind != "method" || types[d.recv] {
				continue
			}
			old := s.know.method(d.recv, d.name)
			if old == nil || strings.Join(strings.Fields(old.src), " ") == strings.Join(strings.Fields(d.src), " ") {
				continue
			}
			pos := token.Position{Filename: r.src.Name.Name, Line: d.line}
			if r.file != nil {
				pos = fset.Position(r.file.Pos())
				pos.Line = d.line
			}
			errs.Add(pos, fmt.Sprintf("method %s.%s is already defined (%s) and the interpreter keeps a method's first definition: "+
				"run the new method in one cell with type %s's declaration, which makes the type anew", d.recv, d.name, old.cell, d.recv))
		}
	}
	if errs.Len() == 0 {
		return nil
	}
	return errs
}

// mainNotFunc refuses a global named main that is not a func: yaegi runs
// a cell's statements as the body of a func main, and a global var, const
// or type of that name breaks the interpreter for good.
func mainNotFunc(fset *token.FileSet, runs []run) error {
	var errs scanner.ErrorList
	for _, r := range runs {
		for _, d := range r.decls {
			if d.name != "main" || d.kind == "func" || d.kind == "method" {
				continue
			}
			errs.Add(fset.Position(mainIdentPos(r)), "main is the name of a cell's func main: give this "+d.kind+" another name")
			break
		}
	}
	if errs.Len() == 0 {
		return nil
	}
	return errs
}

// mainIdentPos finds where a run declares the name main.
func mainIdentPos(r run) token.Pos {
	pos := token.NoPos
	for _, n := range r.nodes() {
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == "main" && id.Obj != nil && id.Obj.Kind != ast.Fun && !pos.IsValid() {
				pos = id.Pos()
			}
			return !pos.IsValid()
		})
	}
	return pos
}
