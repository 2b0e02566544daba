package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/recipes/nn"
)

// Limits of the image grids: beyond them the first ones are shown and the
// description says how many were left out.
const (
	maxGridImages = 400 // Images, LabeledImages
	maxAugRows    = 8   // Augmentations
	maxQueries    = 16  // Retrieval
)

// Colours of retrieval borders.
var (
	correctColor = color.NRGBA{0x2c, 0xa0, 0x2c, 0xff} // Palette green
	wrongColor   = color.NRGBA{0xd6, 0x27, 0x28, 0xff} // Palette red
	queryColor   = color.NRGBA{0x33, 0x33, 0x33, 0xff}
)

// imageSet is a validated batch of images.
type imageSet struct {
	t          *nn.Tensor
	n, c, h, w int
	lo, scale  float32 // pixel = (v - lo) * scale, then clamped to [0, 1]
	rescaled   bool
}

// newImageSet checks a batch of images: shape [N, C, H, W] with C 1
// (grey) or 3 (RGB), or [N, H, W]; finite values. Values are expected in
// [0, 1]; a batch outside that range (normalised inputs) is rescaled as a
// whole from its [min, max] to [0, 1], and the figure's description says
// so.
func newImageSet(t *nn.Tensor) (*imageSet, error) {
	if t == nil {
		return nil, fmt.Errorf("images tensor is nil")
	}
	s := &imageSet{t: t, lo: 0, scale: 1}
	switch len(t.Shape) {
	case 3:
		s.n, s.c, s.h, s.w = t.Shape[0], 1, t.Shape[1], t.Shape[2]
	case 4:
		s.n, s.c, s.h, s.w = t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]
	default:
		return nil, fmt.Errorf("images have shape %v; want [N, C, H, W] (C = 1 or 3) or [N, H, W]", t.Shape)
	}
	if s.c != 1 && s.c != 3 {
		return nil, fmt.Errorf("images have %d channels (shape %v); want 1 (grey) or 3 (RGB)", s.c, t.Shape)
	}
	if s.n*s.c*s.h*s.w != len(t.Data) {
		return nil, fmt.Errorf("images have shape %v but %d values", t.Shape, len(t.Data))
	}
	if s.n == 0 || s.h == 0 || s.w == 0 {
		return nil, fmt.Errorf("no images to draw (shape %v)", t.Shape)
	}
	lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
	for i, v := range t.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			per := s.c * s.h * s.w
			return nil, fmt.Errorf("image %d has %v at value %d; pixels must be finite", i/per, v, i%per)
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo < -0.01 || hi > 1.01 {
		s.rescaled = true
		s.lo = lo
		if hi > lo {
			s.scale = 1 / (hi - lo)
		}
	}
	return s, nil
}

func (s *imageSet) note() string {
	if !s.rescaled {
		return ""
	}
	return fmt.Sprintf(" (values rescaled from [%.3g, %.3g] to [0, 1])", s.lo, s.lo+1/s.scale)
}

// image returns image i as an 8-bit image.
func (s *imageSet) image(i int) image.Image {
	per := s.c * s.h * s.w
	d := s.t.Data[i*per : (i+1)*per]
	px := func(v float32) uint8 {
		v = (v - s.lo) * s.scale
		if v <= 0 {
			return 0
		}
		if v >= 1 {
			return 255
		}
		return uint8(v*255 + 0.5)
	}
	if s.c == 1 {
		g := image.NewGray(image.Rect(0, 0, s.w, s.h))
		for j, v := range d {
			g.Pix[j] = px(v)
		}
		return g
	}
	m := image.NewRGBA(image.Rect(0, 0, s.w, s.h))
	hw := s.h * s.w
	for j := 0; j < hw; j++ {
		m.Pix[4*j] = px(d[j])
		m.Pix[4*j+1] = px(d[hw+j])
		m.Pix[4*j+2] = px(d[2*hw+j])
		m.Pix[4*j+3] = 255
	}
	return m
}

// gridCell is one image of a grid, with an optional border and caption.
type gridCell struct {
	img      image.Image // nil: empty cell
	border   color.Color // nil: none
	caption  string
	capColor color.Color
}

// imageGrid is a panel of rows x cols images, drawn pixel-sharp
// (nearest-neighbour upscaling), with optional column titles and
// captions.
type imageGrid struct {
	rows, cols int
	cells      []gridCell // row-major
	colTitles  []string
	aspect     float64 // image height / width
}

const (
	gridGap    = 5 // points between cells
	cellInches = 0.95
)

func (g *imageGrid) hasCaptions() bool {
	for _, c := range g.cells {
		if c.caption != "" {
			return true
		}
	}
	return false
}

