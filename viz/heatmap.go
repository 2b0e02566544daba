package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gocontrast/contrast/recipes/nn"
)

// MaxMatrixSamples is the most samples SimilarityMatrix shows: beyond it a
// seeded, class-stratified subsample is drawn.
const MaxMatrixSamples = 1000

// Heatmap draws a matrix ([R, C]) as coloured cells, row 0 at the top,
// with a colour bar. A matrix with both signs uses a diverging map
// (Moreland's blue-white-red) centred on zero; otherwise a sequential one
// (Moreland's extended black body).
func Heatmap(matrix *nn.Tensor) *Figure {
	const who = "viz.Heatmap"
	if matrix == nil {
		return errFigure("%s: matrix is nil", who)
	}
	if len(matrix.Shape) != 2 || matrix.Shape[0]*matrix.Shape[1] != len(matrix.Data) {
		return errFigure("%s: matrix has shape %v; want [R, C]", who, matrix.Shape)
	}
	r, c := matrix.Shape[0], matrix.Shape[1]
	if r == 0 || c == 0 {
		return errFigure("%s: matrix %v is empty", who, matrix.Shape)
	}
	v := make([]float64, len(matrix.Data))
	for i, x := range matrix.Data {
		v[i] = float64(x)
		if !finite(v[i]) {
			return errFigure("%s: entry (%d, %d) is %g; entries must be finite", who, i/c, i%c, v[i])
		}
	}
	hp := newHeatPanel(v, r, c, math.NaN(), math.NaN())
	w, h := heatSize(r, c)
	return newFigure(fmt.Sprintf("heatmap %dx%d", r, c), w, h, hp)
}

// SimilarityMatrix draws the cosine similarity matrix of embeddings z
// ([N, D], rows L2-normalised) with samples sorted by label, so that a
// good representation shows bright blocks on the diagonal. Class blocks
// are outlined and named (classNames, or the numbers). Above
// MaxMatrixSamples samples, a class-stratified subsample (seed 1) is
// shown.
func SimilarityMatrix(z *nn.Tensor, labels []int, classNames ...string) *Figure {
	const who = "viz.SimilarityMatrix"
	rows, n, d, err := normalizedRows(z)
	if err != nil {
		return errFigure("%s: %v", who, err)
	}
	if len(labels) != n {
		return errFigure("%s: %d labels for %d embeddings; pass one label per row", who, len(labels), n)
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if n > MaxMatrixSamples {
		r := rand.New(rand.NewPCG(1, 0x5e1ec7))
		r.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		idx = idx[:MaxMatrixSamples]
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if labels[idx[a]] != labels[idx[b]] {
			return labels[idx[a]] < labels[idx[b]]
		}
		return idx[a] < idx[b]
	})
	m := len(idx)
	v := make([]float64, m*m)
	for a, i := range idx {
		for b := a; b < m; b++ {
			j := idx[b]
			s := dot32(rows[i*d:(i+1)*d], rows[j*d:(j+1)*d])
			v[a*m+b], v[b*m+a] = s, s
		}
	}
	hp := newHeatPanel(v, m, m, -1, 1)
	hp.bar.Y.Label.Text = "cosine similarity"
	// Class blocks: boundaries and names at their centres.
	var bounds []int
	var ticks []plot.Tick
	start := 0
	for a := 1; a <= m; a++ {
		if a == m || labels[idx[a]] != labels[idx[start]] {
			ticks = append(ticks, plot.Tick{Value: float64(start+a) / 2, Label: className(labels[idx[start]], classNames)})
			if a < m {
				bounds = append(bounds, a)
			}
			start = a
		}
	}
	hp.layer.bounds = bounds
	hp.p.X.Label.Text, hp.p.Y.Label.Text = "", ""
	if len(ticks) <= 40 {
		hp.p.X.Tick.Marker = plot.ConstantTicks(ticks)
		hp.p.Y.Tick.Marker = plot.ConstantTicks(ticks)
		hp.p.X.Tick.Label.Rotation = math.Pi / 6
		hp.p.X.Tick.Label.XAlign = draw.XRight
		hp.p.X.Tick.Label.YAlign = draw.YTop
		hp.p.X.Tick.Length, hp.p.Y.Tick.Length = 0, 0
	}
	desc := fmt.Sprintf("similarity matrix, %d samples, %d classes", m, len(ticks))
	if m < n {
		desc += fmt.Sprintf(" (subsample of %d)", n)
	}
	w, h := heatSize(m, m)
	return newFigure(desc, w, h+0.4, hp)
}

func heatSize(r, c int) (w, h float64) {
	aspect := float64(r) / float64(c)
	aspect = math.Max(0.3, math.Min(aspect, 3))
	w = 6.4
	h = 4.6*aspect + 0.6
	if h > 7 {
		h = 7
		w = 6.0/aspect + 1.6
	}
	return w, h
}

// heatPanel is a matrix plot and its colour bar.
type heatPanel struct {
	p, bar *plot.Plot
	layer  *heatLayer
}

func (hp *heatPanel) plots() []*plot.Plot { return []*plot.Plot{hp.p, hp.bar} }

