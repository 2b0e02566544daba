package viz

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one curve of a Curves figure: values Y at steps X. Build it
// with Curve and refine it with the chaining methods, which return a
// modified copy:
//
//	viz.Curves(
//		viz.Curve("train loss", run.Loss).Smooth(0.9),
//		viz.Curve("kNN accuracy", run.KNN).At(run.EvalSteps).In("accuracy"),
//	).LogY()
type Series struct {
	// Name is the legend entry.
	Name string
	// X holds the steps; nil means 0, 1, 2, ...
	X []float64
	// Y holds the values. NaN and ±Inf values (a diverged loss) are
	// skipped, leaving a gap, and counted in the figure's description.
	Y []float64
	// Smoothing is the weight w of TensorBoard's exponential moving
	// average, in [0, 1): s_t = (w*a_{t-1} + (1-w)*y_t) / (1 - w^t) with
	// a the running average, so the first value is not pulled towards 0.
	// 0 means no smoothing. When set, the raw values are drawn faint
	// behind the smoothed curve, as TensorBoard does.
	Smoothing float64
	// Panel groups series into side-by-side panels: series with the same
	// Panel share axes; "" is the first panel. The panel name is its
	// title.
	Panel string
	// Log puts the series' panel on a log y axis.
	Log bool
}

// Curve returns a series named name with values y at steps 0, 1, 2, ...
// (y is not copied; do not change it before the figure is rendered).
func Curve(name string, y []float64) Series { return Series{Name: name, Y: y} }

// Curve32 is Curve for float32 values.
func Curve32(name string, y []float32) Series {
	v := make([]float64, len(y))
	for i, x := range y {
		v[i] = float64(x)
	}
	return Series{Name: name, Y: v}
}

// At sets the steps of the values (one per value) and returns the series.
func (s Series) At(steps []float64) Series {
	s.X = steps
	return s
}

// Smooth sets the exponential moving average weight (TensorBoard's
// smoothing slider: 0.6 light, 0.9 typical, 0.99 heavy) and returns the
// series.
func (s Series) Smooth(weight float64) Series {
	s.Smoothing = weight
	return s
}

// In puts the series in the panel named panel and returns it.
func (s Series) In(panel string) Series {
	s.Panel = panel
	return s
}

// LogY puts the series' panel on a log y axis and returns the series.
func (s Series) LogY() Series {
	s.Log = true
	return s
}

// Smoothed returns the TensorBoard moving average of y with weight w (see
// Series.Smoothing). Non-finite values are passed through and do not
// enter the average; a constant series is returned unchanged.
func Smoothed(y []float64, w float64) []float64 {
	out := make([]float64, len(y))
	constant := true
	for _, v := range y {
		if v != y[0] {
			constant = false
			break
		}
	}
	var last float64
	n := 0
	for i, v := range y {
		if constant || !finite(v) {
			out[i] = v
			continue
		}
		last = last*w + (1-w)*v
		n++
		debias := 1.0
		if w != 1 {
			debias = 1 - math.Pow(w, float64(n))
		}
		out[i] = last / debias
	}
	return out
}

// Curves draws training curves: loss and metrics over steps, several
// series per panel, each panel with its own axes (see Series.Panel),
// optionally smoothed and on a log scale. Series are coloured from
// Palette in order; the legend goes in the panel corner with the least
// data.
func Curves(series ...Series) *Figure {
	const who = "viz.Curves"
	if len(series) == 0 {
		return errFigure("%s: no series; pass viz.Curve(name, values), ...", who)
	}
	var order []string
	groups := map[string][]int{}
	for i, s := range series {
		if len(s.Y) == 0 {
			return errFigure("%s: series %q has no values", who, s.Name)
		}
		if s.X != nil && len(s.X) != len(s.Y) {
			return errFigure("%s: series %q has %d steps for %d values; pass one step per value", who, s.Name, len(s.X), len(s.Y))
		}
		if !(s.Smoothing >= 0 && s.Smoothing < 1) {
			return errFigure("%s: series %q has smoothing %g; it must be in [0, 1) (0.9 is typical)", who, s.Name, s.Smoothing)
		}
		if _, ok := groups[s.Panel]; !ok {
			order = append(order, s.Panel)
		}
		groups[s.Panel] = append(groups[s.Panel], i)
	}
	var (
		panels  []panel
		skipped int
		points  int
	)
	for _, name := range order {
		idx := groups[name]
		title := name
		if title == "" && len(order) > 1 {
			title = series[idx[0]].Name
		}
		logY := false
		for _, i := range idx {
			logY = logY || series[i].Log
		}
		pp, sk, err := curvePanel(series, idx, title, logY)
		if err != nil {
			return errFigure("%s: %v", who, err)
		}
		skipped += sk
		for _, i := range idx {
			points += len(series[i].Y)
		}
		panels = append(panels, pp)
	}
	desc := fmt.Sprintf("curves, %d series, %d points", len(series), points)
	if len(panels) > 1 {
		desc += fmt.Sprintf(", %d panels", len(panels))
	}
	if skipped > 0 {
		desc += fmt.Sprintf(", %d non-finite values skipped", skipped)
	}
	w := 6.4
	if len(panels) > 1 {
		w = 4.6 * float64(len(panels))
	}
	return newFigure(desc, w, 4.0, panels...)
}

