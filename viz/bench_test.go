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

var sinkFigure *Figure

// BenchmarkSimilarityHist builds and renders the positive/negative
// histogram (pair sampling, AUC, overlap, PNG) for N embeddings of 128
// dimensions.
func BenchmarkSimilarityHist(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		z, labels := blobs(n, 10, 128, 1, 3)
		b.Run(itoa(n), func(b *testing.B) {
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f := SimilarityHist(z, labels)
				data, err := f.PNG()
				if err != nil {
					b.Fatal(err)
				}
				sinkBytes = data
			}
		})
	}
}

var sinkStats Stats

// BenchmarkPairStats is the exact AUC and overlap of two samples of the
// size SimilarityHist uses.
func BenchmarkPairStats(b *testing.B) {
	for _, n := range []int{10000, DefaultMaxPairs} {
		z, _ := blobs(2*n, 1, 1, 1, 4)
		pos, neg := make([]float64, n), make([]float64, n)
		for i := 0; i < n; i++ {
			pos[i], neg[i] = float64(z.Data[i])+0.5, float64(z.Data[n+i])
		}
		b.Run(itoa(n), func(b *testing.B) {
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s, err := PairStats(pos, neg, -5, 5, 100)
				if err != nil {
					b.Fatal(err)
				}
				sinkStats = s
			}
		})
	}
}

// BenchmarkCurves renders a long smoothed training curve (one point per
// step) to PNG.
func BenchmarkCurves(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		y := make([]float64, n)
		for i := range y {
			y[i] = 1 + 1/float64(i+1) + 0.1*float64(i%7)
		}
		b.Run(itoa(n), func(b *testing.B) {
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				data, err := Curves(Curve("loss", y).Smooth(0.9)).PNG()
				if err != nil {
					b.Fatal(err)
				}
				sinkBytes = data
			}
		})
	}
}

// BenchmarkSimilarityMatrix computes and renders the sorted cosine
// similarity matrix of N 128-d embeddings (capped at MaxMatrixSamples).
func BenchmarkSimilarityMatrix(b *testing.B) {
	for _, n := range []int{500, 10000} {
		z, labels := blobs(n, 10, 128, 1, 5)
		b.Run(itoa(n), func(b *testing.B) {
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				data, err := SimilarityMatrix(z, labels).PNG()
				if err != nil {
					b.Fatal(err)
				}
				sinkBytes = data
			}
		})
	}
}
