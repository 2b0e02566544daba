// Package testsyms is the symbol table of testhelper, for the session's
// tests only.
package testsyms

import "reflect"

//go:generate go run ../../../exports/gen -list packages.txt -out . -pkg testsyms

// Symbols maps "importpath/name" to exported symbols, as interp.Use wants.
var Symbols = map[string]map[string]reflect.Value{}
