package data

import (
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/gocontrast/contrast/display"
)

// FolderOptions says how LoadImageFolder turns files into samples. The
// zero value keeps each image's size (all must then agree) and reads
// colour images.
type FolderOptions struct {
	// Height and Width, when both > 0, resize every image to that size
	// (bilinear, align_corners=False, no antialiasing). When 0, every
	// image must have the first one's size.
	Height, Width int
	// Gray reads images as one luma channel (ITU-R 601: 0.299 R + 0.587
	// G + 0.114 B, as PIL's "L" mode); otherwise three channels, RGB,
	// with gray images repeated into each channel and alpha dropped.
	Gray bool
}

// LoadImageFolder reads a directory with one sub-directory per class, as
// torchvision's ImageFolder does: root/cat/001.png, root/dog/xyz.jpg. Class
// names are the sub-directory names in sorted order (labels 0, 1, ...);
// files are read in sorted order within each; files that are not .png,
// .jpg or .jpeg (any case) and files directly in root are ignored. Index
// is the position in that order. An unreadable or corrupt image, or one of
// a different size when no size is set, is an error naming the file. The
// load shows progress for large folders and stops when the cell is
// interrupted.
func LoadImageFolder(root string, opt FolderOptions) (*Dataset, error) {
	if (opt.Height > 0) != (opt.Width > 0) || opt.Height < 0 || opt.Width < 0 {
		return nil, fmt.Errorf("data: LoadImageFolder: Height %d and Width %d: set both (> 0) or neither", opt.Height, opt.Width)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	var classes []string
	var files []string
	var labels []int
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		sub, err := os.ReadDir(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
		var names []string
		for _, f := range sub {
			switch strings.ToLower(filepath.Ext(f.Name())) {
			case ".png", ".jpg", ".jpeg":
				if !f.IsDir() {
					names = append(names, f.Name())
				}
			}
		}
		if len(names) == 0 {
			continue
		}
		sort.Strings(names)
		for _, n := range names {
			files = append(files, filepath.Join(root, e.Name(), n))
			labels = append(labels, len(classes))
		}
		classes = append(classes, e.Name())
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("data: %s: no class sub-directories with .png or .jpg images (want root/CLASS/IMAGE.png)", root)
	}
	c := 3
	if opt.Gray {
		c = 1
	}
	h, w := opt.Height, opt.Width
	if h == 0 {
		cfg, err := decodeConfig(files[0])
		if err != nil {
			return nil, err
		}
		h, w = cfg.Height, cfg.Width
	}
	n := len(files)
	px := c * h * w
	pix := make([]uint8, n*px)
	var progress *display.Progress
	if n >= 2000 {
		progress = display.NewProgress(n, "loading "+filepath.Base(root))
		defer progress.Done()
	}
	ctx := display.Context()
	var (
		mu       sync.Mutex
		firstErr error
		errAt    = n
		next     int
	)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				stop := firstErr != nil || ctx.Err() != nil
				mu.Unlock()
				if i >= n || stop {
					return
				}
				err := decodeInto(pix[i*px:(i+1)*px], files[i], c, h, w, opt.Height > 0)
				mu.Lock()
				if err != nil && i < errAt {
					firstErr, errAt = err, i
				}
				mu.Unlock()
				if progress != nil {
					progress.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("data: loading %s interrupted: %w", root, err)
	}
	return NewImageDataset(filepath.Base(filepath.Clean(root)), pix, []int{n, c, h, w}, labels, classes), nil
}

func decodeConfig(path string) (image.Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return image.Config{}, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return cfg, fmt.Errorf("data: %s: not a readable PNG or JPEG image: %v", path, err)
	}
	return cfg, nil
}

// decodeInto decodes path into dst as c x h x w bytes, resizing when
// resize is set, else requiring the image to be h x w.
func decodeInto(dst []uint8, path string, c, h, w int, resize bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return fmt.Errorf("data: %s: not a readable PNG or JPEG image: %v", path, err)
	}
	b := img.Bounds()
	ih, iw := b.Dy(), b.Dx()
	if !resize && (ih != h || iw != w) {
		return fmt.Errorf("data: %s is %dx%d (HxW) but the first image is %dx%d: set FolderOptions.Height and Width to resize", path, ih, iw, h, w)
	}
	if ih == 0 || iw == 0 {
		return fmt.Errorf("data: %s: empty image", path)
	}
	// Planar bytes at the image's own size.
	src := dst
	if ih != h || iw != w {
		src = make([]uint8, c*ih*iw)
	}
	plane := ih * iw
	for y := 0; y < ih; y++ {
		for x := 0; x < iw; x++ {
			r, g, bl := rgbAt(img, b.Min.X+x, b.Min.Y+y)
			o := y*iw + x
			if c == 1 {
				src[o] = color.GrayModel.Convert(color.NRGBA{r, g, bl, 255}).(color.Gray).Y
			} else {
				src[o], src[plane+o], src[2*plane+o] = r, g, bl
			}
		}
	}
	if ih != h || iw != w {
		resizeBytes(dst, src, c, ih, iw, h, w)
	}
	return nil
}

// rgbAt returns the straight (not premultiplied) colour at (x, y), with
// fast paths for the types the PNG and JPEG decoders return.
func rgbAt(img image.Image, x, y int) (r, g, b uint8) {
	switch m := img.(type) {
	case *image.Gray:
		v := m.Pix[m.PixOffset(x, y)]
		return v, v, v
	case *image.NRGBA:
		o := m.PixOffset(x, y)
		return m.Pix[o], m.Pix[o+1], m.Pix[o+2]
	case *image.YCbCr:
		c := m.YCbCrAt(x, y)
		return color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
	}
	c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
	return c.R, c.G, c.B
}

// resizeBytes resizes c planes of ih x iw bytes to h x w with bilinear
// interpolation (PyTorch's align_corners=False convention), rounding.
func resizeBytes(dst, src []uint8, c, ih, iw, h, w int) {
	sy, sx := float64(ih)/float64(h), float64(iw)/float64(w)
	for y := 0; y < h; y++ {
		y0, y1, fy := srcIndex(y, sy, ih)
		for x := 0; x < w; x++ {
			x0, x1, fx := srcIndex(x, sx, iw)
			for k := 0; k < c; k++ {
				p := src[k*ih*iw:]
				v := (1-fy)*((1-fx)*float64(p[y0*iw+x0])+fx*float64(p[y0*iw+x1])) +
					fy*((1-fx)*float64(p[y1*iw+x0])+fx*float64(p[y1*iw+x1]))
				dst[k*h*w+y*w+x] = uint8(math.Min(255, math.Round(v)))
			}
		}
	}
}

// srcIndex maps output coordinate i to the two source neighbours and the
// weight of the second: src = (i+0.5)*scale - 0.5, clamped at 0.
func srcIndex(i int, scale float64, n int) (i0, i1 int, f float64) {
	s := (float64(i)+0.5)*scale - 0.5
	if s < 0 {
		s = 0
	}
	i0 = int(s)
	if i0 > n-1 {
		i0 = n - 1
	}
	i1 = i0
	if i0 < n-1 {
		i1 = i0 + 1
	}
	return i0, i1, s - float64(i0)
}
