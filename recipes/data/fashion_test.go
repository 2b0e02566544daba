package data

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocontrast/contrast/display"
)

func TestEmbeddedSubsetIsStratified(t *testing.T) {
	train, test := EmbeddedFashionMNIST()
	for _, c := range []struct {
		d        *Dataset
		n, per   int
		maxIndex int
	}{{train, 6000, 600, 60000}, {test, 1000, 100, 10000}} {
		if c.d.Len() != c.n || !reflect.DeepEqual(c.d.Images().Shape, []int{c.n, 1, 28, 28}) {
			t.Fatalf("%s: %d images shaped %v, want %d [.. 1 28 28]", c.d.Name, c.d.Len(), c.d.Images().Shape, c.n)
		}
		for cl, n := range c.d.Counts() {
			if n != c.per {
				t.Errorf("%s: class %d has %d images, want %d", c.d.Name, cl, n, c.per)
			}
		}
		for i := 1; i < c.d.Len(); i++ {
			if c.d.Index[i] <= c.d.Index[i-1] || c.d.Index[i] >= c.maxIndex {
				t.Fatalf("%s: Index not increasing within [0, %d) at %d", c.d.Name, c.maxIndex, i)
			}
		}
		var sum float64
		for _, v := range c.d.Images().Data {
			if v < 0 || v > 1 {
				t.Fatalf("pixel %v outside [0, 1]", v)
			}
			sum += float64(v)
		}
		// Fashion-MNIST's mean pixel is 0.286 (train) and 0.287 (test).
		if mean := sum / float64(len(c.d.Images().Data)); mean < 0.27 || mean > 0.30 {
			t.Errorf("%s: mean pixel %.3f, want about 0.286", c.d.Name, mean)
		}
	}
	if train.Classes[9] != "Ankle boot" {
		t.Errorf("class 9 is %q", train.Classes[9])
	}
	// Each call returns its own labels.
	tr2, _ := EmbeddedFashionMNIST()
	tr2.Labels[0], tr2.Classes[0] = 7, "x"
	tr3, _ := EmbeddedFashionMNIST()
	if tr3.Labels[0] == 7 || tr3.Classes[0] == "x" || FashionMNISTClasses[0] == "x" {
		t.Error("EmbeddedFashionMNIST returns shared labels or classes")
	}
}

type textSink struct {
	mu    sync.Mutex
	texts []string
}

func (s *textSink) Display(b display.Bundle, _ map[string]any, _ string) {
	s.mu.Lock()
	s.texts = append(s.texts, b.String(display.MIMEText))
	s.mu.Unlock()
}
func (s *textSink) Update(string, display.Bundle, map[string]any) {}
func (s *textSink) Clear(bool)                                    {}

func TestFashionMNISTFallsBackToEmbedded(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "absent")
	t.Setenv("CONTRAST_FASHION_MNIST", dir)
	sink := &textSink{}
	defer display.Bind(context.Background(), sink)()
	for range 2 {
		train, test := FashionMNIST()
		if train.Len() != 6000 || test.Len() != 1000 {
			t.Errorf("got %d/%d images, want the embedded 6000/1000", train.Len(), test.Len())
		}
	}
	if len(sink.texts) != 1 {
		t.Fatalf("%d notes, want exactly one: %q", len(sink.texts), sink.texts)
	}
	for _, want := range []string{"embedded Fashion-MNIST subset (6000 train, 1000 test", dir + " not found", "dataset-fashion-mnist"} {
		if !strings.Contains(sink.texts[0], want) {
			t.Errorf("note %q lacks %q", sink.texts[0], want)
		}
	}
}

func TestLoadFashionMNISTErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	_, _, err := LoadFashionMNIST(dir)
	wantErr(t, err, filepath.Join(dir, "train-images-idx3-ubyte"), "file not found", "dataset-fashion-mnist", FashionMNISTDir)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v is not fs.ErrNotExist", err)
	}
	// Corrupt: copy the embedded files, truncate the test images.
	for _, name := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
		b, _ := embedded.ReadFile("fashionmnist/" + name)
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	b, _ := embedded.ReadFile("fashionmnist/t10k-images-idx3-ubyte.gz")
	os.WriteFile(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), b[:len(b)/3], 0o644)
	_, _, err = LoadFashionMNIST(dir)
	wantErr(t, err, filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), "unexpected EOF")
	// Plain (not gzip) files are found too.
	os.Remove(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"))
	a, _, _ := decodeFile(embedOpener{}, "t10k-images-idx3-ubyte.gz")
	if err := WriteIDX(filepath.Join(dir, "t10k-images-idx3-ubyte"), a); err != nil {
		t.Fatal(err)
	}
	train, test, err := LoadFashionMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 6000 || test.Len() != 1000 {
		t.Errorf("%d/%d", train.Len(), test.Len())
	}
}

// TestDebianFashionMNIST checks the full set and that the embedded subset
// holds exactly its rows at Index. It skips without dataset-fashion-mnist.
func TestDebianFashionMNIST(t *testing.T) {
	if _, err := os.Stat(FashionMNISTDir); err != nil {
		t.Skip("Debian's dataset-fashion-mnist is not installed")
	}
	train, test, err := LoadFashionMNIST(FashionMNISTDir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 {
		t.Fatalf("%d/%d images, want 60000/10000", train.Len(), test.Len())
	}
	for _, d := range []*Dataset{train, test} {
		for c, n := range d.Counts() {
			if n != d.Len()/10 {
				t.Errorf("%s: class %d has %d", d.Name, c, n)
			}
		}
	}
	etr, ete := EmbeddedFashionMNIST()
	for _, p := range [][2]*Dataset{{etr, train}, {ete, test}} {
		sub, full := p[0], p[1]
		for i, j := range sub.Index {
			if sub.Labels[i] != full.Labels[j] || !reflect.DeepEqual(sub.Image(i).Data, full.Image(j).Data) {
				t.Fatalf("%s row %d differs from the full set's row %d", sub.Name, i, j)
			}
		}
	}
}

func BenchmarkLoadFashionMNIST(b *testing.B) {
	b.Run("embedded", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			tr, te, err := loadMNISTLike(embedOpener{}, "x", FashionMNISTClasses)
			if err != nil {
				b.Fatal(err)
			}
			sinkDS = tr
			sinkDS = te
		}
	})
	if _, err := os.Stat(FashionMNISTDir); err != nil {
		return
	}
	b.Run("debian", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			tr, _, err := loadMNISTLike(dirOpener(FashionMNISTDir), "x", FashionMNISTClasses)
			if err != nil {
				b.Fatal(err)
			}
			sinkDS = tr
		}
	})
	b.Run("debian-cached", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			tr, _, err := LoadFashionMNIST(FashionMNISTDir)
			if err != nil {
				b.Fatal(err)
			}
			sinkDS = tr
		}
	})
}

var sinkDS *Dataset

func TestLoadFashionMNISTCachesUntilFilesChange(t *testing.T) {
	dir := t.TempDir()
	copyEmbedded := func() {
		for _, name := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
			b, _ := embedded.ReadFile("fashionmnist/" + name)
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	copyEmbedded()
	a, _, err := LoadFashionMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	a.Labels[0] = 9
	b, _, err := LoadFashionMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	if &a.pix[0] != &b.pix[0] {
		t.Error("second load decoded the files again")
	}
	if b.Labels[0] == 9 {
		t.Error("loads share Labels")
	}
	// Replace the test labels with all zeros: the next load sees them.
	lb, _ := ReadIDX(filepath.Join(dir, "train-labels-idx1-ubyte.gz"))
	clear(lb.Data)
	if err := WriteIDX(filepath.Join(dir, "train-labels-idx1-ubyte.gz"), lb); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(dir, "train-labels-idx1-ubyte.gz"), future, future)
	c, _, err := LoadFashionMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Counts()[0] != c.Len() {
		t.Errorf("after rewriting the labels: counts %v, want all in class 0", c.Counts())
	}
}
