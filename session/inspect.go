package session

import (
	"fmt"
	"go/constant"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/session/exports"
	"github.com/gocontrast/contrast/session/internal/godoc"
)

// Inspect describes the symbol at byte offset cursor: its declaration and
// doc comment. It knows the cell's own declarations (with their source at
// detail >= 1), the members of imported packages, also of packages the
// code imports itself (contrast's from the generated doc table, the
// standard library's from GOROOT's sources when they are installed, else
// the signature alone), fields and methods of any expression whose type
// is known, and the locals of the code.
func (s *Session) Inspect(code string, cursor int, detail int) Inspection {
	cursor = max(0, min(cursor, len(code)))
	start, end := wordAt(code, cursor)
	if start == end {
		// Just after a name, as in "fmt.Println(": inspect the call.
		if i := strings.LastIndexAny(code[:cursor], "("); i > 0 && strings.TrimSpace(code[i+1:cursor]) == "" {
			start, end = wordAt(code, i)
		}
	}
	if start == end {
		return Inspection{}
	}
	text, ok := "", false
	if ti := s.analyze(code, start, end); ti != nil {
		if o := ti.object(); o != nil {
			text, ok = s.describeObject(ti, o, detail)
		}
	}
	if !ok {
		// pkg.Name of a package nothing imports yet: its documentation
		// is as good (json.Marshal before import "encoding/json").
		if chain := chainBefore(code, start); len(chain) > 0 && !s.know.has(chain[0]) {
			if _, imported := s.scope.Load().imports[chain[0]]; !imported {
				if paths := pkgNamesOf(chain[0]); len(paths) == 1 {
					imp := "import \"" + paths[0] + "\"\n"
					return s.Inspect(imp+code, len(imp)+cursor, detail)
				}
			}
		}
	}
	if !ok {
		chain := append(chainBefore(code, start), code[start:end])
		if text, ok = s.describe(chain, detail); !ok {
			return Inspection{}
		}
	}
	decl, doc, _ := strings.Cut(text, "\n\n")
	md := "```go\n" + decl + "\n```"
	if doc != "" {
		md += "\n\n" + doc
	}
	return Inspection{Found: true, Data: display.Bundle{display.MIMEText: text, display.MIMEMarkdown: md}}
}

// describe returns "declaration\n\ndoc" for a selector chain.
func (s *Session) describe(chain []string, detail int) (string, bool) {
	name := chain[len(chain)-1]
	if len(chain) == 1 {
		if d := s.know.global(name); d != nil {
			return s.describeDecl(d, detail), true
		}
		if p, ok := s.importPath(name); ok {
			if doc, ok := packageDoc(p, ""); ok {
				return doc, true
			}
			return fmt.Sprintf("package %s // import %q", name, p), true
		}
		if universe[name] {
			if doc, ok := packageDoc("builtin", name); ok {
				return doc, true
			}
			return "builtin " + name, true
		}
		return "", false
	}
	// pkg.Name, pkg.Type.Member
	if p, ok := s.importPath(chain[0]); ok {
		member := strings.Join(chain[1:], ".")
		if doc, ok := packageDoc(p, member); ok {
			return doc, true
		}
		if len(chain) == 2 {
			if t := allTables()[p]; t != nil {
				if v, ok := t.syms[name]; ok {
					return signature(chain[0]+"."+name, v), true
				}
			}
		}
		return "", false
	}
	// x.field, x.Method
	t := s.resolveChain(chain[:len(chain)-1])
	if t.decl != nil {
		if m := s.know.method(t.decl.name, name); m != nil {
			return s.describeDecl(m, detail), true
		}
		for _, f := range t.decl.fields {
			if f.name == name {
				return fmt.Sprintf("field %s %s\n\n(in %s)", f.name, f.typ, t.decl.decl), true
			}
		}
	}
	if t.rt != nil {
		rt := t.rt
		if rt.Kind() == reflect.Pointer {
			rt = rt.Elem()
		}
		if p, n := rt.PkgPath(), rt.Name(); n != "" {
			if doc, ok := packageDoc(p, n+"."+name); ok {
				return doc, true
			}
		}
		if m, ok := reflect.PointerTo(rt).MethodByName(name); ok {
			return fmt.Sprintf("func (%s) %s%s", rt, name, strings.TrimPrefix(m.Type.String(), "func("+reflect.PointerTo(rt).String()+", ")), true
		}
		if rt.Kind() == reflect.Struct {
			if f, ok := rt.FieldByName(name); ok {
				return fmt.Sprintf("field %s %s", name, f.Type), true
			}
		}
	}
	return "", false
}

