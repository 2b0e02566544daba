package viz

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/internal/atomicfile"
)

// Defaults for a Figure's zero fields.
const (
	DefaultDPI    = 96  // pixels per inch of PNG output
	DefaultWidth  = 6.4 // inches
	DefaultHeight = 4.4 // inches
)

// Figure is a drawing: one or more panels (gonum plots or image grids)
// side by side, with an optional title. It is a value: returned from a
// notebook cell it shows itself inline (it implements display.Renderer),
// and Save writes it to a file.
//
// Every constructor in this package returns a *Figure, never an error:
// when the input is bad (mismatched lengths, empty data, NaN) the Figure
// carries the error instead, and Render, PNG, SVG and Save return it, so a
// cell shows one clear line saying what was wrong. Err reports it
// directly.
//
// The exported fields may be set before rendering; the chaining methods
// (Size, Pixels, WithDPI, AsSVG, WithTitle) set the same fields and return
// the Figure, so that `viz.Curves(...).LogY().Size(8, 4)` reads as one
// expression.
type Figure struct {
	// Title is drawn centred above all panels; "" for none.
	Title string
	// Width and Height are the size in inches; zero means the
	// constructor's default (DefaultWidth by DefaultHeight for most).
	Width, Height float64
	// DPI is the resolution of raster output (PNG, JPEG) in pixels per
	// inch; zero means DefaultDPI. Jupyter shows the PNG at
	// Width*96 by Height*96 CSS pixels whatever the DPI, so a DPI of 192
	// gives a sharp image on a high-density screen.
	DPI int
	// Format is how the figure shows inline: "png" (the default) or
	// "svg". Save chooses by the file's extension instead.
	Format string

	panels []panel
	cols   int
	desc   string
	err    error
}

// panel is one tile of a figure.
type panel interface {
	draw(c draw.Canvas)
}

// newFigure returns a figure with the given description and default size.
func newFigure(desc string, w, h float64, panels ...panel) *Figure {
	return &Figure{Width: w, Height: h, desc: desc, panels: panels, cols: len(panels)}
}

// errFigure returns a figure that carries err.
func errFigure(format string, args ...any) *Figure {
	return &Figure{err: fmt.Errorf(format, args...)}
}

// Err returns the error the figure carries (bad input to its
// constructor), or nil.
func (f *Figure) Err() error { return f.err }

// Plots returns the gonum plots the figure draws, left to right, for
// changes this package does not offer (axis ranges, extra plotters...).
// Image-grid panels have none. Changes show on the next render.
func (f *Figure) Plots() []*plot.Plot {
	var ps []*plot.Plot
	for _, p := range f.panels {
		if pp, ok := p.(interface{ plots() []*plot.Plot }); ok {
			ps = append(ps, pp.plots()...)
		}
	}
	return ps
}

// Size sets the size in inches and returns f.
func (f *Figure) Size(width, height float64) *Figure {
	f.Width, f.Height = width, height
	return f
}

// Pixels sets the size so that the PNG is width by height pixels at the
// figure's DPI, and returns f.
func (f *Figure) Pixels(width, height int) *Figure {
	dpi := float64(f.dpi())
	f.Width, f.Height = float64(width)/dpi, float64(height)/dpi
	return f
}

// WithDPI sets the raster resolution and returns f.
func (f *Figure) WithDPI(dpi int) *Figure {
	f.DPI = dpi
	return f
}

// AsSVG makes the figure show inline as SVG (fonts embedded) and returns f.
func (f *Figure) AsSVG() *Figure {
	f.Format = "svg"
	return f
}

// AsPNG makes the figure show inline as PNG (the default) and returns f.
func (f *Figure) AsPNG() *Figure {
	f.Format = "png"
	return f
}

// WithTitle sets the title and returns f.
func (f *Figure) WithTitle(title string) *Figure {
	f.Title = title
	return f
}