// size returns a figure size fitting the grid: about cellInches per image,
// at most 13 inches wide.
func (g *imageGrid) size() (w, h float64) {
	cell := cellInches
	if float64(g.cols)*cell > 12.5 {
		cell = 12.5 / float64(g.cols)
	}
	gap := gridGap / 72.0
	w = float64(g.cols)*(cell+gap) + 0.15
	rowH := cell*g.aspect + gap
	if g.hasCaptions() {
		rowH += (smallSize + 4) / 72.0
	}
	h = float64(g.rows)*rowH + 0.1
	if g.colTitles != nil {
		h += (legendSize + 6) / 72.0
	}
	return w, h
}

func (g *imageGrid) draw(c draw.Canvas) {
	capSty := textStyle(smallSize, color.Black)
	capSty.XAlign, capSty.YAlign = draw.XCenter, draw.YTop
	headSty := textStyle(legendSize, color.Black)
	headSty.XAlign, headSty.YAlign = draw.XCenter, draw.YBottom

	gap := vg.Points(gridGap)
	var headH, capH vg.Length
	if g.colTitles != nil {
		headH = headSty.Rectangle("Mg").Size().Y + vg.Points(4)
	}
	if g.hasCaptions() {
		capH = capSty.Rectangle("Mg").Size().Y + vg.Points(2)
	}
	availW := c.Max.X - c.Min.X
	availH := c.Max.Y - c.Min.Y - headH
	cols, rows := vg.Length(g.cols), vg.Length(g.rows)
	cellW := (availW - (cols-1)*gap) / cols
	aspect := vg.Length(g.aspect)
	if hh := (availH - (rows-1)*gap - rows*capH) / rows / aspect; hh < cellW {
		cellW = hh
	}
	if cellW <= 0 {
		return
	}
	cellH := cellW * aspect
	gridW := cols*cellW + (cols-1)*gap
	x0 := c.Min.X + (availW-gridW)/2
	top := c.Max.Y - headH

	dpi, raster := canvasDPI(c.Canvas)
	if !raster {
		dpi = vectorRaster
	}
	for j, t := range g.colTitles {
		if j >= g.cols {
			break
		}
		c.FillText(headSty, vg.Point{X: x0 + vg.Length(j)*(cellW+gap) + cellW/2, Y: top + vg.Points(2)}, t)
	}
	for r := 0; r < g.rows; r++ {
		y1 := top - vg.Length(r)*(cellH+capH+gap)
		for k := 0; k < g.cols; k++ {
			cell := g.cells[r*g.cols+k]
			if cell.img == nil {
				continue
			}
			xa := x0 + vg.Length(k)*(cellW+gap)
			rect := vg.Rectangle{Min: vg.Point{X: xa, Y: y1 - cellH}, Max: vg.Point{X: xa + cellW, Y: y1}}
			rect = snap(rect, dpi, raster)
			pw := int(math.Round(rect.Size().X.Dots(dpi)))
			ph := int(math.Round(rect.Size().Y.Dots(dpi)))
			c.DrawImage(rect, upscale(cell.img, pw, ph))
			if cell.border != nil {
				bw := vg.Points(2.2)
				in := vg.Rectangle{Min: vg.Point{X: rect.Min.X + bw/2, Y: rect.Min.Y + bw/2}, Max: vg.Point{X: rect.Max.X - bw/2, Y: rect.Max.Y - bw/2}}
				c.StrokeLines(draw.LineStyle{Color: cell.border, Width: bw}, append(rectPts(in), in.Min))
			}
			if cell.caption != "" {
				sty := capSty
				if cell.capColor != nil {
					sty.Color = cell.capColor
				}
				c.FillText(sty, vg.Point{X: xa + cellW/2, Y: y1 - cellH - vg.Points(1)}, fitText(sty, cell.caption, cellW+gap))
			}
		}
	}
}

// snap aligns a rectangle to whole pixels on a raster canvas, so images
// land pixel for pixel.
func snap(r vg.Rectangle, dpi float64, raster bool) vg.Rectangle {
	if !raster {
		return r
	}
	f := func(l vg.Length) vg.Length { return vg.Length(math.Round(l.Dots(dpi))/dpi) * vg.Inch }
	return vg.Rectangle{Min: vg.Point{X: f(r.Min.X), Y: f(r.Min.Y)}, Max: vg.Point{X: f(r.Max.X), Y: f(r.Max.Y)}}
}

