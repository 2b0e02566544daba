package exports

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/session/internal/generate"
)

var full = flag.Bool("full", false, "regenerate every table and compare byte for byte (slow: type-checks every package from source)")

const stale = "stale: run go generate ./session/..."

// TestTablesFresh fails when the checked-in tables do not match
// packages.txt or the packages' sources. Each table records the hash of
// the sources it was made from; the hashes are recomputed here, which is
// fast. One small package is also regenerated and compared byte for byte,
// which checks the generator end to end; -full regenerates them all.
func TestTablesFresh(t *testing.T) {
	paths, err := generate.ReadList("packages.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(paths, docPackages) {
		t.Errorf("docs_gen.go lists %v, packages.txt %v: %s", docPackages, paths, stale)
	}
	have, _ := filepath.Glob("sym_*.go")
	var want []string
	for _, p := range paths {
		want = append(want, generate.FileName(p))
	}
	slices.Sort(have)
	slices.Sort(want)
	if !slices.Equal(have, want) {
		t.Errorf("symbol tables %v, want %v for packages.txt: %s", have, want, stale)
	}
	dirs := goListDirs(t, paths)
	for _, p := range paths {
		h, err := generate.SourceHash(dirs[p])
		if err != nil {
			t.Fatal(err)
		}
		if got := recordedHash(t, generate.FileName(p)); got != h {
			t.Errorf("%s was made from other sources of %s (%s, now %s): %s", generate.FileName(p), p, got, h, stale)
		}
		if sourceHashes[p] != h {
			t.Errorf("docs_gen.go was made from other sources of %s: %s", p, stale)
		}
	}

	check := []string{"github.com/gocontrast/contrast/blas"}
	if *full {
		check = paths
	}
	files, err := generate.Files(check, "exports", ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range check {
		name := generate.FileName(p)
		got, err := os.ReadFile(name)
		if err != nil || !bytes.Equal(got, files[name]) {
			t.Errorf("%s differs from what the generator makes now: %s", name, stale)
		}
		if !bytes.HasPrefix(files[name], []byte(generate.Header+"\n")) {
			t.Errorf("%s does not start with the generated-code header", name)
		}
	}
	if *full {
		got, err := os.ReadFile("docs_gen.go")
		if err != nil || !bytes.Equal(got, files["docs_gen.go"]) {
			t.Errorf("docs_gen.go differs from what the generator makes now: %s", stale)
		}
	}
}

func goListDirs(t *testing.T, paths []string) map[string]string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list", "-f", "{{.ImportPath}}\t{{.Dir}}"}, paths...)...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dirs := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		p, d, _ := strings.Cut(l, "\t")
		dirs[p] = d
	}
	return dirs
}

func recordedHash(t *testing.T, file string) string {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	prefix := generate.HashLine("")
	for i := 0; i < 5 && sc.Scan(); i++ {
		if h, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			return h
		}
	}
	return ""
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
	if d, ok := Doc("github.com/gocontrast/contrast/display", ""); !ok || !strings.HasPrefix(d, `package display // import "github.com/gocontrast/contrast/display"`) {
		t.Errorf("package doc of display: %q", d)
	}
}
