package viz

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gocontrast/contrast/recipes/nn"
)

// HistOptions tunes the similarity histograms. Zero fields take the
// defaults given.
type HistOptions struct {
	// Bins is the number of shared bins. Default: 100 over [lo, 1] for
	// cosine similarities of embeddings (SimilarityHist; lo is -1 or
	// the smallest similarity rounded down, see SimilarityHist), 60 over
	// the data's range for given values (PairHist, Hardness).
	Bins int
	// Lo and Hi fix the bins' range when Hi > Lo.
	Lo, Hi float64
	// MaxPairs caps the positive and the negative pairs sampled from
	// embeddings; default DefaultMaxPairs.
	MaxPairs int
	// Seed seeds the pair sampling (0 is a seed like any other).
	Seed uint64
	// Names are the legend names of the two samples; default "positive
	// pairs" and "negative pairs".
	Names [2]string
	// XLabel labels the x axis; default "cosine similarity".
	XLabel string
	// Title is the panel title.
	Title string
}

// Colours of the two samples: the Palette's blue and orange.
var (
	posColor = Palette[0]
	negColor = Palette[1]
)

// SimilarityHist draws the distributions of cosine similarity between
// embeddings z ([N, D], rows L2-normalised first) of positive pairs (same
// label, i < j) and negative pairs (different labels): two translucent,
// density-normalised histograms on 100 shared bins over [lo, 1], with
// dashed lines at their means. lo is the smallest similarity rounded down
// to a step of at most a quarter of 1 - lo (0.5, 0.1, 0.05, 0.01, 0.005 or
// 0.001): -1 when similarities span the whole range, and a few hundredths
// below 1 for the features of an encoder that ends in a ReLU and a pool,
// whose similarities would otherwise fill two of the 100 bins. Set
// HistOptions.Lo and Hi for a fixed range. The legend gives each sample's size and
// mean, the AUC (probability that a positive pair is more similar than a
// negative one) and the histograms' overlap coefficient (see Stats).
//
// With N samples there are about N²/2 pairs: each kind is used whole up to
// DefaultMaxPairs (200,000) pairs and uniformly subsampled beyond, with a
// fixed seed (HistOptions.Seed), so the figure is the same every run.
//
// A good representation separates the two: the alignment/uniformity view
// of Wang & Isola (arXiv 2005.10242) and the hardness plots of MoCHi
// (arXiv 2010.01028) read from exactly this figure.
func SimilarityHist(z *nn.Tensor, labels []int) *Figure {
	return SimilarityHistWith(z, labels, HistOptions{})
}

// SimilarityHistWith is SimilarityHist with options.
func SimilarityHistWith(z *nn.Tensor, labels []int, opt HistOptions) *Figure {
	const who = "viz.SimilarityHist"
	pos, neg, err := embeddingPairs(z, labels, opt)
	if err != nil {
		return errFigure("%s: %v", who, err)
	}
	opt = cosineDefaults(opt, pos, neg)
	pp, s, err := histPanel(pos, neg, opt)
	if err != nil {
		return errFigure("%s: %v", who, err)
	}
	return newFigure(histDesc("similarity histogram", s), 6.4, 4.4, pp)
}

// SimilarityHistBeforeAfter draws SimilarityHist for the embeddings of the
// same samples before and after training, side by side on the same axes,
// so the separation gained is read at a glance.
func SimilarityHistBeforeAfter(before, after *nn.Tensor, labels []int) *Figure {
	const who = "viz.SimilarityHistBeforeAfter"
	var opt HistOptions
	pb, nb, err := embeddingPairs(before, labels, opt)
	if err != nil {
		return errFigure("%s: before: %v", who, err)
	}
	pa, na, err := embeddingPairs(after, labels, opt)
	if err != nil {
		return errFigure("%s: after: %v", who, err)
	}
	opt = cosineDefaults(opt, pb, nb, pa, na) // one x axis for both panels
	ob, oa := opt, opt
	ob.Title, oa.Title = "before training", "after training"
	left, sb, err := histPanel(pb, nb, ob)
	if err != nil {
		return errFigure("%s: before: %v", who, err)
	}
	right, sa, err := histPanel(pa, na, oa)
	if err != nil {
		return errFigure("%s: after: %v", who, err)
	}
	top := math.Max(left.p.Y.Max, right.p.Y.Max)
	left.p.Y.Max, right.p.Y.Max = top, top
	desc := fmt.Sprintf("similarity histograms before (AUC %.3f) and after (AUC %.3f) training", sb.AUC, sa.AUC)
	return newFigure(desc, 12, 4.4, &sharedY{panels: []*plotPanel{left, right}, pad: vg.Points(14)})
}