// fitText shortens s with an ellipsis until it fits width.
func fitText(sty draw.TextStyle, s string, width vg.Length) string {
	if sty.Width(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 {
		r = r[:len(r)-1]
		if t := string(r) + "…"; sty.Width(t) <= width {
			return t
		}
	}
	return string(r)
}

// upscale returns img resized to w x h by nearest neighbour (pixel art
// stays sharp; smooth resampling blurs 28-pixel images).
func upscale(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	if w <= 0 || h <= 0 || (w == b.Dx() && h == b.Dy()) {
		return img
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	xs := make([]int, w)
	for x := range xs {
		xs[x] = b.Min.X + x*b.Dx()/w
	}
	for y := 0; y < h; y++ {
		sy := b.Min.Y + y*b.Dy()/h
		row := out.Pix[y*out.Stride : y*out.Stride+4*w]
		switch src := img.(type) {
		case *image.Gray:
			line := src.Pix[(sy-b.Min.Y)*src.Stride:]
			for x, sx := range xs {
				v := line[sx-b.Min.X]
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = v, v, v, 255
			}
		case *image.RGBA:
			line := src.Pix[(sy-b.Min.Y)*src.Stride:]
			for x, sx := range xs {
				copy(row[4*x:4*x+4], line[4*(sx-b.Min.X):4*(sx-b.Min.X)+4])
			}
		default:
			for x, sx := range xs {
				r, g, bb, a := img.At(sx, sy).RGBA()
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = uint8(r>>8), uint8(g>>8), uint8(bb>>8), uint8(a>>8)
			}
		}
	}
	return out
}

func gridFigure(desc string, g *imageGrid) *Figure {
	w, h := g.size()
	return newFigure(desc, w, h, g)
}

// Images draws a batch of images ([N, C, H, W] with C = 1 or 3, values in
// [0, 1]; or [N, H, W]) in a grid of cols columns (cols <= 0: about
// square). At most 400 are shown.
func Images(imgs *nn.Tensor, cols int) *Figure {
	return labeledImages("viz.Images", imgs, nil, cols, nil)
}

// LabeledImages is Images with each image's class name (classNames[l],
// or the number) under it.
func LabeledImages(imgs *nn.Tensor, labels []int, cols int, classNames ...string) *Figure {
	if labels == nil {
		return errFigure("viz.LabeledImages: labels are nil; use viz.Images for unlabelled images")
	}
	return labeledImages("viz.LabeledImages", imgs, labels, cols, classNames)
}

func labeledImages(who string, imgs *nn.Tensor, labels []int, cols int, names []string) *Figure {
	s, err := newImageSet(imgs)
	if err != nil {
		return errFigure("%s: %v", who, err)
	}
	if labels != nil && len(labels) != s.n {
		return errFigure("%s: %d labels for %d images; pass one label per image", who, len(labels), s.n)
	}
	n := min(s.n, maxGridImages)
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	cols = min(cols, n)
	rows := (n + cols - 1) / cols
	g := &imageGrid{rows: rows, cols: cols, cells: make([]gridCell, rows*cols), aspect: float64(s.h) / float64(s.w)}
	for i := 0; i < n; i++ {
		g.cells[i].img = s.image(i)
		if labels != nil {
			g.cells[i].caption = className(labels[i], names)
		}
	}
	desc := fmt.Sprintf("%d images %dx%d", n, s.h, s.w)
	if n < s.n {
		desc += fmt.Sprintf(" (first %d of %d)", n, s.n)
	}
	return gridFigure(desc+s.note(), g)
}

// Augmentations previews an augmentation pipeline: one row per original
// image (at most 8), the original first and then its views, one views
// tensor per column (each [N, C, H, W] like originals; view i of image j
// is row j of views[i]), as in the SimCLR paper's figure 4 (arXiv
// 2002.05709).
func Augmentations(originals *nn.Tensor, views ...*nn.Tensor) *Figure {
	const who = "viz.Augmentations"
	o, err := newImageSet(originals)
	if err != nil {
		return errFigure("%s: originals: %v", who, err)
	}
	if len(views) == 0 {
		return errFigure("%s: no views; pass the augmented batches after the originals: viz.Augmentations(x, v1, v2)", who)
	}
	vs := make([]*imageSet, len(views))
	for i, v := range views {
		vs[i], err = newImageSet(v)
		if err != nil {
			return errFigure("%s: view %d: %v", who, i+1, err)
		}
		if vs[i].n != o.n {
			return errFigure("%s: view %d has %d images but there are %d originals; pass one view of each original per tensor", who, i+1, vs[i].n, o.n)
		}
	}
	rows := min(o.n, maxAugRows)
	cols := 1 + len(vs)
	g := &imageGrid{rows: rows, cols: cols, cells: make([]gridCell, rows*cols), aspect: float64(o.h) / float64(o.w)}
	g.colTitles = append(g.colTitles, "original")
	for i := range vs {
		g.colTitles = append(g.colTitles, fmt.Sprintf("view %d", i+1))
	}
	for r := 0; r < rows; r++ {
		g.cells[r*cols] = gridCell{img: o.image(r), border: queryColor}
		for i, v := range vs {
			g.cells[r*cols+1+i] = gridCell{img: v.image(r)}
		}
	}
	desc := fmt.Sprintf("augmentations, %d originals x %d views", rows, len(vs))
	return gridFigure(desc+o.note(), g)
}

// Retrieval shows nearest-neighbour retrieval: for each query index (into
// images, z and labels, all of the same N samples) a row with the query
// image and its k most cosine-similar other samples, ranked, each
// captioned with its similarity and framed green when its label matches
// the query's, red when not. queries nil picks the first sample of each
// class. At most 16 rows are drawn; the description gives precision@k
// over all the queries.
func Retrieval(images, z *nn.Tensor, labels []int, queries []int, k int, classNames ...string) *Figure {
	const who = "viz.Retrieval"
	s, err := newImageSet(images)
	if err != nil {
		return errFigure("%s: images: %v", who, err)
	}
	rows, n, d, err := normalizedRows(z)
	if err != nil {
		return errFigure("%s: %v", who, err)
	}
	if n != s.n {
		return errFigure("%s: %d embeddings for %d images; pass the embeddings of the same samples", who, n, s.n)
	}
	if len(labels) != n {
		return errFigure("%s: %d labels for %d samples; pass one label per sample", who, len(labels), n)
	}
	if k < 1 || k > n-1 {
		return errFigure("%s: k = %d; want 1 <= k <= %d (the other samples)", who, k, n-1)
	}
	if k > 20 {
		return errFigure("%s: k = %d is too many to show; use k <= 20", who, k)
	}
	if queries == nil {
		seen := map[int]bool{}
		for i, l := range labels {
			if !seen[l] {
				seen[l] = true
				queries = append(queries, i)
			}
		}
		sort.Slice(queries, func(a, b int) bool { return labels[queries[a]] < labels[queries[b]] })
	}
	if len(queries) == 0 {
		return errFigure("%s: no queries", who)
	}
	for _, q := range queries {
		if q < 0 || q >= n {
			return errFigure("%s: query index %d is out of range [0, %d)", who, q, n)
		}
	}
	shown := queries
	if len(shown) > maxQueries {
		shown = shown[:maxQueries]
	}
	cols := 1 + k
	g := &imageGrid{rows: len(shown), cols: cols, cells: make([]gridCell, len(shown)*cols), aspect: float64(s.h) / float64(s.w)}
	g.colTitles = append(g.colTitles, "query")
	for j := 1; j <= k; j++ {
		g.colTitles = append(g.colTitles, fmt.Sprint(j))
	}
	hits := 0
	sims := make([]float64, n)
	for r, q := range queries {
		if r%64 == 0 && display.Interrupted() {
			return errFigure("%s: interrupted", who)
		}
		qrow := rows[q*d : (q+1)*d]
		for i := 0; i < n; i++ {
			sims[i] = dot32(qrow, rows[i*d:(i+1)*d])
		}
		nb := topK(sims, k, q)
		rowHits := 0
		for _, i := range nb {
			if labels[i] == labels[q] {
				rowHits++
			}
		}
		hits += rowHits
		if r >= len(shown) {
			continue
		}
		for j, i := range nb {
			border := wrongColor
			if labels[i] == labels[q] {
				border = correctColor
			}
			g.cells[r*cols+1+j] = gridCell{img: s.image(i), border: border, caption: fmt.Sprintf("%.2f", sims[i]), capColor: border}
		}
		g.cells[r*cols] = gridCell{img: s.image(q), border: queryColor,
			caption: fmt.Sprintf("%s %d/%d", className(labels[q], classNames), rowHits, k)}
	}
	prec := float64(hits) / float64(len(queries)*k)
	desc := fmt.Sprintf("retrieval, %d queries, top-%d, precision@%d %.3f", len(queries), k, k, prec)
	if len(shown) < len(queries) {
		desc += fmt.Sprintf(" (first %d shown)", len(shown))
	}
	return gridFigure(desc+s.note(), g)
}

// topK returns the indices of the k largest sims, excluding index skip,
// most similar first (ties by lower index).
func topK(sims []float64, k, skip int) []int {
	idx := make([]int, 0, k+1)
	for i, v := range sims {
		if i == skip {
			continue
		}
		if len(idx) == k && !better(v, i, sims[idx[k-1]], idx[k-1]) {
			continue
		}
		// insert in order
		pos := sort.Search(len(idx), func(j int) bool { return better(v, i, sims[idx[j]], idx[j]) })
		idx = append(idx, 0)
		copy(idx[pos+1:], idx[pos:])
		idx[pos] = i
		if len(idx) > k {
			idx = idx[:k]
		}
	}
	return idx
}

func better(v float64, i int, w float64, j int) bool {
	if v != w {
		return v > w
	}
	return i < j
}
