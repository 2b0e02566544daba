package viz

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/gocontrast/contrast/recipes/nn"
)

// maxLegendClasses is the most classes a legend lists; the rest are
// summarised in one line.
const maxLegendClasses = 30

// Scatter draws 2-D points, xy of shape [N, 2], coloured by class:
// labels[i] is point i's class (nil for one colour and no legend), and
// classNames[l] names class l in the legend (missing names show the
// number, so nil gives "0".."9"). Colours come from Palette; more than 10
// classes cycle the colours with other marker shapes.
//
// Points are drawn in a seeded random order, so that no class always
// covers another, with antialiased markers rasterised directly (see
// pointLayer): 70,000 points render in a few tens of milliseconds.
func Scatter(xy *nn.Tensor, labels []int, classNames ...string) *Figure {
	x, y, err := columns2(xy)
	if err != nil {
		return errFigure("viz.Scatter: %v", err)
	}
	return scatter("viz.Scatter", "scatter", x, y, labels, classNames)
}

// ScatterXY is Scatter for points given as two coordinate slices of equal
// length.
func ScatterXY(x, y []float64, labels []int, classNames ...string) *Figure {
	if len(x) != len(y) {
		return errFigure("viz.ScatterXY: x has %d values but y has %d; pass one x and one y per point", len(x), len(y))
	}
	return scatter("viz.ScatterXY", "scatter", x, y, labels, classNames)
}

// columns2 splits an [N, 2] tensor into its two columns.
func columns2(t *nn.Tensor) (x, y []float64, err error) {
	if t == nil {
		return nil, nil, fmt.Errorf("points tensor is nil")
	}
	if len(t.Shape) != 2 || t.Shape[1] != 2 {
		return nil, nil, fmt.Errorf("points have shape %v; want [N, 2] (run t-SNE or PCA first for higher dimensions)", t.Shape)
	}
	n := t.Shape[0]
	if len(t.Data) != 2*n {
		return nil, nil, fmt.Errorf("points tensor has %d values for shape %v", len(t.Data), t.Shape)
	}
	x, y = make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		x[i], y[i] = float64(t.Data[2*i]), float64(t.Data[2*i+1])
	}
	return x, y, nil
}

// scatter builds the scatter figure; who names the calling function for
// errors and kind describes the figure ("scatter", "t-SNE").
func scatter(who, kind string, x, y []float64, labels []int, names []string) *Figure {
	n := len(x)
	if n == 0 {
		return errFigure("%s: no points to draw", who)
	}
	if labels != nil && len(labels) != n {
		return errFigure("%s: %d labels for %d points; pass one label per point (or nil)", who, len(labels), n)
	}
	for i := 0; i < n; i++ {
		if !finite(x[i]) || !finite(y[i]) {
			return errFigure("%s: point %d is (%g, %g); coordinates must be finite (a NaN usually means the model diverged)", who, i, x[i], y[i])
		}
	}
	classes := uniqueLabels(labels)
	styles := make([]pointStyle, len(classes))
	idx := make(map[int]uint16, len(classes))
	for k, l := range classes {
		styles[k] = pointStyle{color: ClassColor(l), shape: classMarker(l)}
		idx[l] = uint16(k)
	}
	if labels == nil {
		styles = []pointStyle{{color: Palette[0], shape: markerCircle}}
	}
	if len(styles) > math.MaxUint16 {
		return errFigure("%s: %d classes is more than a scatter can tell apart; group them first", who, len(styles))
	}
	style := make([]uint16, n)
	if labels != nil {
		for i, l := range labels {
			style[i] = idx[l]
		}
	}
	layer := newPointLayer(x, y, style, styles, 1)

	p := newPlot()
	p.Add(layer)
	padRange(&p.X, 0.02)
	padRange(&p.Y, 0.02)
	pp := &plotPanel{p: p, place: legendRight, legend: newLegend(), points: layer}
	for k, l := range classes {
		if k == maxLegendClasses {
			pp.add(fmt.Sprintf("... %d more", len(classes)-k), noThumb{})
			break
		}
		pp.add(className(l, names), swatch{color: styles[k].color, shape: styles[k].shape, radius: vg.Points(3.6)})
	}
	desc := fmt.Sprintf("%s, %d points", kind, n)
	if labels != nil {
		desc += fmt.Sprintf(", %d classes", len(classes))
	}
	w := 6.0
	if pp.entries > 0 {
		w = 7.4
	}
	return newFigure(desc, w, 5.6, pp)
}

// uniqueLabels returns the distinct labels, ascending.
func uniqueLabels(labels []int) []int {
	seen := make(map[int]bool)
	var out []int
	for _, l := range labels {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	sort.Ints(out)
	return out
}

// padRange widens an axis range by frac of its span on both sides (a unit
// around a single value).
func padRange(a *plot.Axis, frac float64) {
	span := a.Max - a.Min
	if span <= 0 {
		a.Min, a.Max = a.Min-0.5, a.Max+0.5
		return
	}
	a.Min -= span * frac
	a.Max += span * frac
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