// PairHist draws the histograms of given positive and negative
// similarities (any scale: cosine, dot product, distance), with the same
// legend as SimilarityHist, on 60 shared bins over their joint range.
func PairHist(pos, neg []float64) *Figure {
	return PairHistWith(pos, neg, HistOptions{})
}

// PairHistWith is PairHist with options.
func PairHistWith(pos, neg []float64, opt HistOptions) *Figure {
	pp, s, err := histPanel(pos, neg, opt)
	if err != nil {
		return errFigure("viz.PairHist: %v", err)
	}
	return newFigure(histDesc("pair histogram", s), 6.4, 4.4, pp)
}

// Hardness draws, for MoCHi (Kalantidis et al., arXiv 2010.01028, fig. 3),
// the similarity to the query of real negatives (from the memory queue)
// and of the synthetic hard negatives mixed from them. Synthetic
// negatives should sit to the right (harder); the legend's AUC is the
// probability that a synthetic negative is harder than a real one.
func Hardness(realNeg, synthNeg []float64) *Figure {
	opt := HistOptions{
		Names:  [2]string{"synthetic negatives", "real negatives"},
		XLabel: "similarity to the query",
	}
	pp, s, err := histPanel(synthNeg, realNeg, opt)
	if err != nil {
		return errFigure("viz.Hardness: %v", err)
	}
	return newFigure(histDesc("hardness histogram", s), 6.4, 4.4, pp)
}

// cosineDefaults fills in the bins of a cosine similarity histogram of
// samples: 100 over [cosineLo(samples), 1].
func cosineDefaults(opt HistOptions, samples ...[]float64) HistOptions {
	if opt.Bins <= 0 {
		opt.Bins = 100
	}
	if !(opt.Hi > opt.Lo) {
		opt.Lo, opt.Hi = cosineLo(samples...), 1
	}
	return opt
}

// cosineLo is the left end of a cosine similarity histogram: the smallest
// value rounded down to the largest step of 0.5, 0.1, 0.05, 0.01, 0.005
// and 0.001 that is at most a quarter of the range, and never below -1.
func cosineLo(samples ...[]float64) float64 {
	lo := 1.0
	for _, s := range samples {
		for _, v := range s {
			lo = math.Min(lo, v)
		}
	}
	w := 1 - lo
	if !(w > 0) {
		return 0.99
	}
	step := 0.001
	for _, s := range []float64{0.5, 0.1, 0.05, 0.01, 0.005} {
		if s <= w/4 {
			step = s
			break
		}
	}
	return math.Max(-1, math.Floor(lo/step+1e-9)*step) // 1e-9: 0.7/0.05 is 13.999...
}

func histDesc(kind string, s Stats) string {
	return fmt.Sprintf("%s, %s positive and %s negative, AUC %.3f, overlap %.3f",
		kind, thousands(s.NPos), thousands(s.NNeg), s.AUC, s.Overlap)
}

// embeddingPairs returns the positive and negative cosine similarities of
// z's rows.
func embeddingPairs(z *nn.Tensor, labels []int, opt HistOptions) (pos, neg []float64, err error) {
	rows, n, d, err := normalizedRows(z)
	if err != nil {
		return nil, nil, err
	}
	if n < 2 {
		return nil, nil, fmt.Errorf("%d embeddings; need at least two per class and two classes", n)
	}
	return pairSimilarities(n, labels, opt.MaxPairs, opt.Seed, func(i, j int) float64 {
		return dot32(rows[i*d:(i+1)*d], rows[j*d:(j+1)*d])
	})
}

