package viz

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// vectorRaster is the resolution, in pixels per inch, at which point
// clouds and heatmaps are rasterised on vector canvases (SVG, PDF).
const vectorRaster = 192

// pointLayer is a plot.Plotter for many markers. gonum/plot's
// plotter.Scatter sends every glyph through the vector canvas (a path fill
// each); for tens of thousands of points that takes seconds. pointLayer
// instead rasterises the markers itself, with antialiasing and alpha
// blending, into one transparent image the size of the data area, and
// hands that image to the canvas: on a PNG canvas it lands pixel for pixel,
// on SVG and PDF it is embedded at vectorRaster pixels per inch. Layers of
// at most vectorMax points are drawn as true vector markers on SVG and
// PDF.
type pointLayer struct {
	x, y      []float64
	style     []uint16 // index into styles, per point
	styles    []pointStyle
	radius    vg.Length // marker radius
	alpha     float64   // marker opacity in (0, 1]
	order     []int32   // drawing order: a seeded shuffle, so no class is always on top
	vectorMax int
}

type pointStyle struct {
	color color.NRGBA
	shape markerShape
}

// newPointLayer returns a layer for the points (x[i], y[i]) drawn in
// styles[style[i]], in an order shuffled with seed.
func newPointLayer(x, y []float64, style []uint16, styles []pointStyle, seed uint64) *pointLayer {
	n := len(x)
	l := &pointLayer{x: x, y: y, style: style, styles: styles, vectorMax: 20000}
	l.radius, l.alpha = defaultMarker(n)
	l.order = make([]int32, n)
	for i := range l.order {
		l.order[i] = int32(i)
	}
	r := rand.New(rand.NewPCG(seed, 0x5ca77e2))
	r.Shuffle(n, func(i, j int) { l.order[i], l.order[j] = l.order[j], l.order[i] })
	return l
}

// defaultMarker picks marker radius and opacity for n points: big and
// nearly opaque for a few hundred, small and translucent (so density
// shows) for tens of thousands.
func defaultMarker(n int) (vg.Length, float64) {
	switch {
	case n <= 2000:
		return vg.Points(2.4), 0.85
	case n <= 20000:
		return vg.Points(1.6), 0.65
	default:
		return vg.Points(1.15), 0.5
	}
}

// DataRange implements plot.DataRanger.
func (l *pointLayer) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = minMax(l.x)
	ymin, ymax = minMax(l.y)
	return
}

// GlyphBoxes implements plot.GlyphBoxer with the four extreme points only:
// they are all that padding the axes needs.
func (l *pointLayer) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	if len(l.x) == 0 {
		return nil
	}
	ext := [4]int{}
	for i := range l.x {
		if l.x[i] < l.x[ext[0]] {
			ext[0] = i
		}
		if l.x[i] > l.x[ext[1]] {
			ext[1] = i
		}
		if l.y[i] < l.y[ext[2]] {
			ext[2] = i
		}
		if l.y[i] > l.y[ext[3]] {
			ext[3] = i
		}
	}
	r := l.radius * 1.3
	boxes := make([]plot.GlyphBox, 0, 4)
	for _, i := range ext {
		boxes = append(boxes, plot.GlyphBox{
			X:         p.X.Norm(l.x[i]),
			Y:         p.Y.Norm(l.y[i]),
			Rectangle: vg.Rectangle{Min: vg.Point{X: -r, Y: -r}, Max: vg.Point{X: r, Y: r}},
		})
	}
	return boxes
}

// Plot implements plot.Plotter.
func (l *pointLayer) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	dpi, raster := canvasDPI(c.Canvas)
	if !raster && len(l.x) <= l.vectorMax {
		for _, i := range l.order {
			pt := vg.Point{X: tx(l.x[i]), Y: ty(l.y[i])}
			if !c.Contains(pt) {
				continue
			}
			s := l.styles[l.style[i]]
			drawMarker(&c, s.shape, withAlpha(s.color, l.alpha), l.radius, pt)
		}
		return
	}
	if !raster {
		dpi = vectorRaster
	}
	rpx := l.radius.Dots(dpi)
	margin := math.Ceil(rpx*1.4) + 1
	x0 := math.Floor(c.Min.X.Dots(dpi)) - margin
	x1 := math.Ceil(c.Max.X.Dots(dpi)) + margin
	y0 := math.Floor(c.Min.Y.Dots(dpi)) - margin
	y1 := math.Ceil(c.Max.Y.Dots(dpi)) + margin
	w, h := int(x1-x0), int(y1-y0)
	if w <= 0 || h <= 0 {
		return
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	stamps := make(map[markerShape]*stampSet)
	for _, s := range l.styles {
		if stamps[s.shape] == nil {
			stamps[s.shape] = newStampSet(s.shape, rpx)
		}
	}
	a := uint32(l.alpha*255 + 0.5)
	for _, i := range l.order {
		px, py := tx(l.x[i]), ty(l.y[i])
		if px < c.Min.X || px > c.Max.X || py < c.Min.Y || py > c.Max.Y {
			continue
		}
		s := l.styles[l.style[i]]
		stamps[s.shape].draw(img, px.Dots(dpi)-x0, y1-py.Dots(dpi), s.color, a)
	}
	inch := func(d float64) vg.Length { return vg.Length(d/dpi) * vg.Inch }
	c.DrawImage(vg.Rectangle{
		Min: vg.Point{X: inch(x0), Y: inch(y0)},
		Max: vg.Point{X: inch(x1), Y: inch(y1)},
	}, img)
}

