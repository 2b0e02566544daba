package session

import (
	"go/constant"
	"go/scanner"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Completion kinds, as Jupyter's completion types name them.
const (
	kindFunc    = "function"
	kindType    = "type"
	kindVar     = "variable"
	kindConst   = "constant"
	kindPackage = "module"
	kindKeyword = "keyword"
	kindField   = "field"
	kindMethod  = "method"
	kindPath    = "path"
)

var keywords = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else",
	"fallthrough", "for", "func", "go", "goto", "if", "import", "interface",
	"map", "package", "range", "return", "select", "struct", "switch", "type", "var",
}

func isIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// wordAt returns the identifier around byte offset cursor: [start, end),
// with start..cursor the part before the cursor.
func wordAt(code string, cursor int) (start, end int) {
	start = cursor
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(code[:start])
		if !isIdentRune(r) {
			break
		}
		start -= n
	}
	end = cursor
	for end < len(code) {
		r, n := utf8.DecodeRuneInString(code[end:])
		if !isIdentRune(r) {
			break
		}
		end += n
	}
	return start, end
}

// chainBefore returns the selector chain that ends just before offset i
// (where code[i-1] is '.'): "a.b." gives [a b]. It is nil when the
// expression before the dot is not a plain chain of identifiers.
func chainBefore(code string, i int) []string {
	var chain []string
	for i > 0 && code[i-1] == '.' {
		j := i - 1
		s, _ := wordAt(code, j)
		if s == j {
			return nil // f(). or x[i].
		}
		chain = append([]string{code[s:j]}, chain...)
		i = s
	}
	if len(chain) > 0 {
		if r, _ := utf8.DecodeRuneInString(chain[0]); unicode.IsDigit(r) {
			return nil // 1.5
		}
	}
	return chain
}

type candidate struct {
	name, kind string
	src        int // how near the name is: srcLocal, srcGlobal, ...
}

// Candidate sources, nearest first: completion offers a local before a
// global, a global before a package, a package before a builtin.
const (
	srcLocal = iota
	srcGlobal
	srcPackage
	srcUniverse
	srcKeyword
)

// Complete proposes identifiers for the word at byte offset cursor: names
// in scope (locals and parameters around the cursor, names the code
// declares, the session's globals, imports, builtins and keywords),
// members of a package after "pkg." (also of one the code imports itself,
// before it ran), fields and methods after "x." for any expression x whose
// type is known, and import paths inside an import's string. Matches
// that start with the word come first, then those that start with it in
// another case; nearer names rank higher (locals, globals, packages,
// builtins, keywords), then alphabetical order.
func (s *Session) Complete(code string, cursor int) Completion {
	cursor = max(0, min(cursor, len(code)))
	for cursor > 0 && cursor < len(code) && !utf8.RuneStart(code[cursor]) {
		cursor--
	}
	if c, ok := s.completeImportPath(code, cursor); ok {
		return c
	}
	start, end := wordAt(code, cursor)
	prefix := code[start:cursor]
	var cands []candidate
	analysed := false
	if ti := s.analyze(code, start, end); ti != nil {
		cands, analysed = ti.completions(s)
	}
	if !analysed {
		if chain := chainBefore(code, start); len(chain) > 0 {
			cands = s.members(chain)
		} else if start > 0 && code[start-1] == '.' {
			cands = nil // after a call or an index: nothing we can know
		} else {
			cands = s.scopeNames(code)
		}
	}
	out := Completion{Start: start, End: end, Matches: []string{}, Types: []string{}}
	type ranked struct {
		candidate
		tier int
	}
	lp := strings.ToLower(prefix)
	var rs []ranked
	best := map[string]int{} // name -> index in rs
	for _, c := range cands {
		tier := -1
		switch {
		case strings.HasPrefix(c.name, prefix):
			tier = 0
		case strings.HasPrefix(strings.ToLower(c.name), lp):
			tier = 1
		}
		if tier < 0 {
			continue
		}
		r := ranked{c, tier}
		if i, dup := best[c.name]; dup {
			if rs[i].src > c.src {
				rs[i] = r
			}
			continue
		}
		best[c.name] = len(rs)
		rs = append(rs, r)
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.tier != b.tier {
			return a.tier < b.tier
		}
		if a.src != b.src {
			return a.src < b.src
		}
		// _-prefixed names last.
		ua, ub := strings.HasPrefix(a.name, "_"), strings.HasPrefix(b.name, "_")
		if ua != ub {
			return ub
		}
		return a.name < b.name
	})
	for _, r := range rs {
		out.Matches = append(out.Matches, r.name)
		out.Types = append(out.Types, r.kind)
	}
	return out
}

