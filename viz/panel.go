package viz

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// legendPlace says where a plot panel draws its legend.
type legendPlace int

const (
	legendNone  legendPlace = iota
	legendRight             // outside the axes, to their right, top-aligned
	legendBest              // inside the axes, in the corner with the least data
)

// plotPanel is a gonum plot with a legend placed by viz rather than by
// gonum/plot (which can only put it inside a fixed corner).
type plotPanel struct {
	p      *plot.Plot
	legend plot.Legend
	place  legendPlace
	// samples are data points (in data coordinates) the legend should
	// avoid when place is legendBest.
	samples []xy
	items   []legendItem
	// headroom lets the panel raise the top of a linear y axis when no
	// corner is free, so the legend sits above the data.
	headroom bool
	entries  int
	// points is the scatter layer, if any (for Figure.Points).
	points *pointLayer
	// curves is the curve data, if any (for Figure.LogY).
	curves *curveSet
}

type xy struct{ x, y float64 }

func (pp *plotPanel) plots() []*plot.Plot { return []*plot.Plot{pp.p} }

// legendFrame is the padding around a framed legend.
const legendFrame = 4

func (pp *plotPanel) legendSize(c draw.Canvas) (w, h vg.Length) {
	r := pp.legend.Rectangle(c)
	s := r.Size()
	return s.X, s.Y
}

func (pp *plotPanel) draw(c draw.Canvas) {
	hasLegend := pp.place != legendNone && pp.entries > 0
	if !hasLegend {
		pp.p.Draw(c)
		return
	}
	switch pp.place {
	case legendRight:
		gap := vg.Points(8)
		colGap := vg.Points(10)
		// Columns no taller than the axes (estimated from the canvas
		// before the plot is laid out).
		cols := pp.columns(c, (c.Max.Y-c.Min.Y)*0.85)
		var lw vg.Length
		widths := make([]vg.Length, len(cols))
		for i := range cols {
			widths[i] = cols[i].Rectangle(c).Size().X
			lw += widths[i]
		}
		lw += colGap * vg.Length(len(cols)-1)
		pc := draw.Crop(c, 0, -(lw + gap), 0, 0)
		pp.p.Draw(pc)
		da := pp.p.DataCanvas(pc)
		x := pc.Max.X + gap
		for i := range cols {
			lh := cols[i].Rectangle(c).Size().Y
			lc := draw.Canvas{Canvas: c, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: da.Max.Y - lh},
				Max: vg.Point{X: x + widths[i], Y: da.Max.Y},
			}}
			cols[i].Top, cols[i].Left = true, true
			cols[i].Draw(lc)
			x += widths[i] + colGap
		}
	case legendBest:
		q, r := pp.layoutBest(c, math.NaN())
		pp.drawBest(c, &q, r)
	}
}

// layoutBest decides the y range and legend corner of a legendBest panel
// drawn on c: it returns a copy of the plot (headroom must not accumulate
// over renders) and the legend's frame. A finite yMax fixes the top of the
// y axis instead of the headroom rule.
func (pp *plotPanel) layoutBest(c draw.Canvas, yMax float64) (plot.Plot, vg.Rectangle) {
	q := *pp.p
	lw, lh := pp.legendSize(c)
	fw, fh := lw+2*vg.Points(legendFrame), lh+2*vg.Points(legendFrame)
	m := vg.Points(6) // margin from the axes
	if !math.IsNaN(yMax) {
		q.Y.Max = yMax
	}
	da := q.DataCanvas(c)
	corners := legendCorners(da, fw, fh, m)
	best, n := bestCorner(&q, &da, corners, pp.samples)
	if n > 0 && math.IsNaN(yMax) && pp.headroom && isLinear(q.Y.Scale) && q.Y.Max > q.Y.Min {
		// Raise the top of the axis until the legend fits above the
		// data, then choose again between the top corners.
		h := float64(da.Max.Y - da.Min.Y)
		if f := float64(fh+2*m) / h; f < 0.6 {
			q.Y.Max = q.Y.Min + (q.Y.Max-q.Y.Min)/(1-f)
			da = q.DataCanvas(c)
			corners = legendCorners(da, fw, fh, m)[:2]
			best, _ = bestCorner(&q, &da, corners, pp.samples)
		}
	}
	return q, corners[best]
}

// drawBest draws the plot q and the legend framed in r.
func (pp *plotPanel) drawBest(c draw.Canvas, q *plot.Plot, r vg.Rectangle) {
	q.Draw(c)
	frame := draw.Canvas{Canvas: c, Rectangle: r}
	frame.FillPolygon(color.NRGBA{255, 255, 255, 215}, rectPts(r))
	frame.StrokeLines(draw.LineStyle{Color: color.NRGBA{0xcc, 0xcc, 0xcc, 0xff}, Width: vg.Points(0.6)}, append(rectPts(r), r.Min))
	in := draw.Crop(frame, vg.Points(legendFrame), -vg.Points(legendFrame), vg.Points(legendFrame), -vg.Points(legendFrame))
	l := pp.legend
	l.Top, l.Left = true, true
	l.Draw(in)
}