// stampSubpix is the number of subpixel positions per axis a marker is
// pre-rendered at.
const stampSubpix = 4

// stampSet holds a marker's coverage masks, one per subpixel offset of its
// centre.
type stampSet struct {
	size  int // masks are size x size pixels
	half  int // the centre's pixel is (half, half) in a mask
	masks [stampSubpix * stampSubpix][]uint8
}

// newStampSet pre-renders shape at radius r pixels, with 4x4 (8x8 for
// small markers) supersampling per pixel.
func newStampSet(shape markerShape, r float64) *stampSet {
	half := int(math.Ceil(r*1.4)) + 1
	size := 2*half + 1
	ss := 4
	if r < 3 {
		ss = 8
	}
	inside := shapeTest(shape, r)
	s := &stampSet{size: size, half: half}
	for qy := 0; qy < stampSubpix; qy++ {
		for qx := 0; qx < stampSubpix; qx++ {
			// the centre sits at (half+fx, half+fy) in mask pixels
			cx := float64(half) + (float64(qx)+0.5)/stampSubpix
			cy := float64(half) + (float64(qy)+0.5)/stampSubpix
			m := make([]uint8, size*size)
			for j := 0; j < size; j++ {
				for i := 0; i < size; i++ {
					n := 0
					for b := 0; b < ss; b++ {
						for a := 0; a < ss; a++ {
							dx := float64(i) + (float64(a)+0.5)/float64(ss) - cx
							dy := cy - (float64(j) + (float64(b)+0.5)/float64(ss)) // y up
							if inside(dx, dy) {
								n++
							}
						}
					}
					m[j*size+i] = uint8((n*255 + ss*ss/2) / (ss * ss))
				}
			}
			s.masks[qy*stampSubpix+qx] = m
		}
	}
	return s
}

// shapeTest returns the inside test of a marker of radius r centred at the
// origin, y up. Shapes other than the circle have about its area.
func shapeTest(shape markerShape, r float64) func(x, y float64) bool {
	switch shape {
	case markerSquare:
		s := r * 0.886
		return func(x, y float64) bool { return math.Abs(x) <= s && math.Abs(y) <= s }
	case markerTriangle:
		s := r * 1.555 // an equilateral triangle of circumradius s has area 1.299 s²
		// vertices (0, s), (±s·cos30, -s/2)
		return func(x, y float64) bool {
			if y < -s/2 {
				return false
			}
			return math.Abs(x)*math.Sqrt(3)+y <= s
		}
	case markerDiamond:
		s := r * 1.25
		return func(x, y float64) bool { return math.Abs(x)+math.Abs(y) <= s }
	default:
		r2 := r * r
		return func(x, y float64) bool { return x*x+y*y <= r2 }
	}
}

// draw composites the marker centred at pixel position (px, py) (y down)
// in colour c with opacity a (0-255) onto img, "over".
func (s *stampSet) draw(img *image.RGBA, px, py float64, c color.NRGBA, a uint32) {
	ix, iy := int(math.Floor(px)), int(math.Floor(py))
	qx := int((px - float64(ix)) * stampSubpix)
	qy := int((py - float64(iy)) * stampSubpix)
	if qx >= stampSubpix {
		qx = stampSubpix - 1
	}
	if qy >= stampSubpix {
		qy = stampSubpix - 1
	}
	m := s.masks[qy*stampSubpix+qx]
	x0, y0 := ix-s.half, iy-s.half
	b := img.Bounds()
	cr, cg, cb := uint32(c.R), uint32(c.G), uint32(c.B)
	for j := 0; j < s.size; j++ {
		y := y0 + j
		if y < b.Min.Y || y >= b.Max.Y {
			continue
		}
		row := m[j*s.size : (j+1)*s.size]
		off := img.PixOffset(x0, y)
		for i, cov := range row {
			if cov == 0 {
				continue
			}
			x := x0 + i
			if x < b.Min.X || x >= b.Max.X {
				continue
			}
			sa := (a*uint32(cov) + 127) / 255
			inv := 255 - sa
			p := img.Pix[off+4*i : off+4*i+4 : off+4*i+4]
			p[0] = uint8((cr*sa + uint32(p[0])*inv + 127) / 255)
			p[1] = uint8((cg*sa + uint32(p[1])*inv + 127) / 255)
			p[2] = uint8((cb*sa + uint32(p[2])*inv + 127) / 255)
			p[3] = uint8((255*sa + uint32(p[3])*inv + 127) / 255)
		}
	}
}

// minMax returns the least and greatest of v (NaNs are the caller's
// business: constructors reject them).
func minMax(v []float64) (lo, hi float64) {
	if len(v) == 0 {
		return 0, 0
	}
	lo, hi = v[0], v[0]
	for _, x := range v[1:] {
		if x < lo {
			lo = x
		}
		if x > hi {
			hi = x
		}
	}
	return lo, hi
}
