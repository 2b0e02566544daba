package session

import "testing"

// How auto-import settles a name that several packages share.
func TestPickImport(t *testing.T) {
	for _, c := range []struct {
		name string
		fit  []string
		want string
	}{
		{"strings", []string{"strings"}, "strings"},
		{"x", nil, ""},
		{"data", []string{"encoding/data", "github.com/gocontrast/contrast/recipes/data"}, "github.com/gocontrast/contrast/recipes/data"},
		{"data", []string{"github.com/a/data", "github.com/b/data"}, ""},
		{"template", []string{"html/template", "text/template"}, ""},
		{"rand", []string{"crypto/rand", "math/rand", "math/rand/v2"}, "math/rand/v2"},
		{"rand", []string{"crypto/rand", "math/rand"}, ""},
	} {
		if got := pickImport(c.name, c.fit); got != c.want {
			t.Errorf("pickImport(%q, %q) = %q want %q", c.name, c.fit, got, c.want)
		}
	}
	for _, c := range []struct {
		name string
		sels []string
		want string
	}{
		{"rand", []string{"Intn"}, "math/rand"},
		{"rand", []string{"IntN"}, "math/rand/v2"},
		{"rand", []string{"New", "Float64"}, "math/rand/v2"},
		{"rand", []string{"Prime"}, "crypto/rand"},
		{"rand", []string{"Intn", "IntN"}, ""},
		{"slices", []string{"Sort"}, "slices"}, // interpreted generic source
		{"data", []string{"FashionMNIST"}, "github.com/gocontrast/contrast/recipes/data"},
		{"strings", []string{"NoSuch"}, ""},
		{"strings", []string{"toUpper"}, ""}, // unexported
	} {
		if got := chooseImport(c.name, c.sels); got != c.want {
			t.Errorf("chooseImport(%q, %q) = %q want %q", c.name, c.sels, got, c.want)
		}
	}
}
