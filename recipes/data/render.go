package data

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"strings"
)

// maxHTMLClasses bounds the classes HTML lists: CIFAR-100 would otherwise
// make a table a hundred columns wide.
const maxHTMLClasses = 20

// HTML renders the dataset for a notebook: its name, size and sample
// shape, then one column per class with its name, its count and, for
// images with 1 or 3 channels, its first sample as a thumbnail. A cell
// whose value is a Dataset shows it. Past 20 classes the rest are
// summarised in one line.
func (d *Dataset) HTML() string {
	var b strings.Builder
	esc := html.EscapeString
	fmt.Fprintf(&b, "<div><b>%s</b>: %s samples of shape %v, %d classes", esc(d.Name), thousands(d.Len()), d.shape, d.NumClasses())
	counts := d.Counts()
	unlabelled := d.Len()
	for _, c := range counts {
		unlabelled -= c
	}
	if unlabelled > 0 {
		fmt.Fprintf(&b, ", %s unlabelled", thousands(unlabelled))
	}
	shown := min(len(counts), maxHTMLClasses)
	if shown == 0 {
		b.WriteString("</div>")
		return b.String()
	}
	first := make([]int, len(counts))
	for i := range first {
		first[i] = -1
	}
	for i, l := range d.Labels {
		if l >= 0 && l < len(first) && first[l] < 0 {
			first[l] = i
		}
	}
	thumbs := d.thumbnailable()
	cell := `<td style="text-align:center;padding:2px 6px">`
	b.WriteString(`<table style="border-collapse:collapse;margin-top:4px">`)
	if thumbs {
		b.WriteString("<tr>")
		for c := 0; c < shown; c++ {
			b.WriteString(cell)
			if first[c] >= 0 {
				fmt.Fprintf(&b, `<img alt="%s" style="image-rendering:pixelated;width:%dpx" src="data:image/png;base64,%s">`,
					esc(d.className(c)), 2*d.shape[2], base64.StdEncoding.EncodeToString(d.thumbnail(first[c])))
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>")
	}
	b.WriteString("<tr>")
	for c := 0; c < shown; c++ {
		fmt.Fprintf(&b, "%s%s</td>", cell, esc(d.className(c)))
	}
	b.WriteString("</tr><tr>")
	for c := 0; c < shown; c++ {
		fmt.Fprintf(&b, "%s%s</td>", cell, thousands(counts[c]))
	}
	b.WriteString("</tr></table>")
	if rest := len(counts) - shown; rest > 0 {
		n := 0
		for _, c := range counts[shown:] {
			n += c
		}
		fmt.Fprintf(&b, "and %d more classes with %s samples", rest, thousands(n))
	}
	b.WriteString("</div>")
	return b.String()
}

// className is the name of class c, or its number.
func (d *Dataset) className(c int) string {
	if c < len(d.Classes) && d.Classes[c] != "" {
		return d.Classes[c]
	}
	return fmt.Sprint(c)
}

// thumbnailable reports whether samples are images PNG can show.
func (d *Dataset) thumbnailable() bool {
	return len(d.shape) == 3 && (d.shape[0] == 1 || d.shape[0] == 3) && d.shape[1] > 0 && d.shape[2] > 0
}

// thumbnail encodes sample i as a PNG at its own size, values clamped to
// [0, 1].
func (d *Dataset) thumbnail(i int) []byte {
	c, h, w := d.shape[0], d.shape[1], d.shape[2]
	px := make([]float32, d.cols)
	d.row(px, i)
	at := func(ch, y, x int) uint8 {
		v := px[ch*h*w+y*w+x]
		switch {
		case !(v > 0): // also NaN
			return 0
		case v >= 1:
			return 255
		}
		return uint8(v*255 + 0.5)
	}
	var img image.Image
	if c == 1 {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				g.SetGray(x, y, color.Gray{Y: at(0, y, x)})
			}
		}
		img = g
	} else {
		rgb := image.NewNRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				rgb.SetNRGBA(x, y, color.NRGBA{R: at(0, y, x), G: at(1, y, x), B: at(2, y, x), A: 255})
			}
		}
		img = rgb
	}
	var buf bytes.Buffer
	png.Encode(&buf, img) // cannot fail on an in-memory image
	return buf.Bytes()
}

// thousands formats n with commas: 60000 -> "60,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