// newHeatPanel builds the panel; lo and hi fix the colour range when not
// NaN.
func newHeatPanel(v []float64, r, c int, lo, hi float64) *heatPanel {
	dlo, dhi := minMax(v)
	var cm palette.ColorMap
	if math.IsNaN(lo) || math.IsNaN(hi) {
		lo, hi = dlo, dhi
		if lo < 0 && hi > 0 {
			m := math.Max(-lo, hi)
			lo, hi = -m, m
		}
	}
	if lo < 0 && hi > 0 {
		cm = moreland.SmoothBlueRed()
	} else {
		cm = moreland.ExtendedBlackBody()
	}
	if !(hi > lo) {
		lo, hi = lo-0.5, hi+0.5
	}
	cm.SetMin(lo)
	cm.SetMax(hi)
	// Precompute a 256-entry table: ColorMap.At is slow per cell.
	lut := make([]color.NRGBA, 256)
	for i := range lut {
		col, err := cm.At(lo + (hi-lo)*float64(i)/255)
		if err != nil {
			col = color.Black
		}
		lut[i] = color.NRGBAModel.Convert(col).(color.NRGBA)
	}
	layer := &heatLayer{v: v, r: r, c: c, lo: lo, hi: hi, lut: lut}
	p := newPlot()
	p.Add(layer)
	p.X.Min, p.X.Max = 0, float64(c)
	p.Y.Min, p.Y.Max = 0, float64(r)
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}
	p.X.Tick.Marker = indexTicks{n: c}
	p.Y.Tick.Marker = indexTicks{n: r}
	p.X.Label.Text, p.Y.Label.Text = "column", "row"

	bar := newPlot()
	bar.HideX()
	bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	bar.Y.Min, bar.Y.Max = lo, hi
	bar.Y.Label.Text = "value"
	return &heatPanel{p: p, bar: bar, layer: layer}
}

func (hp *heatPanel) draw(c draw.Canvas) {
	barW := vg.Inch * 0.95
	pc := draw.Crop(c, 0, -(barW + vg.Points(10)), 0, 0)
	// Keep the cells square-ish: shrink the wider side of the data area.
	hp.p.Draw(pc)
	da := hp.p.DataCanvas(pc)
	bc := draw.Canvas{Canvas: c, Rectangle: vg.Rectangle{
		Min: vg.Point{X: c.Max.X - barW, Y: da.Min.Y},
		Max: vg.Point{X: c.Max.X, Y: da.Max.Y},
	}}
	// The bar's own plot lays out its axis inside bc; give it the same
	// vertical extent as the matrix.
	hp.bar.Draw(bc)
}

// heatLayer rasterises the matrix into the data area (nearest
// neighbour: one flat colour per cell), with optional block boundaries.
type heatLayer struct {
	v      []float64
	r, c   int
	lo, hi float64
	lut    []color.NRGBA
	bounds []int // boundaries between blocks, drawn as lines
}

func (h *heatLayer) Plot(c draw.Canvas, p *plot.Plot) {
	dpi, raster := canvasDPI(c.Canvas)
	if !raster {
		dpi = vectorRaster
	}
	r := snap(c.Rectangle, dpi, raster)
	w := int(math.Round(r.Size().X.Dots(dpi)))
	ht := int(math.Round(r.Size().Y.Dots(dpi)))
	if w <= 0 || ht <= 0 {
		return
	}
	img := image.NewRGBA(image.Rect(0, 0, w, ht))
	scale := 255 / (h.hi - h.lo)
	cols := make([]int, w)
	for x := range cols {
		cols[x] = min(h.c-1, x*h.c/w)
	}
	for y := 0; y < ht; y++ {
		row := min(h.r-1, y*h.r/ht) // image y grows downwards: row 0 on top
		line := img.Pix[y*img.Stride:]
		src := h.v[row*h.c : (row+1)*h.c]
		for x, cx := range cols {
			k := int((src[cx]-h.lo)*scale + 0.5)
			k = max(0, min(255, k))
			col := h.lut[k]
			line[4*x], line[4*x+1], line[4*x+2], line[4*x+3] = col.R, col.G, col.B, 255
		}
	}
	c.DrawImage(r, img)
	if len(h.bounds) > 0 {
		tx, ty := p.Transforms(&c)
		sty := draw.LineStyle{Color: color.NRGBA{0x20, 0x20, 0x20, 0xb0}, Width: vg.Points(0.6)}
		for _, b := range h.bounds {
			f := float64(b)
			c.StrokeLine2(sty, tx(f), c.Min.Y, tx(f), c.Max.Y)
			c.StrokeLine2(sty, c.Min.X, ty(f), c.Max.X, ty(f))
		}
	}
}

// indexTicks labels matrix indices at cell centres, about 6 of them at
// round steps.
type indexTicks struct{ n int }

func (t indexTicks) Ticks(min, max float64) []plot.Tick {
	step := 1
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000} {
		step = s
		if t.n/s <= 8 {
			break
		}
	}
	var ticks []plot.Tick
	for i := 0; i < t.n; i += step {
		ticks = append(ticks, plot.Tick{Value: float64(i) + 0.5, Label: strconv.Itoa(i)})
	}
	return ticks
}
