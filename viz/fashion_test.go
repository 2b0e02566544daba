package viz

import (
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

const fashionDir = "/usr/share/datasets/fashion-mnist/"

// fashionTest reads the first n Fashion-MNIST test images ([n, 1, 28, 28]
// in [0, 1]) and labels from Debian's dataset-fashion-mnist; it skips the
// test when the package is not installed.
func fashionTest(t testing.TB, n int) (*nn.Tensor, []int) {
	t.Helper()
	img, err := readIDX(fashionDir + "t10k-images-idx3-ubyte.gz")
	if err != nil {
		t.Skipf("Fashion-MNIST not available (apt-get install dataset-fashion-mnist): %v", err)
	}
	lab, err := readIDX(fashionDir + "t10k-labels-idx1-ubyte.gz")
	if err != nil {
		t.Skipf("Fashion-MNIST labels not available: %v", err)
	}
	x := nn.New(n, 1, 28, 28)
	for i := range x.Data {
		x.Data[i] = float32(img[i]) / 255
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = int(lab[i])
	}
	return x, labels
}

// readIDX returns the payload of a gzipped IDX file (header skipped).
func readIDX(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(z)
	if err != nil {
		return nil, err
	}
	dims := int(data[3])
	_ = binary.BigEndian
	return data[4+4*dims:], nil
}
