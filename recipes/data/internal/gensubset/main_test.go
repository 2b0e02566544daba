package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gocontrast/contrast/recipes/data"
)

// TestRegenerateMatchesCommitted reruns the generator on Debian's copy and
// checks that it reproduces the embedded files byte for byte.
func TestRegenerateMatchesCommitted(t *testing.T) {
	if _, err := os.Stat(data.FashionMNISTDir); err != nil {
		t.Skip("Debian's dataset-fashion-mnist is not installed")
	}
	if testing.Short() {
		t.Skip("regenerating takes a few seconds")
	}
	dst := t.TempDir()
	if err := run(data.FashionMNISTDir, dst, 600, 100, 1); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dst, "*.gz"))
	if len(files) != 6 {
		t.Fatalf("%d files generated, want 6", len(files))
	}
	for _, f := range files {
		got, _ := os.ReadFile(f)
		want, err := os.ReadFile(filepath.Join("..", "..", "fashionmnist", filepath.Base(f)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the committed file: run go generate in recipes/data", filepath.Base(f))
		}
	}
}