// String describes the figure, e.g. "<Figure: t-SNE, 10000 points, 10
// classes>"; it is the text/plain form front ends show without images.
func (f *Figure) String() string {
	if f.err != nil {
		return "<Figure: error: " + f.err.Error() + ">"
	}
	d := f.desc
	if f.Title != "" {
		d = f.Title + ": " + d
	}
	return "<Figure: " + d + ">"
}

// Render implements display.Renderer: a bundle with image/png (or
// image/svg+xml when Format is "svg") and text/plain. It returns the
// figure's error when it carries one.
func (f *Figure) Render() (display.Bundle, error) {
	if f.err != nil {
		return nil, f.err
	}
	b := display.Bundle{display.MIMEText: f.String()}
	switch strings.ToLower(f.Format) {
	case "", "png":
		data, err := f.PNG()
		if err != nil {
			return nil, err
		}
		b[display.MIMEPNG] = data
	case "svg":
		s, err := f.SVG()
		if err != nil {
			return nil, err
		}
		b[display.MIMESVG] = s
	default:
		return nil, fmt.Errorf("viz: unknown Format %q; use \"png\" or \"svg\"", f.Format)
	}
	return b, nil
}

// DisplayMetadata implements display.Metadataer: it asks front ends to
// show a PNG at the figure's size in CSS pixels (96 per inch), whatever
// its DPI.
func (f *Figure) DisplayMetadata() map[string]any {
	if f.err != nil || (f.Format != "" && strings.ToLower(f.Format) != "png") {
		return nil
	}
	w, h := f.size()
	return map[string]any{display.MIMEPNG: map[string]any{
		"width":  int(math.Round(w * 96)),
		"height": int(math.Round(h * 96)),
	}}
}

func (f *Figure) dpi() int {
	if f.DPI > 0 {
		return f.DPI
	}
	return DefaultDPI
}

func (f *Figure) size() (w, h float64) {
	w, h = f.Width, f.Height
	if w <= 0 {
		w = DefaultWidth
	}
	if h <= 0 {
		h = DefaultHeight
	}
	return w, h
}

// maxPixels bounds a raster figure (about 400 MB as RGBA).
const maxPixels = 100e6

func (f *Figure) check() error {
	if f.err != nil {
		return f.err
	}
	w, h := f.size()
	if math.IsNaN(w) || math.IsNaN(h) || math.IsInf(w, 0) || math.IsInf(h, 0) {
		return fmt.Errorf("viz: figure size %gx%g in is not finite", w, h)
	}
	if f.DPI < 0 {
		return fmt.Errorf("viz: DPI %d is negative; use a positive value such as 96 or 192", f.DPI)
	}
	return nil
}

// Image draws the figure to an RGBA image at its DPI.
func (f *Figure) Image() (*image.RGBA, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	w, h := f.size()
	dpi := f.dpi()
	if px := w * h * float64(dpi*dpi); px > maxPixels {
		return nil, fmt.Errorf("viz: figure of %gx%g in at %d DPI is %.0f Mpixel; make it smaller or lower the DPI", w, h, dpi, px/1e6)
	}
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(w)*vg.Inch, vg.Length(h)*vg.Inch), vgimg.UseDPI(dpi))
	if err := f.draw(c); err != nil {
		return nil, err
	}
	img, ok := c.Image().(*image.RGBA)
	if !ok {
		return nil, errors.New("viz: internal error: raster canvas is not RGBA")
	}
	return img, nil
}

