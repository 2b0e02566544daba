package session

import (
	"go/ast"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// Auto-import, as goimports and gonb do it: a cell that uses a package it
// did not import, data.FashionMNIST() or strings.Split(s, ","), gets the
// import, for this cell and the ones after it as if the user had written
// it. A name qualifies when every use of it in the cell is as a
// qualifier (X.Sel), nothing in scope declares it, and exactly one
// importable package (the standard library and session/exports/
// packages.txt) of that name exports every Sel the cell uses. When
// several do, one of contrast's packages wins over the standard library
// if it is the only one of ours; rand, which math/rand, math/rand/v2 and
// crypto/rand all name, means math/rand/v2 (the one contrast's APIs take)
// when it has every Sel; otherwise the cell fails as before with
// "undefined: rand (missing import of one of ...)". The import is added
// silently, as gonb does: a line on the error stream would be noise in
// every notebook, and Inspect of the name shows the package it stands
// for.

// preferredImports settle a package name that several importable
// packages share.
var preferredImports = map[string]string{"rand": "math/rand/v2"}

// chooseImport returns the package that name.Sel means for every Sel of
// sels, "" when none or several might.
func chooseImport(name string, sels []string) string {
	var fit []string
	for _, p := range pkgNamesOf(name) {
		if exportsAll(p, sels) {
			fit = append(fit, p)
		}
	}
	return pickImport(name, fit)
}

// pickImport settles among the packages that fit: the only one, the only
// one of contrast's, or the preferred one.
func pickImport(name string, fit []string) string {
	switch len(fit) {
	case 0:
		return ""
	case 1:
		return fit[0]
	}
	var ours []string
	for _, p := range fit {
		if !stdPath(p) {
			ours = append(ours, p)
		}
	}
	if len(ours) == 1 {
		return ours[0]
	}
	if p, ok := preferredImports[name]; ok {
		for _, q := range fit {
			if q == p {
				return p
			}
		}
	}
	return ""
}

// stdPath reports whether p is a standard library path.
func stdPath(p string) bool {
	return !strings.Contains(strings.SplitN(p, "/", 2)[0], ".")
}

// exportsAll reports whether package p exports every name of sels.
func exportsAll(p string, sels []string) bool {
	if t := allTables()[p]; t != nil {
		for _, sel := range sels {
			if _, ok := t.syms[sel]; !ok || !token.IsExported(sel) {
				return false
			}
		}
		return true
	}
	if _, ok := genericSources[p]; !ok {
		return false
	}
	typesMu.Lock()
	defer typesMu.Unlock()
	pkg, err := importTypes(p)
	if err != nil {
		return false
	}
	for _, sel := range sels {
		if o := pkg.Scope().Lookup(sel); o == nil || !o.Exported() {
			return false
		}
	}
	return true
}

// qualifiers finds the names that runs use without declaring them (the
// unresolved names of files, the runs as go/parser resolved them), only
// as qualifiers of a selector: name -> the selected names, sorted.
// defined reports the names that the scope declares; skip is an
// identifier not to count (the word being completed).
func qualifiers(runs []run, files []*ast.File, defined func(string) bool, skip *ast.Ident) map[string][]string {
	unresolved := map[*ast.Ident]bool{}
	for _, f := range files {
		for _, id := range f.Unresolved {
			if !defined(id.Name) {
				unresolved[id] = true
			}
		}
	}
	if len(unresolved) == 0 {
		return nil
	}
	sels := map[string]map[string]bool{}
	bare := map[string]bool{}
	for _, r := range runs {
		for _, root := range r.nodes() {
			ast.Inspect(root, func(n ast.Node) bool {
				se, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if x, ok := se.X.(*ast.Ident); ok && unresolved[x] {
					delete(unresolved, x) // counted
					if sels[x.Name] == nil {
						sels[x.Name] = map[string]bool{}
					}
					if se.Sel != skip {
						sels[x.Name][se.Sel.Name] = true
					}
				}
				return true
			})
		}
	}
	for id := range unresolved {
		bare[id.Name] = true // used other than as a qualifier
	}
	out := map[string][]string{}
	for name, set := range sels {
		if bare[name] {
			continue
		}
		list := make([]string, 0, len(set))
		for sel := range set {
			list = append(list, sel)
		}
		sort.Strings(list)
		out[name] = list
	}
	return out
}

// cellDefines lists the names a cell's runs declare at its top level,
// imports included.
func cellDefines(runs []run) map[string]bool {
	out := map[string]bool{}
	for _, r := range runs {
		switch r.kind {
		case declRun:
			if r.src == nil || r.src.Scope == nil {
				continue
			}
			for n := range r.src.Scope.Objects {
				out[n] = true
			}
			for _, sp := range importSpecs([]run{r}) {
				name, _ := specName(sp)
				out[name] = true
			}
		default:
			if r.block == nil {
				continue
			}
			for _, st := range r.block.List {
				switch st := st.(type) {
				case *ast.AssignStmt:
					if st.Tok == token.DEFINE {
						for _, l := range st.Lhs {
							if id, ok := l.(*ast.Ident); ok {
								out[id.Name] = true
							}
						}
					}
				case *ast.DeclStmt:
					for _, sp := range st.Decl.(*ast.GenDecl).Specs {
						switch sp := sp.(type) {
						case *ast.ValueSpec:
							for _, n := range sp.Names {
								out[n.Name] = true
							}
						case *ast.TypeSpec:
							out[sp.Name.Name] = true
						}
					}
				}
			}
		}
	}
	return out
}

// autoImportRun returns a run importing the packages that the cell uses
// without importing them (see the top of this file), nil when there are
// none. file names the cell in positions.
func (s *Session) autoImportRun(fset *token.FileSet, file string, runs []run, files []*ast.File) (*run, error) {
	declared := cellDefines(runs)
	defined := func(n string) bool {
		if declared[n] || universe[n] || n == rtName || n == mainName || s.know.has(n) || s.dotName(n) {
			return true
		}
		_, ok := s.imports[n]
		return ok
	}
	qs := qualifiers(runs, files, defined, nil)
	if len(qs) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(qs))
	for n := range qs {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		p := chooseImport(n, qs[n])
		if p == "" {
			continue
		}
		if b.Len() == 0 {
			b.WriteString("import (\n")
		}
		if packageName(p) == n {
			b.WriteString("\t" + strconv.Quote(p) + "\n")
		} else {
			b.WriteString("\t" + n + " " + strconv.Quote(p) + "\n")
		}
	}
	if b.Len() == 0 {
		return nil, nil
	}
	b.WriteString(")")
	f, err := parseDecls(fset, file, b.String(), 0, b.Len())
	if err != nil {
		return nil, err
	}
	return &run{kind: declRun, file: f, src: f, index: -1}, nil
}

// autoImportPaths lists the packages a name not in scope may stand for as
// a qualifier, for completion of name.|: the one chooseImport would pick
// with no member known yet, or else all of them.
func autoImportPaths(name string) []string {
	paths := pkgNamesOf(name)
	if p := pickImport(name, paths); p != "" {
		return []string{p}
	}
	return paths
}
