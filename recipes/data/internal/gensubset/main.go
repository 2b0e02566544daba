// Command gensubset writes the stratified Fashion-MNIST subset that
// package data embeds: from the full IDX files in -src (Debian's
// dataset-fashion-mnist), -train images per class of the training set and
// -test per class of the test set, drawn with a fixed seed and kept in
// their original order, as gzip IDX files in -dst, together with the rows
// they came from (train-index-idx1-int.gz, t10k-index-idx1-int.gz).
//
// Run it through go generate in recipes/data.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"

	"github.com/gocontrast/contrast/recipes/data"
)

func main() {
	src := flag.String("src", data.FashionMNISTDir, "directory with the full Fashion-MNIST IDX files")
	dst := flag.String("dst", "fashionmnist", "output directory")
	perTrain := flag.Int("train", 600, "training images per class")
	perTest := flag.Int("test", 100, "test images per class")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := run(*src, *dst, *perTrain, *perTest, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gensubset:", err)
		os.Exit(1)
	}
}

func run(src, dst string, perTrain, perTest int, seed uint64) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, s := range []struct {
		prefix string
		per    int
	}{{"train", perTrain}, {"t10k", perTest}} {
		im, err := data.ReadIDX(filepath.Join(src, s.prefix+"-images-idx3-ubyte.gz"))
		if err != nil {
			return err
		}
		lb, err := data.ReadIDX(filepath.Join(src, s.prefix+"-labels-idx1-ubyte.gz"))
		if err != nil {
			return err
		}
		rng := rand.New(rand.NewPCG(seed, uint64(len(s.prefix))))
		byClass := map[byte][]int{}
		for i, l := range lb.Data {
			byClass[l] = append(byClass[l], i)
		}
		var keep []int
		for c := byte(0); c < 10; c++ {
			idx := byClass[c]
			if len(idx) < s.per {
				return fmt.Errorf("%s: class %d has %d images, fewer than %d", s.prefix, c, len(idx), s.per)
			}
			for _, j := range rng.Perm(len(idx))[:s.per] {
				keep = append(keep, idx[j])
			}
		}
		sort.Ints(keep)
		px := im.Dims[1] * im.Dims[2]
		pix := make([]byte, 0, len(keep)*px)
		labels := make([]byte, 0, len(keep))
		rows := make([]byte, 0, 4*len(keep))
		for _, i := range keep {
			pix = append(pix, im.Data[i*px:(i+1)*px]...)
			labels = append(labels, lb.Data[i])
			rows = binary.BigEndian.AppendUint32(rows, uint32(i))
		}
		n := len(keep)
		files := []struct {
			name string
			a    *data.IDX
		}{
			{s.prefix + "-images-idx3-ubyte.gz", &data.IDX{Type: data.IDXUint8, Dims: []int{n, im.Dims[1], im.Dims[2]}, Data: pix}},
			{s.prefix + "-labels-idx1-ubyte.gz", &data.IDX{Type: data.IDXUint8, Dims: []int{n}, Data: labels}},
			{s.prefix + "-index-idx1-int.gz", &data.IDX{Type: data.IDXInt32, Dims: []int{n}, Data: rows}},
		}
		for _, f := range files {
			if err := data.WriteIDX(filepath.Join(dst, f.name), f.a); err != nil {
				return err
			}
		}
		fmt.Printf("%s: %d images (%d per class)\n", s.prefix, n, s.per)
	}
	return nil
}