// LogY puts every curve panel of the figure on a log y axis and returns
// f. Values <= 0 cannot be shown on it and are skipped; a panel with no
// positive value makes the figure an error. On other figures it does
// nothing.
func (f *Figure) LogY() *Figure {
	if f.err != nil {
		return f
	}
	for _, p := range f.panels {
		if pp, ok := p.(*plotPanel); ok && pp.curves != nil {
			if err := pp.curves.setLog(pp); err != nil {
				f.err = fmt.Errorf("viz.Curves: LogY: %v", err)
				return f
			}
		}
	}
	return f
}

// curveSet is the plotter of one curve panel: it draws every raw series
// first and the smoothed ones over them, so no faint raw line crosses a
// smoothed curve. It is kept so LogY can rebuild the axes.
type curveSet struct {
	layers []*curveLayer
}

func (cs *curveSet) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, l := range cs.layers {
		a, b, c, d := l.DataRange()
		xmin, xmax = math.Min(xmin, a), math.Max(xmax, b)
		ymin, ymax = math.Min(ymin, c), math.Max(ymax, d)
	}
	return
}

func (cs *curveSet) Plot(c draw.Canvas, p *plot.Plot) {
	for _, l := range cs.layers {
		if l.smooth != nil {
			l.stroke(c, p, l.y, draw.LineStyle{Color: withAlpha(l.color, 0.25), Width: vg.Points(1)})
		}
	}
	for _, l := range cs.layers {
		if l.smooth != nil {
			l.stroke(c, p, l.smooth, draw.LineStyle{Color: l.color, Width: vg.Points(1.6)})
		} else {
			l.stroke(c, p, l.y, draw.LineStyle{Color: l.color, Width: vg.Points(1.5)})
		}
	}
}