// PNG renders the figure as PNG at its DPI. It uses zlib's fastest level:
// plots compress nearly as well at it, several times faster.
func (f *Figure) PNG() ([]byte, error) {
	img, err := f.Image()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("viz: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// SVG renders the figure as an SVG document with its fonts embedded
// (@font-face rules holding the TrueType data), so it looks the same
// wherever it is opened. Large point clouds are embedded as one raster
// image at 192 pixels per inch (see Scatter).
func (f *Figure) SVG() (string, error) {
	if err := f.check(); err != nil {
		return "", err
	}
	w, h := f.size()
	c := vgsvg.NewWith(vgsvg.UseWH(vg.Length(w)*vg.Inch, vg.Length(h)*vg.Inch), vgsvg.EmbedFonts(true))
	if err := f.draw(c); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("viz: writing SVG: %w", err)
	}
	return buf.String(), nil
}

// pdf renders the figure as PDF with fonts embedded.
func (f *Figure) pdf() ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	w, h := f.size()
	c := vgpdf.New(vg.Length(w)*vg.Inch, vg.Length(h)*vg.Inch)
	c.EmbedFonts(true)
	if err := f.draw(c); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("viz: writing PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// Save writes the figure to path in the format its extension names: .png,
// .svg (fonts embedded), .pdf (fonts embedded) or .jpg/.jpeg. The file is
// written atomically: to a temporary file in the same folder, synced, then
// renamed over path, so a reader never sees half a figure.
func (f *Figure) Save(path string) error {
	if f.err != nil {
		return f.err
	}
	var (
		data []byte
		err  error
	)
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png":
		data, err = f.PNG()
	case ".svg":
		var s string
		s, err = f.SVG()
		data = []byte(s)
	case ".pdf":
		data, err = f.pdf()
	case ".jpg", ".jpeg":
		data, err = f.jpeg()
	default:
		return fmt.Errorf("viz: cannot save %q: unknown extension %q; use .png, .svg, .pdf or .jpg", path, ext)
	}
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("viz: saving: %w", err)
	}
	return nil
}

// draw lays the panels out on c: the title on top, then the panels in a
// row (or a grid of f.cols columns). A panic inside gonum/plot (which
// panics on some bad ranges) comes back as an error.
func (f *Figure) draw(c vg.CanvasSizer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("viz: drawing %s: %v", f.desc, r)
		}
	}()
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	pad := vg.Points(4)
	dc = draw.Crop(dc, pad, -pad, pad, -pad)
	if f.Title != "" {
		// Regular weight: gonum/plot's PDF canvas cannot embed the bold
		// face ("undefined font: liberationsans-bold B").
		sty := textStyle(titleSize+2, color.Black)
		sty.XAlign = draw.XCenter
		sty.YAlign = draw.YTop
		dc.FillText(sty, vg.Point{X: dc.Center().X, Y: dc.Max.Y}, f.Title)
		dc.Max.Y -= sty.Rectangle(f.Title).Size().Y + vg.Points(6)
	}
	if len(f.panels) == 0 {
		return nil
	}
	cols := f.cols
	if cols <= 0 || cols > len(f.panels) {
		cols = len(f.panels)
	}
	rows := (len(f.panels) + cols - 1) / cols
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(14), PadY: vg.Points(10)}
	for i, p := range f.panels {
		p.draw(tiles.At(dc, i%cols, i/cols))
	}
	return nil
}

// canvasDPI returns the resolution of the raster canvas under c, unwrapping
// the draw.Canvas layers gonum/plot adds; ok is false for vector canvases
// (SVG, PDF).
func canvasDPI(c vg.Canvas) (dpi float64, ok bool) {
	for i := 0; i < 64; i++ {
		switch x := c.(type) {
		case draw.Canvas:
			c = x.Canvas
		case *draw.Canvas:
			c = x.Canvas
		case *vgimg.Canvas:
			return x.DPI(), true
		case vgimg.PngCanvas:
			return x.DPI(), true
		case vgimg.JpegCanvas:
			return x.DPI(), true
		case vgimg.TiffCanvas:
			return x.DPI(), true
		default:
			return 0, false
		}
	}
	return 0, false
}

// jpeg renders the figure as JPEG at its DPI (quality 95).
func (f *Figure) jpeg() ([]byte, error) {
	img, err := f.Image()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		return nil, fmt.Errorf("viz: encoding JPEG: %w", err)
	}
	return buf.Bytes(), nil
}
