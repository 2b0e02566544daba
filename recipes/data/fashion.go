package data

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gocontrast/contrast/display"
)

//go:generate go run ./internal/gensubset -src /usr/share/datasets/fashion-mnist -dst fashionmnist

// FashionMNISTDir is where Debian's dataset-fashion-mnist package installs
// the four gzip IDX files. FashionMNIST reads it unless the environment
// variable CONTRAST_FASHION_MNIST names another directory.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// FashionMNISTClasses are the ten Fashion-MNIST class names, by label
// (Xiao et al., arXiv 1708.07747).
var FashionMNISTClasses = []string{
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}

// The embedded subset: a stratified sample of Debian's copy, written by
// internal/gensubset (go generate). Index holds each image's row in the
// full set.
//
//go:embed fashionmnist
var embedded embed.FS

var fallbackNote sync.Once

// FashionMNIST returns the Fashion-MNIST training and test sets as
// [N, 1, 28, 28] images in [0, 1] with labels 0-9 (FashionMNISTClasses).
//
// It reads the directory named by $CONTRAST_FASHION_MNIST, else Debian's
// copy in FashionMNISTDir (60,000 + 10,000 images). When that is absent or
// unreadable it falls back to the subset embedded in the binary (6,000
// training and 1,000 test images, 600 and 100 per class) and says so once,
// with the reason. It never fails: use LoadFashionMNIST for an error
// instead of the fallback.
//
//	train, test := data.FashionMNIST()
func FashionMNIST() (train, test *Dataset) {
	dir := os.Getenv("CONTRAST_FASHION_MNIST")
	if dir == "" {
		dir = FashionMNISTDir
	}
	train, test, err := LoadFashionMNIST(dir)
	if err == nil {
		return train, test
	}
	train, test = EmbeddedFashionMNIST()
	fallbackNote.Do(func() {
		why := err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			why = dir + " not found"
		}
		display.Text(fmt.Sprintf("data: using the embedded Fashion-MNIST subset (%d train, %d test images): %s; "+
			"install Debian's dataset-fashion-mnist (or set CONTRAST_FASHION_MNIST) for the full 70,000",
			train.Len(), test.Len(), why))
	})
	return train, test
}

// LoadFashionMNIST reads Fashion-MNIST from dir, which holds
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte
// and t10k-labels-idx1-ubyte, each gzip-compressed (".gz") or not. A
// missing or corrupt file is an error naming the file and the problem.
//
// The decoded images are kept for the life of the process and reused
// while the files are unchanged (same sizes and modification times), so
// re-running a cell costs microseconds instead of a second; each call
// returns datasets with their own Labels, Index and Classes.
func LoadFashionMNIST(dir string) (train, test *Dataset, err error) {
	train, test, err = loadCached(dir, "fashion-mnist", FashionMNISTClasses)
	if errors.Is(err, fs.ErrNotExist) {
		err = fmt.Errorf("%w (give the directory that holds the four IDX files; Debian's dataset-fashion-mnist "+
			"installs them in %s, and data.FashionMNIST() falls back to the embedded subset)", err, FashionMNISTDir)
	}
	return train, test, err
}

// LoadMNIST reads MNIST from dir, with the same file names as
// LoadFashionMNIST; Classes are "0" to "9".
func LoadMNIST(dir string) (train, test *Dataset, err error) {
	classes := make([]string, 10)
	for i := range classes {
		classes[i] = fmt.Sprint(i)
	}
	return loadCached(dir, "mnist", classes)
}

var (
	cacheMu sync.Mutex
	cache   = map[string][2]*Dataset{}
)

// loadCached is loadMNISTLike over a directory, remembering the result
// under a key made of the files' sizes and modification times.
func loadCached(dir, name string, classes []string) (train, test *Dataset, err error) {
	key := name + "\x00" + dir
	for _, f := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
		fi, err := os.Stat(filepath.Join(dir, f+".gz"))
		if err != nil {
			fi, err = os.Stat(filepath.Join(dir, f))
		}
		if err != nil {
			key = "" // let the load report the missing file
			break
		}
		key += fmt.Sprintf("\x00%s:%d:%d", fi.Name(), fi.Size(), fi.ModTime().UnixNano())
	}
	cacheMu.Lock()
	c, ok := cache[key]
	cacheMu.Unlock()
	if ok && key != "" {
		return c[0].shallowCopy(), c[1].shallowCopy(), nil
	}
	train, test, err = loadMNISTLike(dirOpener(dir), name, classes)
	if err != nil || key == "" {
		return train, test, err
	}
	cacheMu.Lock()
	for k := range cache {
		if strings.HasPrefix(k, name+"\x00"+dir+"\x00") {
			delete(cache, k) // an older version of the same files
		}
	}
	cache[key] = [2]*Dataset{train, test}
	cacheMu.Unlock()
	return train.shallowCopy(), test.shallowCopy(), nil
}

var (
	embeddedOnce         sync.Once
	embeddedTrain, embTe *Dataset
)

