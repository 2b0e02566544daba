package session

import (
	_ "embed"

	gen "github.com/traefik/yaegi/stdlib/generic"
)

// The session's own interpreted sources of the generic packages slices and
// maps (Go 1.23 API), which replace yaegi's: yaegi v0.16.1's lack half of
// the functions and fail on the rest where a type argument is inferable
// only from a constraint (S ~[]E). cmp stays yaegi's. They are compiled by
// loadGeneric and type-checked by checkGenericSource.

var (
	//go:embed ext/slices.go.txt
	extSlices string
	//go:embed ext/maps.go.txt
	extMaps string
)

// genericSource returns the interpreted source of cmp, maps or slices.
func genericSource(p string) string {
	switch p {
	case "slices":
		return extSlices
	case "maps":
		return extMaps
	}
	return gen.Sources[genericSources[p]]
}
