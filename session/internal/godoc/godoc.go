// Package godoc extracts declarations and doc comments of a package's
// exported symbols from its sources, for inspection in cells. The generator
// uses it for contrast's packages; the session uses it at run time for the
// standard library when GOROOT sources are present.
package godoc

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// PackageDocs adds to entries the documentation of the exported symbols of
// the package importPath whose sources are in dir, keyed "importpath.Name"
// and "importpath.Type.Member", and of the package itself, keyed
// "importpath.". It is also used at run time for standard library
// packages.
func PackageDocs(importPath, dir string, entries map[string]string) error {
	fset := token.NewFileSet()
	names, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var files []*ast.File
	for _, e := range names {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		if ok, err := build.Default.MatchFile(dir, n); err != nil || !ok {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.ParseComments)
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return fmt.Errorf("no Go files for %s in %s", importPath, dir)
	}
	var mode doc.Mode
	if importPath == "builtin" {
		mode = doc.AllDecls // append, len, ... are lower case
	}
	pkg, err := doc.NewFromFiles(fset, files, importPath, mode)
	if err != nil {
		return err
	}
	// The package itself, under "importpath.".
	entries[importPath+"."] = strings.TrimSpace(fmt.Sprintf("package %s // import %q\n\n%s", pkg.Name, importPath, strings.TrimSpace(pkg.Doc)))
	put := func(name string, decl ast.Node, text string) {
		entries[importPath+"."+name] = strings.TrimSpace(render(fset, decl) + "\n\n" + strings.TrimSpace(text))
	}
	for _, f := range pkg.Funcs {
		put(f.Name, stripBody(f.Decl), f.Doc)
	}
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			for _, spec := range v.Decl.Specs {
				vs := spec.(*ast.ValueSpec)
				for _, id := range vs.Names {
					if !id.IsExported() && mode&doc.AllDecls == 0 {
						continue
					}
					text := v.Doc
					if vs.Doc != nil {
						text = vs.Doc.Text()
					} else if vs.Comment != nil {
						text = vs.Comment.Text()
					}
					single := &ast.GenDecl{Tok: v.Decl.Tok, Specs: []ast.Spec{vs}}
					put(id.Name, single, text)
				}
			}
		}
	}
	values(pkg.Consts)
	values(pkg.Vars)
	for _, t := range pkg.Types {
		put(t.Name, t.Decl, t.Doc)
		values(t.Consts)
		values(t.Vars)
		for _, f := range t.Funcs {
			put(f.Name, stripBody(f.Decl), f.Doc)
		}
		for _, m := range t.Methods {
			put(t.Name+"."+m.Name, stripBody(m.Decl), m.Doc)
		}
		// Struct fields: "Type.Field" gives the field line and its comment.
		for _, spec := range t.Decl.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok {
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, fld := range st.Fields.List {
				text := ""
				if fld.Doc != nil {
					text = fld.Doc.Text()
				} else if fld.Comment != nil {
					text = fld.Comment.Text()
				}
				for _, id := range fld.Names {
					if !id.IsExported() {
						continue
					}
					line := t.Name + "." + id.Name + " " + render(fset, fld.Type)
					entries[importPath+"."+t.Name+"."+id.Name] = strings.TrimSpace(line + "\n\n" + strings.TrimSpace(text))
				}
			}
		}
	}
	return nil
}

func stripBody(d *ast.FuncDecl) *ast.FuncDecl {
	c := *d
	c.Body = nil
	c.Doc = nil
	return &c
}

func render(fset *token.FileSet, n ast.Node) string {
	if g, ok := n.(*ast.GenDecl); ok {
		c := *g
		c.Doc = nil
		n = &c
	}
	var b bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&b, fset, n); err != nil {
		return fmt.Sprint(n)
	}
	return b.String()
}