// completeImportPath completes an import path when the cursor is inside
// the string of an import declaration.
func (s *Session) completeImportPath(code string, cursor int) (Completion, bool) {
	q := strings.LastIndexByte(code[:cursor], '"')
	if q < 0 || strings.ContainsAny(code[q+1:cursor], "\"\n") {
		return Completion{}, false
	}
	// Inside a string: is it an import's?
	before := strings.TrimRight(code[:q], " \t")
	lineStart := strings.LastIndexByte(before, '\n') + 1
	line := strings.TrimSpace(before[lineStart:])
	inImport := strings.HasPrefix(line, "import") || line == "" || isIdentOnly(line)
	if inImport && !strings.HasPrefix(line, "import") {
		// In an import ( ... ) block?
		open := strings.LastIndex(code[:q], "import (")
		inImport = open >= 0 && !strings.Contains(code[open:q], ")")
	}
	if !inImport || quoteCount(code[lineStart:q])%2 != 0 {
		return Completion{}, false
	}
	prefix := code[q+1 : cursor]
	end := cursor
	for end < len(code) && code[end] != '"' && code[end] != '\n' {
		end++
	}
	out := Completion{Start: q + 1, End: end, Matches: []string{}, Types: []string{}}
	for _, p := range importablePaths() {
		if strings.HasPrefix(p, prefix) {
			out.Matches = append(out.Matches, p)
			out.Types = append(out.Types, kindPath)
		}
	}
	return out, true
}

func isIdentOnly(s string) bool {
	for _, r := range s {
		if !isIdentRune(r) && r != '.' {
			return false
		}
	}
	return true
}

func quoteCount(s string) int { return strings.Count(s, `"`) }

// scopeNames lists the names a cell can use without a selector.
func (s *Session) scopeNames(code string) []candidate {
	var out []candidate
	for _, d := range s.know.names() {
		out = append(out, candidate{d.name, declKind(d.kind), srcGlobal})
	}
	sc := s.scope.Load()
	for n := range sc.imports {
		out = append(out, candidate{n, kindPackage, srcPackage})
	}
	for _, p := range sc.dots {
		out = append(out, packageMembers(p)...)
	}
	for n := range universe {
		k := kindType
		switch {
		case builtinFuncs[n]:
			k = kindFunc
		case n == "true" || n == "false" || n == "iota" || n == "nil":
			k = kindConst
		}
		out = append(out, candidate{n, k, srcUniverse})
	}
	for _, k := range keywords {
		out = append(out, candidate{k, kindKeyword, srcKeyword})
	}
	out = append(out, codeNames(code)...)
	return out
}

func declKind(k string) string {
	switch k {
	case "func":
		return kindFunc
	case "type":
		return kindType
	case "const":
		return kindConst
	}
	return kindVar
}

// codeNames finds names the code being edited declares (x := ..., var x,
// func f, range variables), which the session does not know yet.
func codeNames(code string) []candidate {
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(code))
	var sc scanner.Scanner
	sc.Init(f, []byte(code), nil, 0)
	var out []candidate
	var idents []string
	var prev token.Token
	for {
		_, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.IDENT:
			idents = append(idents, lit)
			switch prev {
			case token.VAR:
				out = append(out, candidate{lit, kindVar, srcLocal})
			case token.CONST:
				out = append(out, candidate{lit, kindConst, srcLocal})
			case token.FUNC:
				out = append(out, candidate{lit, kindFunc, srcLocal})
			case token.TYPE:
				out = append(out, candidate{lit, kindType, srcLocal})
			}
		case token.DEFINE:
			for _, id := range idents {
				out = append(out, candidate{id, kindVar, srcLocal})
			}
		}
		if tok != token.IDENT && tok != token.COMMA {
			idents = idents[:0]
		}
		prev = tok
	}
	return out
}

// packageMembers lists the exported symbols of an importable package.
func packageMembers(p string) []candidate {
	t := allTables()[p]
	if t == nil {
		return nil
	}
	out := make([]candidate, 0, len(t.syms))
	for name, v := range t.syms {
		if strings.HasPrefix(name, "_") {
			continue // interface wrappers
		}
		out = append(out, candidate{name, symbolKind(v), srcGlobal})
	}
	return out
}

// symbolKind tells what a symbol table entry is.
func symbolKind(v reflect.Value) string {
	if !v.IsValid() {
		return kindVar
	}
	if _, ok := v.Interface().(constant.Value); ok {
		return kindConst
	}
	switch {
	case v.Kind() == reflect.Func:
		return kindFunc
	case v.CanSet():
		return kindVar
	case v.Kind() == reflect.Pointer && v.IsNil():
		return kindType
	}
	return kindConst
}

