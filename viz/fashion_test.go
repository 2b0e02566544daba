package viz

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/recipes/data"
	"github.com/gocontrast/contrast/recipes/nn"
)

// fashionTest returns the first n (at most 1,000) images ([n, 1, 28, 28]
// in [0, 1]) and labels of the Fashion-MNIST test subset embedded in
// recipes/data, so tests on real images need no download.
func fashionTest(t testing.TB, n int) (*nn.Tensor, []int) {
	t.Helper()
	_, test := data.EmbeddedFashionMNIST()
	if n > test.Len() {
		t.Fatalf("fashionTest: %d images asked, the embedded test set has %d", n, test.Len())
	}
	idx := seq(n)
	return test.Batch(idx), test.BatchLabels(idx)
}

// TestRetrievalFashion runs retrieval on real images (raw pixels as the
// embedding): nearest neighbours by pixel cosine similarity are mostly of
// the query's class on Fashion-MNIST (about 0.8 with k = 5), far above
// the 0.1 of chance, which a bug in ranking or labelling would give.
func TestRetrievalFashion(t *testing.T) {
	x, labels := fashionTest(t, 1000)
	z := nn.FromSlice(x.Data, 1000, 784)
	f := Retrieval(x, z, labels, seq(100), 5, data.FashionMNISTClasses...)
	if f.Err() != nil {
		t.Fatal(f.Err())
	}
	var p float64
	if _, err := fmtSscanf(f.String(), "precision@5 %f", &p); err != nil {
		t.Fatalf("no precision in %q: %v", f.String(), err)
	}
	t.Logf("%s", f)
	if p < 0.6 {
		t.Errorf("pixel-space precision@5 on Fashion-MNIST %.3f, want > 0.6", p)
	}
}

// fmtSscanf scans the part of s from the first word of format on.
func fmtSscanf(s, format string, args ...any) (int, error) {
	key := strings.Fields(format)[0]
	i := strings.Index(s, key)
	if i < 0 {
		return 0, fmt.Errorf("%q not found", key)
	}
	return fmt.Sscanf(s[i:], format, args...)
}
