package data

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadImageFolder(t *testing.T) {
	e := loadExpect(t)
	d, err := LoadImageFolder("testdata/folder", FolderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 || len(d.Classes) != 2 || d.Classes[0] != "cat" || d.Classes[1] != "dog" {
		t.Fatalf("%d images, classes %v; want 3, [cat dog]", d.Len(), d.Classes)
	}
	if s := d.Shape(); s[0] != 3 || s[1] != 6 || s[2] != 5 {
		t.Fatalf("shape %v, want [3 6 5]", s)
	}
	for i, f := range []string{"cat/a.png", "cat/b.png", "dog/c.jpg"} {
		want := e.Folder[f] // [H][W][3] from PIL
		tol := float32(0.5)
		if filepath.Ext(f) == ".jpg" {
			tol = 3.5 // libjpeg and Go's decoder round differently
		}
		img := d.Image(i)
		for y := 0; y < 6; y++ {
			for x := 0; x < 5; x++ {
				for c := 0; c < 3; c++ {
					got := img.Data[c*30+y*5+x] * 255
					if w := float32(want[y][x][c]); got < w-tol || got > w+tol {
						t.Fatalf("%s (%d,%d,%d) = %v, want %v", f, c, y, x, got, w)
					}
				}
			}
		}
		if d.Labels[i] != []int{0, 0, 1}[i] {
			t.Errorf("%s: label %d", f, d.Labels[i])
		}
	}
	g, err := LoadImageFolder("testdata/folder", FolderOptions{Gray: true, Height: 3, Width: 10})
	if err != nil {
		t.Fatal(err)
	}
	if s := g.Shape(); s[0] != 1 || s[1] != 3 || s[2] != 10 {
		t.Fatalf("shape %v, want [1 3 10]", s)
	}
	// The JPEG is flat (R 200, G 128, B 128): luma 0.299*200 + 0.587*128 +
	// 0.114*128 = 149.5, resizing keeps it flat.
	for _, v := range g.Image(2).Data {
		if v*255 < 146 || v*255 > 153 {
			t.Fatalf("gray JPEG pixel %v, want about 149.5", v*255)
		}
	}
}

func TestImageFolderErrors(t *testing.T) {
	_, err := LoadImageFolder("testdata/folder-bad", FolderOptions{})
	wantErr(t, err, "broken.png", "not a readable PNG or JPEG")
	_, err = LoadImageFolder("testdata/absent", FolderOptions{})
	wantErr(t, err, "absent", "no such file")
	_, err = LoadImageFolder("testdata/npy", FolderOptions{})
	wantErr(t, err, "no class sub-directories")
	_, err = LoadImageFolder("testdata/folder", FolderOptions{Height: 3})
	wantErr(t, err, "set both")
	// Sizes that disagree.
	dir := t.TempDir()
	for i, sz := range []int{4, 5} {
		os.MkdirAll(filepath.Join(dir, "c"), 0o755)
		f, _ := os.Create(filepath.Join(dir, "c", []string{"a.png", "b.png"}[i]))
		m := image.NewGray(image.Rect(0, 0, sz, sz))
		m.Set(0, 0, color.Gray{9})
		png.Encode(f, m)
		f.Close()
	}
	_, err = LoadImageFolder(dir, FolderOptions{})
	wantErr(t, err, "b.png is 5x5 (HxW) but the first image is 4x4", "Height and Width")
	d, err := LoadImageFolder(dir, FolderOptions{Height: 4, Width: 4, Gray: true})
	if err != nil || d.Len() != 2 {
		t.Fatalf("resized load: %v", err)
	}
}

func TestResizeBytesRamp(t *testing.T) {
	// A horizontal ramp 0, 10, ..., 70 over 8 columns, halved to 4:
	// align_corners=False samples at x = 0.5, 2.5, 4.5, 6.5 -> 5, 25, 45, 65.
	src := make([]uint8, 2*8)
	for y := 0; y < 2; y++ {
		for x := 0; x < 8; x++ {
			src[y*8+x] = uint8(10 * x)
		}
	}
	dst := make([]uint8, 1*4)
	resizeBytes(dst, src, 1, 2, 8, 1, 4)
	for i, want := range []uint8{5, 25, 45, 65} {
		if dst[i] != want {
			t.Errorf("dst[%d] = %d, want %d", i, dst[i], want)
		}
	}
}