// EmbeddedFashionMNIST returns the subset of Fashion-MNIST compiled into
// the binary: 6,000 training images (600 per class) and 1,000 test images
// (100 per class), drawn from the full sets with a fixed seed and kept in
// their original order. Index holds each image's row in the full set. The
// images are decoded once; each call returns datasets with their own
// Labels, Index and Classes.
func EmbeddedFashionMNIST() (train, test *Dataset) {
	embeddedOnce.Do(func() {
		tr, te, err := loadMNISTLike(embedOpener{}, "fashion-mnist-subset", FashionMNISTClasses)
		if err != nil {
			panic("data: the embedded Fashion-MNIST subset is corrupt (a build problem): " + err.Error())
		}
		for _, p := range []struct {
			d    *Dataset
			file string
		}{{tr, "train-index-idx1-int.gz"}, {te, "t10k-index-idx1-int.gz"}} {
			a, _, err := decodeFile(embedOpener{}, p.file)
			if err == nil && (len(a.Dims) != 1 || a.Dims[0] != p.d.Len()) {
				err = fmt.Errorf("%s: dimensions %v, want [%d]", p.file, a.Dims, p.d.Len())
			}
			if err != nil {
				panic("data: the embedded Fashion-MNIST subset is corrupt (a build problem): " + err.Error())
			}
			p.d.Index = a.Ints()
		}
		embeddedTrain, embTe = tr, te
	})
	return embeddedTrain.shallowCopy(), embTe.shallowCopy()
}

// opener opens a file of a dataset by its base name and says where it is.
type opener interface {
	open(name string) (io.ReadCloser, string, error)
}

type dirOpener string

func (d dirOpener) open(name string) (io.ReadCloser, string, error) {
	p := filepath.Join(string(d), name)
	f, err := os.Open(p)
	return f, p, err
}

type embedOpener struct{}

func (embedOpener) open(name string) (io.ReadCloser, string, error) {
	p := "fashionmnist/" + name
	f, err := embedded.Open(p)
	return f, "embedded " + p, err
}

// decodeFile opens name (or, failing that, name without ".gz" / with
// ".gz") and decodes it as IDX; it also says where the file was.
func decodeFile(o opener, name string) (*IDX, string, error) {
	f, where, err := o.open(name)
	if errors.Is(err, fs.ErrNotExist) {
		alt := name + ".gz"
		if filepath.Ext(name) == ".gz" {
			alt = name[:len(name)-3]
		}
		if f2, where2, err2 := o.open(alt); err2 == nil {
			f, where, err = f2, where2, nil
		}
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, where, fmt.Errorf("%s: file not found: %w", where, fs.ErrNotExist)
		}
		return nil, where, err
	}
	defer f.Close()
	a, err := DecodeIDX(f)
	if err != nil {
		return nil, where, fmt.Errorf("%s: %w", where, err)
	}
	return a, where, nil
}

func loadMNISTLike(o opener, name string, classes []string) (train, test *Dataset, err error) {
	// Decode the two sets concurrently: gunzipping dominates.
	var testErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		test, testErr = loadIDXPair(o, name+"/test", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", classes)
	}()
	train, err = loadIDXPair(o, name+"/train", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", classes)
	<-done
	if err == nil {
		err = testErr
	}
	if err != nil {
		return nil, nil, fmt.Errorf("data: %w", err)
	}
	return train, test, nil
}

// LoadIDX reads an image file ([N, H, W] or [N, C, H, W] unsigned bytes)
// and a label file ([N] unsigned bytes) in IDX format, gzip-compressed or
// not, into a dataset with images scaled to [0, 1]. classes may be nil.
func LoadIDX(imagesPath, labelsPath string, classes []string) (*Dataset, error) {
	d, err := loadIDXPair(dirOpener(""), filepath.Base(imagesPath), imagesPath, labelsPath, classes)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	return d, nil
}

func loadIDXPair(o opener, name, imagesFile, labelsFile string, classes []string) (*Dataset, error) {
	im, imWhere, err := decodeFile(o, imagesFile)
	if err != nil {
		return nil, err
	}
	lb, lbWhere, err := decodeFile(o, labelsFile)
	if err != nil {
		return nil, err
	}
	if im.Type != IDXUint8 || (len(im.Dims) != 3 && len(im.Dims) != 4) {
		return nil, fmt.Errorf("%s: images must be unsigned bytes shaped [N, H, W] or [N, C, H, W], got type %#02x dimensions %v", imWhere, im.Type, im.Dims)
	}
	if lb.Type != IDXUint8 || len(lb.Dims) != 1 {
		return nil, fmt.Errorf("%s: labels must be unsigned bytes shaped [N], got type %#02x dimensions %v", lbWhere, lb.Type, lb.Dims)
	}
	if lb.Dims[0] != im.Dims[0] {
		return nil, fmt.Errorf("%s has %d labels but %s has %d images", lbWhere, lb.Dims[0], imWhere, im.Dims[0])
	}
	shape := im.Dims
	if len(shape) == 3 {
		shape = []int{shape[0], 1, shape[1], shape[2]}
	}
	labels := make([]int, len(lb.Data))
	for i, v := range lb.Data {
		if classes != nil && int(v) >= len(classes) {
			return nil, fmt.Errorf("%s: label %d of sample %d is outside the %d classes", lbWhere, v, i, len(classes))
		}
		labels[i] = int(v)
	}
	return NewImageDataset(name, im.Data, shape, labels, classes), nil
}
