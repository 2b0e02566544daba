package data

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"regexp"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

func TestDatasetHTML(t *testing.T) {
	// 6 gray 2x3 images, classes 0,1,0,1,0,-1; sample 1 is all white.
	n, c, h, w := 6, 1, 2, 3
	pix := make([]uint8, n*c*h*w)
	for i := range pix[6:12] {
		pix[6+i] = 255
	}
	d := NewImageDataset("toy/train", pix, []int{n, c, h, w}, []int{0, 1, 0, 1, 0, -1}, []string{"cat", "<dog>"})
	got := d.HTML()
	for _, frag := range []string{"<b>toy/train</b>: 6 samples of shape [1 2 3], 2 classes", ", 1 unlabelled",
		"cat</td>", "&lt;dog&gt;</td>", ">3</td>", ">2</td>"} {
		if !strings.Contains(got, frag) {
			t.Errorf("HTML lacks %q:\n%s", frag, got)
		}
	}
	imgs := regexp.MustCompile(`base64,([A-Za-z0-9+/=]+)"`).FindAllStringSubmatch(got, -1)
	if len(imgs) != 2 {
		t.Fatalf("HTML has %d thumbnails, want one per class (2)", len(imgs))
	}
	for k, wantY := range []uint8{0, 255} { // class 0's first sample is black, class 1's white
		raw, _ := base64.StdEncoding.DecodeString(imgs[k][1])
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("thumbnail %d: %v", k, err)
		}
		if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Errorf("thumbnail %d is %dx%d, want %dx%d", k, b.Dx(), b.Dy(), w, h)
		}
		if r, _, _, _ := img.At(1, 1).RGBA(); uint8(r>>8) != wantY {
			t.Errorf("thumbnail %d pixel = %d, want %d", k, r>>8, wantY)
		}
	}

	// Feature rows: no thumbnails; many classes: the rest summarised.
	rows := nn.New(30, 4)
	labels := make([]int, 30)
	for i := range labels {
		labels[i] = i
	}
	f := NewDataset("features", rows, labels, nil)
	got = f.HTML()
	if strings.Contains(got, "<img") || !strings.Contains(got, "and 10 more classes with 10 samples") || !strings.Contains(got, ">19</td>") {
		t.Errorf("feature dataset HTML:\n%s", got)
	}
	if thousands(60000) != "60,000" || thousands(999) != "999" || thousands(1234567) != "1,234,567" {
		t.Errorf("thousands: %s %s %s", thousands(60000), thousands(999), thousands(1234567))
	}
}
