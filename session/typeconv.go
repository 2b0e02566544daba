package session

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"path"
	"reflect"
	"strings"
	"sync"
)

// The session's model of cells in go/types terms (see typecheck.go) needs
// the packages cells import as *types.Package. Compiled packages exist for
// the session only as yaegi symbol tables of reflect values, so their
// types are rebuilt from reflection: every function, variable, constant
// and type of a table, with the methods reflection shows (exported ones:
// a compiled package's unexported methods cannot be called from a cell
// anyway). cmp, maps and slices, which yaegi runs as interpreted generic
// source, are type-checked from that very source (and the session's
// additions, extensions.go), so that the model knows exactly what cells
// can call.
//
// The packages are built once per process, on first import, under
// typesMu, and never change afterwards except for the methods that cells
// add to their own types (typecheck.go, also under typesMu): go/types
// objects are not safe for concurrent mutation.

var (
	typesMu  sync.Mutex
	typesGen int // tablesGen the cache was built for
	typesPkg map[string]*types.Package
	typesNam map[reflect.Type]*types.Named
)

// typesImporter is a types.Importer over the session's symbol tables.
// typesMu must be held while it is used.
type typesImporter struct{}

func (typesImporter) Import(p string) (*types.Package, error) {
	return importTypes(p)
}

// importTypes returns the go/types package for an importable path.
// typesMu must be held.
func importTypes(p string) (*types.Package, error) {
	if g := tablesGeneration(); typesPkg == nil || typesGen != g {
		typesPkg, typesNam, typesGen = map[string]*types.Package{}, map[reflect.Type]*types.Named{}, g
	}
	if pkg, ok := typesPkg[p]; ok && pkg.Complete() {
		return pkg, nil
	}
	if p == "unsafe" {
		return types.Unsafe, nil
	}
	if _, ok := genericSources[p]; ok {
		return checkGenericSource(p)
	}
	t := allTables()[p]
	if t == nil {
		return nil, fmt.Errorf("package %q is not importable", p)
	}
	pkg := pkgFor(p, t.name)
	scope := pkg.Scope()
	for name, v := range t.syms {
		if strings.HasPrefix(name, "_") || !v.IsValid() {
			continue // interface wrappers
		}
		if obj := objectOf(pkg, name, v); obj != nil {
			scope.Insert(obj)
		}
	}
	pkg.MarkComplete()
	return pkg, nil
}

// pkgFor returns the (possibly still empty) package of an import path.
func pkgFor(p, name string) *types.Package {
	if pkg, ok := typesPkg[p]; ok {
		return pkg
	}
	if name == "" {
		if t := allTables()[p]; t != nil {
			name = t.name
		} else {
			name = path.Base(p)
		}
	}
	pkg := types.NewPackage(p, name)
	typesPkg[p] = pkg
	return pkg
}

// objectOf turns one symbol table entry into a go/types object.
func objectOf(pkg *types.Package, name string, v reflect.Value) types.Object {
	if c, ok := v.Interface().(constant.Value); ok {
		return types.NewConst(token.NoPos, pkg, name, untypedOf(c), c)
	}
	switch {
	case v.Kind() == reflect.Func:
		sig, _ := reflectType(v.Type()).(*types.Signature)
		if sig == nil {
			return nil
		}
		return types.NewFunc(token.NoPos, pkg, name, sig)
	case v.CanSet():
		return types.NewVar(token.NoPos, pkg, name, reflectType(v.Type()))
	case v.Kind() == reflect.Pointer && v.IsNil():
		t := reflectType(v.Type().Elem())
		if n, ok := t.(*types.Named); ok && n.Obj().Name() == name && n.Obj().Pkg() == pkg {
			return n.Obj()
		}
		return types.NewTypeName(token.NoPos, pkg, name, t) // an alias
	}
	if c := constOf(v); c != nil {
		return types.NewConst(token.NoPos, pkg, name, reflectType(v.Type()), c)
	}
	return types.NewVar(token.NoPos, pkg, name, reflectType(v.Type()))
}

func untypedOf(c constant.Value) types.Type {
	switch c.Kind() {
	case constant.Bool:
		return types.Typ[types.UntypedBool]
	case constant.String:
		return types.Typ[types.UntypedString]
	case constant.Int:
		return types.Typ[types.UntypedInt]
	case constant.Float:
		return types.Typ[types.UntypedFloat]
	case constant.Complex:
		return types.Typ[types.UntypedComplex]
	}
	return types.Typ[types.Invalid]
}

// constOf is the constant value of a typed constant's reflect value.
func constOf(v reflect.Value) constant.Value {
	switch v.Kind() {
	case reflect.Bool:
		return constant.MakeBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return constant.MakeInt64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return constant.MakeUint64(v.Uint())
	case reflect.Float32, reflect.Float64:
		return constant.MakeFloat64(v.Float())
	case reflect.String:
		return constant.MakeString(v.String())
	}
	return nil
}

var basicKinds = map[reflect.Kind]types.BasicKind{
	reflect.Bool: types.Bool, reflect.Int: types.Int, reflect.Int8: types.Int8,
	reflect.Int16: types.Int16, reflect.Int32: types.Int32, reflect.Int64: types.Int64,
	reflect.Uint: types.Uint, reflect.Uint8: types.Uint8, reflect.Uint16: types.Uint16,
	reflect.Uint32: types.Uint32, reflect.Uint64: types.Uint64, reflect.Uintptr: types.Uintptr,
	reflect.Float32: types.Float32, reflect.Float64: types.Float64,
	reflect.Complex64: types.Complex64, reflect.Complex128: types.Complex128,
	reflect.String: types.String, reflect.UnsafePointer: types.UnsafePointer,
}