func (cs *curveSet) setLog(pp *plotPanel) error {
	p := pp.p
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, l := range cs.layers {
		for _, ys := range [][]float64{l.y, l.smooth} {
			for _, v := range ys {
				if finite(v) && v > 0 {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
	}
	if math.IsInf(lo, 1) {
		return fmt.Errorf("panel %q has no positive value to show on a log scale", p.Title.Text)
	}
	if hi == lo {
		lo, hi = lo/2, hi*2
	}
	for _, l := range cs.layers {
		l.log = true
	}
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicks{}
	p.Y.Min, p.Y.Max = lo, hi
	pp.samples = curveSamples(cs.layers, true)
	return nil
}

func curvePanel(series []Series, idx []int, name string, logY bool) (*plotPanel, int, error) {
	p := newPlot()
	p.Title.Text = name
	p.X.Label.Text = "step"
	if len(idx) == 1 {
		p.Y.Label.Text = series[idx[0]].Name
	}
	pp := &plotPanel{p: p, place: legendBest, legend: newLegend(), curves: &curveSet{}}
	skipped := 0
	for _, i := range idx {
		s := series[i]
		x := s.X
		if x == nil {
			x = make([]float64, len(s.Y))
			for j := range x {
				x[j] = float64(j)
			}
		}
		for j, v := range x {
			if !finite(v) {
				return nil, 0, fmt.Errorf("series %q has step %g at index %d; steps must be finite", s.Name, v, j)
			}
		}
		finiteN := 0
		for _, v := range s.Y {
			if finite(v) {
				finiteN++
			}
		}
		if finiteN == 0 {
			return nil, 0, fmt.Errorf("series %q has no finite value", s.Name)
		}
		skipped += len(s.Y) - finiteN
		clr := Palette[i%len(Palette)] // by position in the figure, across panels
		l := &curveLayer{x: x, y: s.Y, color: clr}
		if s.Smoothing > 0 {
			l.smooth = Smoothed(s.Y, s.Smoothing)
		}
		pp.curves.layers = append(pp.curves.layers, l)
		name := s.Name
		if s.Smoothing > 0 {
			name += fmt.Sprintf(" (EMA %g)", s.Smoothing)
		}
		pp.add(name, stroke{style: draw.LineStyle{Color: clr, Width: vg.Points(2)}})
	}
	p.Add(pp.curves)
	pp.samples = curveSamples(pp.curves.layers, false)
	if logY {
		if err := pp.curves.setLog(pp); err != nil {
			return nil, 0, err
		}
	}
	return pp, skipped, nil
}

// curveSamples returns points along the curves (with a few interpolated
// between far-apart points) for the legend placement.
func curveSamples(layers []*curveLayer, logY bool) []xy {
	var out []xy
	for _, l := range layers {
		y := l.y
		if l.smooth != nil {
			y = l.smooth
		}
		stride := 1
		if len(y) > 2000 {
			stride = len(y) / 2000
		}
		prev := -1
		for j := 0; j < len(y); j += stride {
			if !finite(y[j]) || (logY && y[j] <= 0) {
				prev = -1
				continue
			}
			if prev >= 0 && stride == 1 {
				for f := 0.1; f < 1; f += 0.1 {
					a, b := y[prev], y[j]
					v := a + f*(b-a)
					if logY {
						v = math.Exp(math.Log(a) + f*(math.Log(b)-math.Log(a)))
					}
					out = append(out, xy{l.x[prev] + f*(l.x[j]-l.x[prev]), v})
				}
			}
			out = append(out, xy{l.x[j], y[j]})
			prev = j
		}
	}
	return out
}

// curveLayer is one series: the raw values, drawn faint when a smoothed
// curve is drawn over them. Non-finite values (and values <= 0 on a log
// axis) break the line.
type curveLayer struct {
	x, y, smooth []float64
	color        color.NRGBA
	log          bool
}

func (l *curveLayer) ok(v float64) bool { return finite(v) && (!l.log || v > 0) }

func (l *curveLayer) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = minMax(l.x)
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, ys := range [][]float64{l.y, l.smooth} {
		for _, v := range ys {
			if l.ok(v) {
				ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
			}
		}
	}
	return
}

func (l *curveLayer) stroke(c draw.Canvas, p *plot.Plot, y []float64, sty draw.LineStyle) {
	tx, ty := p.Transforms(&c)
	var lines [][]vg.Point
	var cur []vg.Point
	for j, v := range y {
		if !l.ok(v) {
			if len(cur) > 0 {
				lines = append(lines, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, vg.Point{X: tx(l.x[j]), Y: ty(v)})
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	for _, ln := range lines {
		if len(ln) == 1 { // an isolated value: a dot
			drawMarker(&c, markerCircle, sty.Color, sty.Width, ln[0])
			continue
		}
		for _, clipped := range c.ClipLinesXY(ln) {
			strokeChunked(c, sty, decimate(clipped, vg.Points(0.5)))
		}
	}
}

// strokeChunk is the most points stroked in one path. The freetype
// rasteriser under gonum/plot's PNG canvas searches its cell list
// linearly, so one long jagged path costs time quadratic in its length
// (1,000 noisy points took over a second); chunks keep it linear. Chunks
// share their end points, and at curve widths the joins do not show.
const strokeChunk = 64

func strokeChunked(c draw.Canvas, sty draw.LineStyle, pts []vg.Point) {
	for i := 0; i+1 < len(pts); i += strokeChunk {
		c.StrokeLines(sty, pts[i:min(i+strokeChunk+1, len(pts))])
	}
}

// decimate thins a polyline whose x increases (a curve over steps) to at
// most four points per column of width w: the first, lowest, highest and
// last point of the column, in order (the M4 scheme of Jugel et al.,
// VLDB 2014). The drawn line is the same to the pixel; a 100,000-step
// curve keeps a few thousand points.
func decimate(pts []vg.Point, w vg.Length) []vg.Point {
	if len(pts) < decimateMin || w <= 0 {
		return pts
	}
	out := make([]vg.Point, 0, 4096)
	start := 0
	for start < len(pts) {
		col := math.Floor(float64(pts[start].X / w))
		end := start + 1
		lo, hi := start, start
		for end < len(pts) && math.Floor(float64(pts[end].X/w)) == col {
			if pts[end].Y < pts[lo].Y {
				lo = end
			}
			if pts[end].Y > pts[hi].Y {
				hi = end
			}
			end++
		}
		keep := []int{start, lo, hi, end - 1}
		sortInts4(keep)
		last := -1
		for _, k := range keep {
			if k != last {
				out = append(out, pts[k])
				last = k
			}
		}
		start = end
	}
	return out
}

// decimateMin is the least number of points decimate thins (a variable
// for tests).
var decimateMin = 1000

func sortInts4(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
