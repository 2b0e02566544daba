package session

import (
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
	"sync"
)

// universe is Go's predeclared identifiers.
var universe = map[string]bool{
	"bool": true, "byte": true, "complex64": true, "complex128": true, "error": true,
	"float32": true, "float64": true, "int": true, "int8": true, "int16": true,
	"int32": true, "int64": true, "rune": true, "string": true, "uint": true,
	"uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"any": true, "comparable": true, "true": true, "false": true, "iota": true, "nil": true,
}

func init() {
	for f := range builtinFuncs {
		universe[f] = true
	}
}

// checkUndefined reports names that a cell uses but nothing declares. yaegi
// would report them late or poorly ("constant definition loop"), and it
// leaves a placeholder behind that breaks later cells; the session catches
// them first, with the go/parser's resolution of the cell's own names.
func (s *Session) checkUndefined(fset *token.FileSet, runs []run, files []*ast.File) error {
	declared := map[string]bool{}
	for _, r := range runs {
		for _, d := range r.decls {
			declared[d.name] = true
		}
	}
	var errs scanner.ErrorList
	seen := map[string]bool{}
	for _, f := range files {
		for _, id := range f.Unresolved {
			n := id.Name
			if seen[n] || universe[n] || declared[n] || n == rtName || n == mainName || s.know.has(n) {
				continue
			}
			if _, ok := s.imports[n]; ok {
				continue
			}
			if s.dotName(n) {
				continue
			}
			seen[n] = true
			errs.Add(fset.Position(id.Pos()), "undefined: "+n+missingImport(n))
		}
	}
	if errs.Len() == 0 {
		return nil
	}
	errs.Sort()
	return errs
}

// dotName reports whether n comes from a dot import.
func (s *Session) dotName(n string) bool { return dotDefines(s.dotImports, n) }

// dotDefines reports whether one of the packages dots exports n.
func dotDefines(dots []string, n string) bool {
	for _, p := range dots {
		if t := allTables()[p]; t != nil {
			if _, ok := t.syms[n]; ok && !strings.HasPrefix(n, "_") {
				return true
			}
		}
	}
	return false
}

var (
	pkgNamesOnce sync.Once
	pkgNames     map[string][]string // package name -> importable paths
)

// missingImport suggests the import that would define name, if a package
// of that name can be imported.
func missingImport(name string) string {
	paths := pkgNamesOf(name)
	switch len(paths) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf(" (missing import %q)", paths[0])
	}
	q := make([]string, len(paths))
	for i, p := range paths {
		q[i] = strconv.Quote(p)
	}
	return " (missing import of one of " + strings.Join(q, ", ") + ")"
}

// pkgNamesOf lists the importable packages of the given name.
func pkgNamesOf(name string) []string {
	pkgNamesOnce.Do(func() {
		pkgNames = map[string][]string{}
		for _, p := range importablePaths() {
			if strings.Contains(p, "internal") {
				continue
			}
			n := packageName(p)
			pkgNames[n] = append(pkgNames[n], p)
		}
	})
	return pkgNames[name]
}