// histPanel builds the overlaid histograms of a (drawn first, blue) and b
// (orange).
func histPanel(a, b []float64, opt HistOptions) (*plotPanel, Stats, error) {
	if len(a) == 0 || len(b) == 0 {
		return nil, Stats{}, fmt.Errorf("need values in both samples (got %d and %d)", len(a), len(b))
	}
	names := opt.Names
	if names[0] == "" {
		names[0] = "positive pairs"
	}
	if names[1] == "" {
		names[1] = "negative pairs"
	}
	if err := checkFinite(names[0], a); err != nil {
		return nil, Stats{}, err
	}
	if err := checkFinite(names[1], b); err != nil {
		return nil, Stats{}, err
	}
	lo, hi := opt.Lo, opt.Hi
	bins := opt.Bins
	if !(hi > lo) {
		alo, ahi := minMax(a)
		blo, bhi := minMax(b)
		lo, hi = math.Min(alo, blo), math.Max(ahi, bhi)
		if !(hi > lo) {
			lo, hi = lo-0.5, hi+0.5
		}
	}
	if bins <= 0 {
		bins = 60
	}
	s, err := PairStats(a, b, lo, hi, bins)
	if err != nil {
		return nil, Stats{}, err
	}
	da, db := density(a, lo, hi, bins), density(b, lo, hi, bins)

	p := newPlot()
	p.Title.Text = opt.Title
	p.X.Label.Text = opt.XLabel
	if p.X.Label.Text == "" {
		p.X.Label.Text = "cosine similarity"
	}
	p.Y.Label.Text = "density"
	ha := &histLayer{lo: lo, hi: hi, d: da, color: posColor}
	hb := &histLayer{lo: lo, hi: hi, d: db, color: negColor}
	p.Add(hb, ha) // positives on top
	hAt := func(d []float64, x float64) float64 { return d[binOf(x, lo, hi, bins)] }
	p.Add(&vline{x: s.NegMean, top: hAt(db, s.NegMean), color: negColor}, &vline{x: s.PosMean, top: hAt(da, s.PosMean), color: posColor})
	p.X.Min, p.X.Max = lo, hi
	p.Y.Min = 0
	p.Y.Max *= 1.08

	pp := &plotPanel{p: p, place: legendBest, legend: newLegend(), headroom: true}
	pp.add(fmt.Sprintf("%s (%s), mean %.3f", names[0], thousands(s.NPos), s.PosMean), block{fill: withAlpha(posColor, 0.4), line: posColor})
	pp.add(fmt.Sprintf("%s (%s), mean %.3f", names[1], thousands(s.NNeg), s.NegMean), block{fill: withAlpha(negColor, 0.4), line: negColor})
	pp.add(s.String(), noThumb{})
	for _, h := range []*histLayer{ha, hb} {
		w := (hi - lo) / float64(bins)
		for k, v := range h.d {
			x := lo + (float64(k)+0.5)*w
			for f := 0.0; f <= 1; f += 0.25 {
				pp.samples = append(pp.samples, xy{x, v * f})
			}
		}
	}

	return pp, s, nil
}

// histLayer draws a density histogram as a translucent filled step shape
// with a solid outline.
type histLayer struct {
	lo, hi float64
	d      []float64
	color  color.NRGBA
}

func (h *histLayer) DataRange() (xmin, xmax, ymin, ymax float64) {
	_, top := minMax(h.d)
	return h.lo, h.hi, 0, top
}

func (h *histLayer) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	w := (h.hi - h.lo) / float64(len(h.d))
	pts := make([]vg.Point, 0, 2*len(h.d)+2)
	pts = append(pts, vg.Point{X: tx(h.lo), Y: ty(0)})
	for k, v := range h.d {
		x0, x1 := h.lo+float64(k)*w, h.lo+float64(k+1)*w
		pts = append(pts, vg.Point{X: tx(x0), Y: ty(v)}, vg.Point{X: tx(x1), Y: ty(v)})
	}
	pts = append(pts, vg.Point{X: tx(h.hi), Y: ty(0)})
	c.FillPolygon(withAlpha(h.color, 0.35), c.ClipPolygonXY(pts))
	c.StrokeLines(draw.LineStyle{Color: h.color, Width: vg.Points(1.1)}, c.ClipLinesXY(pts)...)
}

// vline draws a dashed vertical line at x from y = 0 up to y = top.
type vline struct {
	x, top float64
	color  color.Color
}

func (v *vline) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	x := tx(v.x)
	if x < c.Min.X || x > c.Max.X {
		return
	}
	c.StrokeLine2(draw.LineStyle{Color: v.color, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(4), vg.Points(2.5)}}, x, ty(0), x, ty(v.top))
}

// thousands formats n with commas: 200,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return neg + s
}