// members lists what can follow chain + ".".
func (s *Session) members(chain []string) []candidate {
	if len(chain) == 1 {
		if p, ok := s.importPath(chain[0]); ok {
			return packageMembers(p)
		}
		if !s.know.has(chain[0]) {
			// A package a cell would import by itself (autoimport.go).
			var out []candidate
			for _, p := range autoImportPaths(chain[0]) {
				out = append(out, packageMembers(p)...)
			}
			if len(out) > 0 {
				return out
			}
		}
	}
	t := s.resolveChain(chain)
	if t.rt == nil && t.decl == nil {
		return nil
	}
	var out []candidate
	if t.decl != nil {
		for _, f := range t.decl.fields {
			out = append(out, candidate{f.name, kindField, srcGlobal})
		}
		for _, m := range s.know.methodsOf(t.decl.name) {
			out = append(out, candidate{m.name, kindMethod, srcGlobal})
		}
	}
	if t.rt != nil {
		out = append(out, reflectMembers(t.rt)...)
	}
	return out
}

// importPath returns the package an import name stands for, unless a
// global of the same name hides it.
func (s *Session) importPath(name string) (string, bool) {
	if s.know.has(name) {
		return "", false
	}
	p, ok := s.scope.Load().imports[name]
	return p, ok
}

// reflectMembers lists exported fields and methods of a compiled type
// (and of its pointer type), and the fields of a cell's struct type, whose
// unexported fields yaegi has renamed with an X prefix.
func reflectMembers(t reflect.Type) []candidate {
	var out []candidate
	pt := t
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	} else {
		pt = reflect.PointerTo(t)
	}
	for i := 0; i < pt.NumMethod(); i++ {
		out = append(out, candidate{pt.Method(i).Name, kindMethod, srcGlobal})
	}
	if t.Kind() == reflect.Struct {
		named := t.Name() != ""
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := f.Name
			if !named && len(name) > 1 && name[0] == 'X' && (name[1] == '_' || unicode.IsLower(rune(name[1]))) {
				name = name[1:]
			} else if named && !f.IsExported() {
				continue
			}
			out = append(out, candidate{name, kindField, srcGlobal})
		}
	}
	return out
}

// typeInfo is what the session knows of a type: its reflect type, or the
// cell's declaration, or both.
type typeInfo struct {
	rt   reflect.Type
	decl *declInfo
}

// resolveChain finds the type of the expression chain[0].chain[1]...
func (s *Session) resolveChain(chain []string) typeInfo {
	var t typeInfo
	d := s.know.global(chain[0])
	if d != nil && (d.kind == "var" || d.kind == "const") {
		t = s.typeNamed(d.typ)
	}
	if d == nil || d.kind == "var" {
		if v, ok := s.globalValue(chain[0]); ok {
			t.rt = concreteType(v)
		}
	}
	for _, name := range chain[1:] {
		t = s.fieldType(t, name)
		if t.rt == nil && t.decl == nil {
			break
		}
	}
	return t
}

// concreteType is the dynamic type of v, through interfaces.
func concreteType(v reflect.Value) reflect.Type {
	v = unwrapInterface(v)
	if !v.IsValid() {
		return nil
	}
	if v.Kind() == reflect.Interface {
		return nil
	}
	return v.Type()
}

// typeNamed resolves a type written in a cell: the cell's own types (T,
// *T) and package types (pkg.T).
func (s *Session) typeNamed(expr string) typeInfo {
	expr = strings.TrimLeft(expr, "*")
	if expr == "" {
		return typeInfo{}
	}
	if pkg, name, ok := strings.Cut(expr, "."); ok {
		if p, ok := s.importPath(pkg); ok {
			if t := allTables()[p]; t != nil {
				if v, ok := t.syms[name]; ok && v.Kind() == reflect.Pointer && v.IsNil() {
					return typeInfo{rt: v.Type().Elem()}
				}
			}
		}
		return typeInfo{}
	}
	if d := s.know.global(expr); d != nil && d.kind == "type" {
		return typeInfo{decl: d}
	}
	return typeInfo{}
}

// fieldType is the type of field name of t.
func (s *Session) fieldType(t typeInfo, name string) typeInfo {
	var out typeInfo
	if t.decl != nil {
		for _, f := range t.decl.fields {
			if f.name == name {
				out = s.typeNamed(f.typ)
			}
		}
	}
	if t.rt != nil {
		rt := t.rt
		if rt.Kind() == reflect.Pointer {
			rt = rt.Elem()
		}
		if rt.Kind() == reflect.Struct {
			f, ok := rt.FieldByName(name)
			if !ok && rt.Name() == "" && name != "" {
				f, ok = rt.FieldByName("X" + name)
			}
			if ok {
				out.rt = f.Type
			}
		}
	}
	return out
}

// globalValue reads a global of the cell's package when no cell runs
// (reading the interpreter's frame during a run would race with it).
func (s *Session) globalValue(name string) (reflect.Value, bool) {
	if !s.mu.TryLock() {
		return reflect.Value{}, false
	}
	defer s.mu.Unlock()
	if s.closed || s.remnant != nil {
		return reflect.Value{}, false
	}
	v, ok := s.in.Globals()[name]
	return v, ok && v.IsValid()
}
