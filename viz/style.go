package viz

import (
	"image/color"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Palette is the qualitative palette classes are coloured with: Tableau 10
// (matplotlib's "tab10"), the colours most readers of ML papers know. Class
// label l >= 0 gets Palette[l % 10]; classes 10-19 repeat the colours with
// square markers, 20-29 with triangles, 30-39 with diamonds, and so on.
// Negative labels (outliers, as SpCL marks un-clustered samples) are grey.
var Palette = []color.NRGBA{
	{0x1f, 0x77, 0xb4, 0xff}, // blue
	{0xff, 0x7f, 0x0e, 0xff}, // orange
	{0x2c, 0xa0, 0x2c, 0xff}, // green
	{0xd6, 0x27, 0x28, 0xff}, // red
	{0x94, 0x67, 0xbd, 0xff}, // purple
	{0x8c, 0x56, 0x4b, 0xff}, // brown
	{0xe3, 0x77, 0xc2, 0xff}, // pink
	{0x7f, 0x7f, 0x7f, 0xff}, // grey
	{0xbc, 0xbd, 0x22, 0xff}, // olive
	{0x17, 0xbe, 0xcf, 0xff}, // cyan
}

// outlierColor is used for negative labels.
var outlierColor = color.NRGBA{0xb0, 0xb0, 0xb0, 0xff}

// markerShape is a point marker drawn by both the raster and the vector
// paths.
type markerShape uint8

const (
	markerCircle markerShape = iota
	markerSquare
	markerTriangle
	markerDiamond
	numMarkers
)

// ClassColor returns the colour of class label l (see Palette).
func ClassColor(l int) color.NRGBA {
	if l < 0 {
		return outlierColor
	}
	return Palette[l%len(Palette)]
}

// classMarker returns the marker of class label l.
func classMarker(l int) markerShape {
	if l < 0 {
		return markerCircle
	}
	return markerShape((l / len(Palette)) % int(numMarkers))
}

// className returns the display name of class label l: names[l] when
// names has it, otherwise the number itself.
func className(l int, names []string) string {
	if l >= 0 && l < len(names) && names[l] != "" {
		return names[l]
	}
	return strconv.Itoa(l)
}

// withAlpha returns c with alpha a in [0, 1].
func withAlpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(a*255 + 0.5)
	return c
}

// Fonts: Liberation Sans (embedded by gonum/plot, so the output is the same
// on every machine and the SVG can embed it).
var (
	sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
)

const (
	titleSize  = 13
	labelSize  = 11
	tickSize   = 9.5
	legendSize = 10
	smallSize  = 8.5
)

// textStyle returns a plain text style in the figure font.
func textStyle(size vg.Length, c color.Color) text.Style {
	return text.Style{
		Color:   c,
		Font:    font.From(sansFont, size),
		Handler: plot.DefaultTextHandler,
	}
}

// newPlot returns a gonum plot styled as every viz figure is: sans-serif
// text, light grid-free axes, a little padding.
func newPlot() *plot.Plot {
	p := plot.New()
	p.Title.TextStyle.Font = font.From(sansFont, titleSize)
	p.Title.Padding = vg.Points(6)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sansFont, labelSize)
		a.Tick.Label.Font = font.From(sansFont, tickSize)
		a.Padding = vg.Points(2)
		a.Label.Padding = vg.Points(3)
		a.Tick.Marker = niceTicks{n: 6}
	}
	p.Legend.TextStyle.Font = font.From(sansFont, legendSize)
	p.Legend.ThumbnailWidth = vg.Points(14)
	p.Legend.Padding = vg.Points(1.5)
	return p
}

// newLegend returns a legend in the figure font.
func newLegend() plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font = font.From(sansFont, legendSize)
	l.ThumbnailWidth = vg.Points(14)
	l.Padding = vg.Points(1.5)
	return l
}

// swatch is a legend thumbnail: one marker in a class colour.
type swatch struct {
	color  color.Color
	shape  markerShape
	radius vg.Length
}

func (s swatch) Thumbnail(c *draw.Canvas) {
	drawMarker(c, s.shape, s.color, s.radius, c.Center())
}

// block is a legend thumbnail: a filled box with an outline, for
// histograms.
type block struct {
	fill, line color.Color
}

func (b block) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	h := r.Max.Y - r.Min.Y
	r.Min.Y += h * 0.1
	r.Max.Y -= h * 0.1
	pts := []vg.Point{r.Min, {X: r.Min.X, Y: r.Max.Y}, r.Max, {X: r.Max.X, Y: r.Min.Y}}
	c.FillPolygon(b.fill, pts)
	c.StrokeLines(draw.LineStyle{Color: b.line, Width: vg.Points(1)}, append(pts, pts[0]))
}

// stroke is a legend thumbnail: a horizontal line.
type stroke struct{ style draw.LineStyle }

func (s stroke) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(s.style, c.Min.X, y, c.Max.X, y)
}

// noThumb is an empty legend thumbnail, for text-only legend lines.
type noThumb struct{}

func (noThumb) Thumbnail(*draw.Canvas) {}

// drawMarker draws one filled marker centred at pt with the given radius
// (the circle's radius; other shapes have about the same area).
func drawMarker(c *draw.Canvas, shape markerShape, clr color.Color, r vg.Length, pt vg.Point) {
	var pts []vg.Point
	switch shape {
	case markerCircle:
		var p vg.Path
		p.Move(vg.Point{X: pt.X + r, Y: pt.Y})
		p.Arc(pt, r, 0, 2*3.141592653589793)
		p.Close()
		c.SetColor(clr)
		c.Fill(p)
		return
	case markerSquare:
		s := r * 0.886 // same area as the circle
		pts = []vg.Point{{X: pt.X - s, Y: pt.Y - s}, {X: pt.X - s, Y: pt.Y + s}, {X: pt.X + s, Y: pt.Y + s}, {X: pt.X + s, Y: pt.Y - s}}
	case markerTriangle:
		s := r * 1.555 // an equilateral triangle of circumradius s has area 1.299 s²
		pts = []vg.Point{{X: pt.X, Y: pt.Y + s}, {X: pt.X + s*0.866, Y: pt.Y - s*0.5}, {X: pt.X - s*0.866, Y: pt.Y - s*0.5}}
	case markerDiamond:
		s := r * 1.25
		pts = []vg.Point{{X: pt.X, Y: pt.Y + s}, {X: pt.X + s, Y: pt.Y}, {X: pt.X, Y: pt.Y - s}, {X: pt.X - s, Y: pt.Y}}
	}
	c.FillPolygon(clr, pts)
}

func itoa(n int) string { return strconv.Itoa(n) }
