package exports

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/session/internal/generate"
)

// TestTablesFresh regenerates the tables from packages.txt and compares
// them with the checked-in files.
func TestTablesFresh(t *testing.T) {
	paths, err := generate.ReadList("packages.txt")
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate.Files(paths, "exports", ".")
	if err != nil {
		t.Fatal(err)
	}
	have, _ := filepath.Glob("sym_*.go")
	have = append(have, "docs_gen.go")
	for _, name := range have {
		if _, ok := want[name]; !ok {
			t.Errorf("%s is not generated from packages.txt any more: run go generate ./session/...", name)
		}
	}
	for name, src := range want {
		got, err := os.ReadFile(name)
		if err != nil || !bytes.Equal(got, src) {
			t.Errorf("%s is stale: run go generate ./session/...", name)
		}
		if !strings.HasPrefix(string(src), generate.Header+"\n") {
			t.Errorf("%s does not start with the generated-code header", name)
		}
	}
}

func TestSymbolsAndDocs(t *testing.T) {
	for _, p := range Packages() {
		key := p + "/" + filepath.Base(p)
		if len(Symbols[key]) == 0 {
			t.Errorf("no symbols for %s (key %s)", p, key)
		}
	}
	d, ok := Doc("github.com/gocontrast/contrast/display", "Show")
	if !ok || !strings.HasPrefix(d, "func Show(v any)") || !strings.Contains(d, "richest MIME bundle") {
		t.Errorf("Doc(display, Show) = %q, %v", d, ok)
	}
	if d, ok := Doc("github.com/gocontrast/contrast/recipes/nn", "Tensor.Rows"); !ok || !strings.Contains(d, "func (t *Tensor) Rows() int") {
		t.Errorf("Doc(nn, Tensor.Rows) = %q, %v", d, ok)
	}
	if d, ok := Doc("github.com/gocontrast/contrast/recipes/nn", "Param.NoDecay"); !ok || !strings.Contains(d, "NoDecay bool") {
		t.Errorf("Doc(nn, Param.NoDecay) = %q, %v", d, ok)
	}
}
