package session

import (
	"bytes"
	"go/ast"
	"go/printer"
	"go/token"
	"sort"
	"strings"
	"sync"
)

// knowledge is what the session learned from the cells it ran: the global
// declarations in scope, with their source, for the undefined-name check,
// completion and inspection. yaegi keeps its own scopes private.
type knowledge struct {
	mu      sync.RWMutex
	globals map[string]*declInfo            // by name
	methods map[string]map[string]*declInfo // type name -> method name -> method
}

// declInfo describes one global: a func, type, var or const, or a method.
type declInfo struct {
	name     string
	kind     string // "func", "type", "var", "const", "method"
	recv     string // for methods: the receiver's type name
	decl     string // the declaration as written, without body
	doc      string // its doc comment
	cell     string // where it was declared, "cell [3]"
	typ      string // vars and consts: the declared or inferred type, "" if unknown
	result   string // funcs: the first result's type
	nresults int    // funcs: how many results
	line     int    // funcs and methods: the line of the declaration
	src      string // funcs and methods: the whole source
	fields   []fieldInfo
}

type fieldInfo struct{ name, typ string }

func newKnowledge() *knowledge {
	k := &knowledge{}
	k.reset()
	return k
}

func (k *knowledge) reset() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.globals = map[string]*declInfo{}
	k.methods = map[string]map[string]*declInfo{}
}

// commit records declarations of a run that compiled.
func (k *knowledge) commit(ds []*declInfo) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, d := range ds {
		if d.kind == "type" {
			delete(k.methods, d.name) // a redefined type starts without methods
		}
	}
	for _, d := range ds {
		if d.kind == "method" {
			if k.methods[d.recv] == nil {
				k.methods[d.recv] = map[string]*declInfo{}
			}
			k.methods[d.recv][d.name] = d
			continue
		}
		k.globals[d.name] = d
	}
}

func (k *knowledge) global(name string) *declInfo {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.globals[name]
}

func (k *knowledge) has(name string) bool { return k.global(name) != nil }

// declLine returns the declaration line of a func ("f") or method ("T.M",
// "(*T).M"), 0 if unknown.
func (k *knowledge) declLine(fn string) int {
	if i := strings.LastIndexByte(fn, '.'); i > 0 {
		typ := strings.Trim(fn[:i], "(*)")
		if m := k.method(typ, fn[i+1:]); m != nil {
			return m.line
		}
		return 0
	}
	if d := k.global(fn); d != nil && d.kind == "func" {
		return d.line
	}
	return 0
}