var errorType = reflect.TypeOf((*error)(nil)).Elem()

// reflectType converts a compiled type. typesMu must be held.
func reflectType(t reflect.Type) types.Type {
	if t == errorType {
		return types.Universe.Lookup("error").Type()
	}
	if t.Name() != "" {
		if t.PkgPath() == "" {
			if k, ok := basicKinds[t.Kind()]; ok {
				return types.Typ[k]
			}
		} else {
			return namedType(t)
		}
	}
	return typeLiteral(t)
}

// namedType converts a defined type of a compiled package, with its
// methods.
func namedType(t reflect.Type) *types.Named {
	if n, ok := typesNam[t]; ok {
		return n
	}
	pkg := pkgFor(t.PkgPath(), "")
	obj := types.NewTypeName(token.NoPos, pkg, t.Name(), nil)
	n := types.NewNamed(obj, nil, nil)
	typesNam[t] = n // before the underlying type, which may refer to n
	n.SetUnderlying(typeLiteral(t))
	if t.Kind() == reflect.Interface {
		return n
	}
	pt := reflect.PointerTo(t)
	for i := 0; i < pt.NumMethod(); i++ {
		m := pt.Method(i)
		var recv types.Type = types.NewPointer(n)
		if _, ok := t.MethodByName(m.Name); ok {
			recv = n
		}
		sig := signatureOf(m.Type, 1, types.NewVar(token.NoPos, pkg, "", recv))
		n.AddMethod(types.NewFunc(token.NoPos, pkg, m.Name, sig))
	}
	return n
}

// typeLiteral converts the structure of t, ignoring its name.
func typeLiteral(t reflect.Type) types.Type {
	switch t.Kind() {
	case reflect.Pointer:
		return types.NewPointer(reflectType(t.Elem()))
	case reflect.Slice:
		return types.NewSlice(reflectType(t.Elem()))
	case reflect.Array:
		return types.NewArray(reflectType(t.Elem()), int64(t.Len()))
	case reflect.Map:
		return types.NewMap(reflectType(t.Key()), reflectType(t.Elem()))
	case reflect.Chan:
		dir := types.SendRecv
		switch t.ChanDir() {
		case reflect.SendDir:
			dir = types.SendOnly
		case reflect.RecvDir:
			dir = types.RecvOnly
		}
		return types.NewChan(dir, reflectType(t.Elem()))
	case reflect.Func:
		return signatureOf(t, 0, nil)
	case reflect.Struct:
		fields := make([]*types.Var, t.NumField())
		tags := make([]string, t.NumField())
		for i := range fields {
			f := t.Field(i)
			fields[i] = types.NewField(token.NoPos, pkgOfName(f.PkgPath), f.Name, reflectType(f.Type), f.Anonymous)
			tags[i] = string(f.Tag)
		}
		return types.NewStruct(fields, tags)
	case reflect.Interface:
		var ms []*types.Func
		for i := 0; i < t.NumMethod(); i++ {
			m := t.Method(i)
			ms = append(ms, types.NewFunc(token.NoPos, pkgOfName(m.PkgPath), m.Name, signatureOf(m.Type, 0, nil)))
		}
		it := types.NewInterfaceType(ms, nil)
		it.Complete()
		return it
	}
	if k, ok := basicKinds[t.Kind()]; ok {
		return types.Typ[k]
	}
	return types.Typ[types.Invalid]
}

// pkgOfName is the package of an unexported field or method (nil for an
// exported one).
func pkgOfName(p string) *types.Package {
	if p == "" {
		return nil
	}
	return pkgFor(p, "")
}

// signatureOf converts a func type, skipping its first skip parameters
// (the receiver of a method expression).
func signatureOf(t reflect.Type, skip int, recv *types.Var) *types.Signature {
	var params, results []*types.Var
	for i := skip; i < t.NumIn(); i++ {
		params = append(params, types.NewParam(token.NoPos, nil, "", reflectType(t.In(i))))
	}
	for i := 0; i < t.NumOut(); i++ {
		results = append(results, types.NewParam(token.NoPos, nil, "", reflectType(t.Out(i))))
	}
	return types.NewSignatureType(recv, nil, nil, types.NewTuple(params...), types.NewTuple(results...), t.IsVariadic())
}

// checkGenericSource type-checks the interpreted source of cmp, maps or
// slices, with the session's additions to it.
func checkGenericSource(p string) (*types.Package, error) {
	if pkg, ok := typesPkg[p]; ok && pkg.Complete() {
		return pkg, nil
	}
	fset := token.NewFileSet()
	var files []*ast.File
	f, err := parser.ParseFile(fset, p+".go", genericSource(p), parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	files = append(files, f)
	pkg := types.NewPackage(p, p)
	conf := types.Config{Importer: typesImporter{}, Error: func(error) {}}
	// Errors in code the interpreter runs are its business: the
	// package's good parts still serve.
	types.NewChecker(&conf, fset, pkg, nil).Files(files)
	pkg.MarkComplete()
	typesPkg[p] = pkg
	return pkg, nil
}