// sharedY draws legendBest panels side by side with one y range: the
// widest that any of them asks for.
type sharedY struct {
	panels []*plotPanel
	pad    vg.Length
}

func (s *sharedY) plots() []*plot.Plot {
	var ps []*plot.Plot
	for _, p := range s.panels {
		ps = append(ps, p.p)
	}
	return ps
}

func (s *sharedY) draw(c draw.Canvas) {
	tiles := draw.Tiles{Rows: 1, Cols: len(s.panels), PadX: s.pad}
	top := math.Inf(-1)
	for i, p := range s.panels {
		q, _ := p.layoutBest(tiles.At(c, i, 0), math.NaN())
		top = math.Max(top, q.Y.Max)
	}
	for i, p := range s.panels {
		tc := tiles.At(c, i, 0)
		q, r := p.layoutBest(tc, top)
		p.drawBest(tc, &q, r)
	}
}

// legendCorners returns the legend rectangles of size w x h at the four
// inner corners of the data area da, margin m from its edges: upper right,
// upper left, lower right, lower left.
func legendCorners(da draw.Canvas, w, h, m vg.Length) []vg.Rectangle {
	return []vg.Rectangle{
		{Min: vg.Point{X: da.Max.X - m - w, Y: da.Max.Y - m - h}, Max: vg.Point{X: da.Max.X - m, Y: da.Max.Y - m}},
		{Min: vg.Point{X: da.Min.X + m, Y: da.Max.Y - m - h}, Max: vg.Point{X: da.Min.X + m + w, Y: da.Max.Y - m}},
		{Min: vg.Point{X: da.Max.X - m - w, Y: da.Min.Y + m}, Max: vg.Point{X: da.Max.X - m, Y: da.Min.Y + m + h}},
		{Min: vg.Point{X: da.Min.X + m, Y: da.Min.Y + m}, Max: vg.Point{X: da.Min.X + m + w, Y: da.Min.Y + m + h}},
	}
}

func isLinear(s plot.Normalizer) bool {
	_, ok := s.(plot.LinearScale)
	return ok
}

// bestCorner returns the index of the rectangle covering the fewest sample
// points (the first on ties), as matplotlib's legend loc="best" does, and
// that number of points.
func bestCorner(p *plot.Plot, da *draw.Canvas, rects []vg.Rectangle, samples []xy) (best, count int) {
	if len(samples) == 0 {
		return 0, 0
	}
	tx, ty := p.Transforms(da)
	counts := make([]int, len(rects))
	for _, s := range samples {
		if !validFor(p, s) {
			continue
		}
		pt := vg.Point{X: tx(s.x), Y: ty(s.y)}
		for i, r := range rects {
			if pt.X >= r.Min.X && pt.X <= r.Max.X && pt.Y >= r.Min.Y && pt.Y <= r.Max.Y {
				counts[i]++
			}
		}
	}
	for i, n := range counts {
		if n < counts[best] {
			best = i
		}
	}
	return best, counts[best]
}

// validFor reports whether s can be transformed on p's axes (log axes
// need positive values).
func validFor(p *plot.Plot, s xy) bool {
	if _, ok := p.X.Scale.(plot.LogScale); ok && s.x <= 0 {
		return false
	}
	if _, ok := p.Y.Scale.(plot.LogScale); ok && s.y <= 0 {
		return false
	}
	return true
}

func rectPts(r vg.Rectangle) []vg.Point {
	return []vg.Point{r.Min, {X: r.Min.X, Y: r.Max.Y}, r.Max, {X: r.Max.X, Y: r.Min.Y}}
}

// add adds a legend entry.
func (pp *plotPanel) add(name string, thumbs ...plot.Thumbnailer) {
	pp.legend.Add(name, thumbs...)
	pp.items = append(pp.items, legendItem{name, thumbs})
	pp.entries++
}

type legendItem struct {
	name   string
	thumbs []plot.Thumbnailer
}

// columns splits the legend into as few columns as keep each no taller
// than h.
func (pp *plotPanel) columns(c draw.Canvas, h vg.Length) []plot.Legend {
	_, total := pp.legendSize(c)
	k := 1
	if h > 0 && total > h {
		k = int(math.Ceil(float64(total / h)))
	}
	k = max(1, min(k, len(pp.items)))
	per := (len(pp.items) + k - 1) / k
	var cols []plot.Legend
	for i := 0; i < len(pp.items); i += per {
		l := newLegendLike(pp.legend)
		for _, it := range pp.items[i:min(i+per, len(pp.items))] {
			l.Add(it.name, it.thumbs...)
		}
		cols = append(cols, l)
	}
	return cols
}

// newLegendLike returns an empty legend with l's style.
func newLegendLike(l plot.Legend) plot.Legend {
	out := plot.NewLegend()
	out.TextStyle = l.TextStyle
	out.Padding = l.Padding
	out.ThumbnailWidth = l.ThumbnailWidth
	out.YPosition = l.YPosition
	return out
}
