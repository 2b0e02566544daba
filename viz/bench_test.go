package viz

import (
	"testing"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

var sinkBytes []byte

// BenchmarkScatter70k renders a 70,000-point, 10-class scatter to PNG
// (encoding included), the size of Fashion-MNIST; the issue asks for
// under a second.
func BenchmarkScatter70k(b *testing.B) {
	for _, n := range []int{10000, 70000} {
		xy, labels := blobs(n, 10, 2, 0.15, 2)
		b.Run(itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				data, err := Scatter(xy, labels).PNG()
				if err != nil {
					b.Fatal(err)
				}
				sinkBytes = data
			}
		})
	}
}

// BenchmarkGonumScatter70k is the same picture through gonum/plot's own
// plotter.Scatter (one vector glyph per point), for comparison.
func BenchmarkGonumScatter70k(b *testing.B) {
	for _, n := range []int{10000, 70000} {
		xy, labels := blobs(n, 10, 2, 0.15, 2)
		b.Run(itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sinkBytes = gonumScatterPNG(b, xy.Data, labels)
			}
		})
	}
}

func gonumScatterPNG(tb testing.TB, xy []float32, labels []int) []byte {
	p := newPlot()
	for c := 0; c < 10; c++ {
		var pts plotter.XYs
		for i, l := range labels {
			if l == c {
				pts = append(pts, plotter.XY{X: float64(xy[2*i]), Y: float64(xy[2*i+1])})
			}
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			tb.Fatal(err)
		}
		s.GlyphStyle = draw.GlyphStyle{Color: withAlpha(ClassColor(c), 0.5), Radius: vg.Points(1.15), Shape: draw.CircleGlyph{}}
		p.Add(s)
	}
	f := newFigure("gonum scatter", 7.4, 5.6, &plotPanel{p: p})
	data, err := f.PNG()
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
