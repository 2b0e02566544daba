package data

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CIFAR binary records: 32x32 RGB images stored channel-major (1024 red,
// 1024 green, 1024 blue bytes, rows top to bottom), each preceded by one
// label byte (CIFAR-10) or two (CIFAR-100: coarse, then fine), as in the
// "binary version" archives from Krizhevsky's page.
const cifarPixels = 3 * 32 * 32

// CIFAR10Classes are CIFAR-10's class names by label, as in
// batches.meta.txt.
var CIFAR10Classes = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

// LoadCIFAR10 reads the binary CIFAR-10 from dir (the extracted
// cifar-10-batches-bin: data_batch_1.bin ... data_batch_5.bin and
// test_batch.bin) as [N, 3, 32, 32] images in [0, 1]: 50,000 training and
// 10,000 test images. Class names come from batches.meta.txt when present.
func LoadCIFAR10(dir string) (train, test *Dataset, err error) {
	classes := readClassNames(filepath.Join(dir, "batches.meta.txt"), CIFAR10Classes)
	var files []string
	for i := 1; i <= 5; i++ {
		files = append(files, filepath.Join(dir, fmt.Sprintf("data_batch_%d.bin", i)))
	}
	train, err = ReadCIFAR("cifar-10/train", files, 1, 0, classes)
	if err != nil {
		return nil, nil, err
	}
	test, err = ReadCIFAR("cifar-10/test", []string{filepath.Join(dir, "test_batch.bin")}, 1, 0, classes)
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// LoadCIFAR100 reads the binary CIFAR-100 from dir (the extracted
// cifar-100-binary: train.bin, test.bin) with its 100 fine labels, or with
// the 20 coarse superclass labels when coarse is true. Class names come
// from fine_label_names.txt or coarse_label_names.txt when present.
func LoadCIFAR100(dir string, coarse bool) (train, test *Dataset, err error) {
	which, names, n := 1, "fine_label_names.txt", 100
	if coarse {
		which, names, n = 0, "coarse_label_names.txt", 20
	}
	def := make([]string, n)
	for i := range def {
		def[i] = fmt.Sprint(i)
	}
	classes := readClassNames(filepath.Join(dir, names), def)
	train, err = ReadCIFAR("cifar-100/train", []string{filepath.Join(dir, "train.bin")}, 2, which, classes)
	if err != nil {
		return nil, nil, err
	}
	test, err = ReadCIFAR("cifar-100/test", []string{filepath.Join(dir, "test.bin")}, 2, which, classes)
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// ReadCIFAR reads CIFAR-style binary files, concatenated in order: each
// record is labelBytes label bytes, then 3x32x32 pixel bytes; the label
// used is byte which of each record. A file whose size is not a whole
// number of records, or a label outside classes, is an error naming the
// file.
func ReadCIFAR(name string, files []string, labelBytes, which int, classes []string) (*Dataset, error) {
	if which < 0 || which >= labelBytes {
		panic(fmt.Sprintf("data: ReadCIFAR: label byte %d of %d", which, labelBytes))
	}
	rec := labelBytes + cifarPixels
	var pix []uint8
	var labels []int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("data: %s: file not found: %w", f, fs.ErrNotExist)
			}
			return nil, fmt.Errorf("data: %w", err)
		}
		if len(b) == 0 || len(b)%rec != 0 {
			return nil, fmt.Errorf("data: %s: %d bytes is not a whole number of %d-byte CIFAR records (truncated, or the wrong CIFAR version?)", f, len(b), rec)
		}
		if pix == nil {
			pix = make([]uint8, 0, len(b)/rec*cifarPixels*len(files))
		}
		for off := 0; off < len(b); off += rec {
			l := int(b[off+which])
			if classes != nil && l >= len(classes) {
				return nil, fmt.Errorf("data: %s: record %d has label %d, outside the %d classes (wrong CIFAR version?)", f, off/rec, l, len(classes))
			}
			labels = append(labels, l)
			pix = append(pix, b[off+labelBytes:off+rec]...)
		}
	}
	return NewImageDataset(name, pix, []int{len(labels), 3, 32, 32}, labels, classes), nil
}

// readClassNames reads one name per line (blank lines ignored), or returns
// def when the file is absent or has a different number of names.
func readClassNames(path string, def []string) []string {
	f, err := os.Open(path)
	if err != nil {
		return def
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			names = append(names, s)
		}
	}
	if sc.Err() != nil || len(names) != len(def) {
		return def
	}
	return names
}