func (k *knowledge) methodsOf(typ string) []*declInfo {
	k.mu.RLock()
	defer k.mu.RUnlock()
	var out []*declInfo
	for _, m := range k.methods[typ] {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func (k *knowledge) method(typ, name string) *declInfo {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.methods[typ][name]
}

// names lists all globals.
func (k *knowledge) names() []*declInfo {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := make([]*declInfo, 0, len(k.globals))
	for _, d := range k.globals {
		out = append(out, d)
	}
	return out
}

// nodeText prints a syntax node as gofmt would.
func nodeText(fset *token.FileSet, n ast.Node) string {
	var b bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&b, fset, n); err != nil {
		return ""
	}
	return b.String()
}

// declsOfFile describes the declarations of a declaration run (before any
// rewrite).
func declsOfFile(fset *token.FileSet, f *ast.File, cell string, funcs map[string]string) []*declInfo {
	var out []*declInfo
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			head := *d
			head.Body, head.Doc = nil, nil
			full := *d
			full.Doc = nil
			info := &declInfo{name: d.Name.Name, kind: "func", decl: nodeText(fset, &head), doc: d.Doc.Text(), cell: cell,
				line: fset.Position(d.Pos()).Line, src: nodeText(fset, &full)}
			if r := d.Type.Results; r != nil && len(r.List) > 0 {
				info.result = nodeText(fset, r.List[0].Type)
				info.nresults = r.NumFields()
			}
			if d.Recv != nil && len(d.Recv.List) > 0 {
				info.kind = "method"
				info.recv = recvName(d.Recv.List[0].Type)
			} else if info.result != "" {
				funcs[info.name] = info.result
			}
			out = append(out, info)
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					doc := sp.Doc.Text()
					if doc == "" {
						doc = d.Doc.Text()
					}
					spec := *sp
					spec.Doc, spec.Comment = nil, nil
					info := &declInfo{name: sp.Name.Name, kind: "type", decl: "type " + nodeText(fset, &spec), doc: doc, cell: cell}
					if st, ok := sp.Type.(*ast.StructType); ok {
						for _, fl := range st.Fields.List {
							t := nodeText(fset, fl.Type)
							for _, n := range fl.Names {
								info.fields = append(info.fields, fieldInfo{n.Name, t})
							}
							if len(fl.Names) == 0 { // embedded
								info.fields = append(info.fields, fieldInfo{recvName(fl.Type), t})
							}
						}
					}
					out = append(out, info)
				case *ast.ValueSpec:
					kind := "var"
					if d.Tok == token.CONST {
						kind = "const"
					}
					doc := sp.Doc.Text()
					if doc == "" {
						doc = d.Doc.Text()
					}
					spec := *sp
					spec.Doc, spec.Comment = nil, nil
					text := kind + " " + nodeText(fset, &spec)
					for i, n := range sp.Names {
						if n.Name == "_" {
							continue
						}
						info := &declInfo{name: n.Name, kind: kind, decl: text, doc: doc, cell: cell}
						if sp.Type != nil {
							info.typ = nodeText(fset, sp.Type)
						} else if len(sp.Values) == len(sp.Names) {
							info.typ = inferType(fset, sp.Values[i], funcs)
						}
						out = append(out, info)
					}
				}
			}
		}
	}
	return out
}

// declsOfBlock describes the globals a statement run defines with :=.
func declsOfBlock(fset *token.FileSet, b *ast.BlockStmt, cell string, funcs map[string]string) []*declInfo {
	var out []*declInfo
	if b == nil {
		return nil
	}
	for _, st := range b.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE {
			continue
		}
		text := nodeText(fset, as)
		if len(text) > 200 {
			text = text[:200] + "…"
		}
		for i, l := range as.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok || id.Name == "_" {
				continue
			}
			info := &declInfo{name: id.Name, kind: "var", decl: text, cell: cell}
			if len(as.Lhs) == len(as.Rhs) {
				info.typ = inferType(fset, as.Rhs[i], funcs)
			}
			out = append(out, info)
		}
	}
	return out
}

// recvName is the type name of a receiver or embedded field: T for T, *T,
// T[P] and pkg.T.
func recvName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return recvName(x.X)
	case *ast.IndexExpr:
		return recvName(x.X)
	case *ast.IndexListExpr:
		return recvName(x.X)
	case *ast.SelectorExpr:
		return x.Sel.Name
	case *ast.Ident:
		return x.Name
	}
	return ""
}

// inferType guesses the type of an initializer from its syntax: composite
// literals, &T{}, conversions and calls of known functions, basic literals.
func inferType(fset *token.FileSet, e ast.Expr, funcs map[string]string) string {
	switch x := unparen(e).(type) {
	case *ast.CompositeLit:
		if x.Type != nil {
			return nodeText(fset, x.Type)
		}
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			if t := inferType(fset, x.X, funcs); t != "" {
				return "*" + t
			}
		}
	case *ast.BasicLit:
		switch x.Kind {
		case token.INT:
			return "int"
		case token.FLOAT:
			return "float64"
		case token.STRING:
			return "string"
		case token.CHAR:
			return "rune"
		case token.IMAG:
			return "complex128"
		}
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok {
			if r, ok := funcs[id.Name]; ok {
				return r
			}
			if id.Name == "new" && len(x.Args) == 1 {
				return "*" + nodeText(fset, x.Args[0])
			}
			if !builtinFuncs[id.Name] && len(x.Args) == 1 && id.Name != "" && strings.ToLower(id.Name[:1]) == id.Name[:1] {
				// float64(x), myType(x): a conversion or a call.
				return ""
			}
		}
	}
	return ""
}