// describeDecl describes one of the cell's declarations; for variables,
// with their current value.
func (s *Session) describeDecl(d *declInfo, detail int) string {
	decl := strings.TrimSpace(d.decl)
	if detail > 0 && d.src != "" {
		decl = strings.TrimSpace(d.src)
	}
	var b strings.Builder
	b.WriteString(decl)
	var notes []string
	if d.doc != "" {
		notes = append(notes, strings.TrimSpace(d.doc))
	}
	if d.kind == "var" {
		if v, ok := s.globalValue(d.name); ok {
			v = unwrapInterface(v)
			if v.IsValid() && v.CanInterface() {
				typ := d.typ
				if typ == "" || v.Type().Name() != "" {
					typ = typeString(v)
				}
				notes = append(notes, fmt.Sprintf("type %s, value %s", typ, truncateAt(formatValue(v.Interface()), 500)))
			}
		}
	}
	if d.cell != "" {
		notes = append(notes, "declared in "+d.cell)
	}
	if len(notes) > 0 {
		b.WriteString("\n\n" + strings.Join(notes, "\n\n"))
	}
	return b.String()
}

// typeString names v's type; yaegi's struct types for a cell's types are
// unnamed and carry X-prefixed unexported fields.
func typeString(v reflect.Value) string {
	t := unrename(v.Type().String())
	if hasRenamedFields(v.Type(), 0) {
		t = renamedTypeFieldRE.ReplaceAllString(t, "$1$2 ")
	}
	return t
}

var renamedTypeFieldRE = regexp.MustCompile(`([{;] )X([a-z_][A-Za-z0-9_]*) `)

// unwrapInterface looks through yaegi's representation of interpreted
// interface values.
func unwrapInterface(v reflect.Value) reflect.Value {
	for v.IsValid() {
		if v.Kind() == reflect.Interface && !v.IsNil() {
			v = v.Elem()
			continue
		}
		t := v.Type()
		if t.Kind() == reflect.Struct && t.Name() == "valueInterface" && strings.HasSuffix(t.PkgPath(), "yaegi/interp") {
			v = v.FieldByName("value")
			continue
		}
		break
	}
	return v
}

// signature describes a symbol from its reflect value alone.
func signature(name string, v reflect.Value) string {
	if !v.IsValid() {
		return name
	}
	if c, ok := v.Interface().(constant.Value); ok {
		return fmt.Sprintf("const %s = %s", name, c.ExactString())
	}
	switch {
	case v.Kind() == reflect.Func:
		return "func " + name + strings.TrimPrefix(v.Type().String(), "func")
	case v.Kind() == reflect.Pointer && v.IsNil():
		t := v.Type().Elem()
		return fmt.Sprintf("type %s %s", name, t.Kind())
	}
	return fmt.Sprintf("var %s %s", name, v.Type())
}

// Doc comments of standard library packages, read from GOROOT's sources
// on first use.
var (
	stdDocsMu sync.Mutex
	stdDocs   = map[string]map[string]string{} // import path -> key -> doc; nil map when unavailable
)

// packageDoc returns the documentation of member ("" for the package
// itself) of package p.
func packageDoc(p, member string) (string, bool) {
	if d, ok := exports.Doc(p, member); ok {
		return d, true
	}
	stdDocsMu.Lock()
	defer stdDocsMu.Unlock()
	entries, loaded := stdDocs[p]
	if !loaded {
		if dir := gorootSrc(p); dir != "" {
			entries = map[string]string{}
			if godoc.PackageDocs(p, dir, entries) != nil {
				entries = nil
			}
		}
		stdDocs[p] = entries
	}
	d, ok := entries[p+"."+member]
	return d, ok
}

// gorootSrc returns the source directory of a standard package, "" when
// Go's sources are not installed (as on a machine without Go).
func gorootSrc(p string) string {
	if strings.Contains(strings.SplitN(p, "/", 2)[0], ".") {
		return "" // not the standard library
	}
	roots := []string{os.Getenv("GOROOT"), runtime.GOROOT(), "/usr/local/go", "/usr/lib/go"}
	for _, r := range roots {
		if r == "" {
			continue
		}
		dir := filepath.Join(r, "src", filepath.FromSlash(p))
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
	}
	return ""
}
