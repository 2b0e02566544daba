// Package replhelper stands in, in the REPL's end-to-end tests, for the
// compiled helpers that cells call: a loop that watches display.Context as
// training loops do, a progress bar and a plot. The test binary (built
// with -tags contrasttest) makes it importable by cells as
// "contrast.test/helper".
package replhelper

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"sync/atomic"
	"time"

	"github.com/gocontrast/contrast/display"
)

var spinning atomic.Bool

// Spinning reports whether Spin is running, in any goroutine.
func Spinning() bool { return spinning.Load() }

// Spin loops until the running cell is interrupted or max passes, and
// returns how many iterations it did.
func Spin(max time.Duration) int {
	spinning.Store(true)
	defer spinning.Store(false)
	deadline := time.Now().Add(max)
	n := 0
	for !display.Interrupted() {
		n++
		if n%1024 == 0 && time.Now().After(deadline) {
			break
		}
	}
	return n
}

// Progress shows a progress bar of n steps, one every step.
func Progress(label string, n int, step time.Duration) {
	p := display.NewProgress(n, label)
	for i := 0; i < n && !display.Interrupted(); i++ {
		time.Sleep(step)
		p.SetPostfix("ok")
		p.Add(1)
	}
	p.Done()
}

// Image is a w x h PNG value that displays itself.
type Image struct{ W, H int }

// PNG implements display.PNGer: a diagonal gradient.
func (im Image) PNG() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, im.W, im.H))
	for y := 0; y < im.H; y++ {
		for x := 0; x < im.W; x++ {
			img.Set(x, y, color.RGBA{uint8(255 * x / max(im.W, 1)), uint8(255 * y / max(im.H, 1)), 128, 255})
		}
	}
	var buf bytes.Buffer
	err := png.Encode(&buf, img)
	return buf.Bytes(), err
}

// Plot returns a w x h image that displays as PNG.
func Plot(w, h int) Image { return Image{w, h} }
