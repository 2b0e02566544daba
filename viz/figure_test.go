package viz

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/recipes/nn"
	"github.com/gocontrast/contrast/viz/tsne"
)

var _ display.Renderer = (*Figure)(nil)
var _ display.Metadataer = (*Figure)(nil)

func smallScatter() *Figure {
	xy, labels := blobs(300, 3, 2, 0.2, 1)
	return Scatter(xy, labels, "cat", "dog", "bird")
}

func TestRenderBundlePNG(t *testing.T) {
	f := smallScatter()
	b, err := display.Of(f)
	if err != nil {
		t.Fatal(err)
	}
	data, ok := b[display.MIMEPNG].([]byte)
	if !ok {
		t.Fatalf("bundle has %v; want image/png as []byte", b.MIMETypes())
	}
	if _, ok := b[display.MIMESVG]; ok {
		t.Error("PNG figure also carries SVG; want one image type")
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("image/png does not decode: %v", err)
	}
	// Default scatter size 7.4 x 5.6 in at 96 DPI.
	if got := img.Bounds().Size(); got.X != 710 || got.Y != 538 {
		t.Errorf("PNG is %v pixels, want 710x538", got)
	}
	text := b.String(display.MIMEText)
	if text != "<Figure: scatter, 300 points, 3 classes>" {
		t.Errorf("text/plain %q", text)
	}
	meta := f.DisplayMetadata()[display.MIMEPNG].(map[string]any)
	if meta["width"] != 710 || meta["height"] != 538 {
		t.Errorf("metadata %v, want width 710 height 538", meta)
	}
}

func TestRenderBundleSVGAndFontsEmbedded(t *testing.T) {
	f := smallScatter().AsSVG()
	b, err := f.Render()
	if err != nil {
		t.Fatal(err)
	}
	svg, ok := b[display.MIMESVG].(string)
	if !ok {
		t.Fatalf("bundle has %v; want image/svg+xml as string", b.MIMETypes())
	}
	if _, ok := b[display.MIMEPNG]; ok {
		t.Error("SVG figure also carries PNG")
	}
	if !strings.HasPrefix(svg, "<?xml") || !strings.Contains(svg, "<svg") || !strings.HasSuffix(strings.TrimSpace(svg), "</svg>") {
		t.Error("not an SVG document")
	}
	// The font is embedded as a TrueType @font-face; check the payload
	// really is a font (TrueType files start 00 01 00 00).
	i := strings.Index(svg, "@font-face")
	if i < 0 {
		t.Fatal("SVG has no @font-face: fonts are not embedded")
	}
	if !strings.Contains(svg[i:], `font-family:"Liberation Sans"`) {
		t.Error("embedded font is not Liberation Sans")
	}
	const pre = "data:font/ttf;charset=utf-8;base64,"
	j := strings.Index(svg, pre)
	if j < 0 {
		t.Fatal("no base64 TrueType data in the SVG")
	}
	enc := svg[j+len(pre):]
	enc = enc[:strings.IndexByte(enc, ')')]
	ttf, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(ttf) < 10000 || !bytes.HasPrefix(ttf, []byte{0, 1, 0, 0}) {
		t.Errorf("embedded font data is not a TrueType font (%d bytes, err %v)", len(ttf), err)
	}
	if f.DisplayMetadata() != nil {
		t.Error("SVG figure asks for PNG display metadata")
	}
}

func TestSizeAndDPI(t *testing.T) {
	f := smallScatter().Size(4, 3).WithDPI(200)
	img, err := f.Image()
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != 800 || got.Y != 600 {
		t.Errorf("4x3 in at 200 DPI gave %v pixels, want 800x600", got)
	}
	meta := f.DisplayMetadata()[display.MIMEPNG].(map[string]any)
	if meta["width"] != 384 || meta["height"] != 288 {
		t.Errorf("metadata %v; want the CSS size 384x288 whatever the DPI", meta)
	}
	f.Pixels(500, 250)
	img, err = f.Image()
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != 500 || got.Y != 250 {
		t.Errorf("Pixels(500, 250) gave %v", got)
	}
	if _, err := smallScatter().WithDPI(-3).PNG(); err == nil {
		t.Error("negative DPI rendered without error")
	}
	if _, err := smallScatter().Size(300, 300).WithDPI(600).PNG(); err == nil || !strings.Contains(err.Error(), "Mpixel") {
		t.Errorf("huge figure: error %v, want a size error", err)
	}
	if _, err := smallScatter().Size(math.NaN(), 3).PNG(); err == nil {
		t.Error("NaN size rendered without error")
	}
}

func TestSaveFormatsAndAtomic(t *testing.T) {
	dir := t.TempDir()
	f := smallScatter()
	magic := map[string][]byte{
		"a.png":  {0x89, 'P', 'N', 'G'},
		"b.svg":  []byte("<?xml"),
		"c.pdf":  []byte("%PDF"),
		"d.jpg":  {0xff, 0xd8},
		"e.JPEG": {0xff, 0xd8},
	}
	for name, m := range magic {
		path := filepath.Join(dir, name)
		if err := f.Save(path); err != nil {
			t.Fatalf("Save(%s): %v", name, err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, m) {
			t.Errorf("%s starts %q, want %q", name, data[:min(8, len(data))], m)
		}
	}
	// Overwriting replaces the file whole.
	path := filepath.Join(dir, "a.png")
	if err := f.Size(2, 2).Save(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil || img.Bounds().Dx() != 192 {
		t.Errorf("overwritten PNG: %v, err %v; want 192 px wide", img.Bounds(), err)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	// Unknown extension: an error naming the choices, and nothing written.
	err = f.Save(filepath.Join(dir, "x.gif"))
	if err == nil || !strings.Contains(err.Error(), ".png, .svg, .pdf or .jpg") {
		t.Errorf("gif: error %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.gif")); !errors.Is(err, os.ErrNotExist) {
		t.Error("x.gif was written")
	}
	// A failing render leaves an existing file untouched.
	bad := Scatter(nil, nil)
	if err := bad.Save(path); err == nil {
		t.Error("saving an error figure succeeded")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
		t.Error("a failed Save changed the existing file")
	}
	// A missing folder is reported.
	if err := f.Save(filepath.Join(dir, "no", "such", "dir.png")); err == nil {
		t.Error("saving into a missing folder succeeded")
	}
}

// TestBadInput checks that every constructor turns bad input into a
// figure carrying a clear error, which Render, PNG, SVG and Save return
// and display.Of reports, and never panics.
func TestBadInput(t *testing.T) {
	xy, labels := blobs(50, 2, 2, 0.2, 1)
	z, zl := blobs(60, 3, 8, 0.5, 2)
	nan := z.Clone()
	nan.Data[17] = float32(math.NaN())
	imgs := nn.New(4, 1, 5, 5)
	nanImgs := imgs.Clone()
	nanImgs.Data[30] = float32(math.Inf(1))
	cases := []struct {
		name string
		f    *Figure
		want string
	}{
		{"scatter nil", Scatter(nil, nil), "nil"},
		{"scatter shape", Scatter(z, zl), "want [N, 2]"},
		{"scatter labels", Scatter(xy, labels[:10]), "10 labels for 50 points"},
		{"scatter empty", ScatterXY(nil, nil, nil), "no points"},
		{"scatterxy lengths", ScatterXY([]float64{1, 2}, []float64{1}, nil), "x has 2 values but y has 1"},
		{"scatter nan", ScatterXY([]float64{1, math.NaN()}, []float64{1, 2}, nil), "point 1"},
		{"simhist nan", SimilarityHist(nan, zl), "row 2"},
		{"simhist labels", SimilarityHist(z, zl[:5]), "5 labels for 60"},
		{"simhist one class", SimilarityHist(z, make([]int, 60)), "no negative pairs"},
		{"simhist singletons", SimilarityHist(z, seq(60)), "no positive pairs"},
		{"simhist nil", SimilarityHist(nil, nil), "nil"},
		{"before-after", SimilarityHistBeforeAfter(nan, z, zl), "before: embedding row 2"},
		{"pairhist empty", PairHist(nil, []float64{1}), "need values"},
		{"pairhist nan", PairHist([]float64{0.1, math.NaN()}, []float64{1}), "positive pairs value 1 is NaN"},
		{"hardness nan", Hardness([]float64{0.1}, []float64{math.Inf(-1)}), "synthetic negatives value 0 is -Inf"},
		{"curves none", Curves(), "no series"},
		{"curves empty", Curves(Curve("loss", nil)), `"loss" has no values`},
		{"curves steps", Curves(Curve("loss", []float64{1, 2}).At([]float64{1})), "1 steps for 2 values"},
		{"curves smoothing", Curves(Curve("loss", []float64{1, 2}).Smooth(1)), "smoothing 1"},
		{"curves all nan", Curves(Curve("loss", []float64{math.NaN()})), "no finite value"},
		{"curves log", Curves(Curve("acc", []float64{0, -1}).LogY()), "no positive value"},
		{"images shape", Images(nn.New(3, 4), 2), "want [N, C, H, W]"},
		{"images channels", Images(nn.New(2, 2, 4, 4), 2), "2 channels"},
		{"images inf", Images(nanImgs, 2), "image 1 has +Inf"},
		{"images nil", Images(nil, 2), "nil"},
		{"labeled nil", LabeledImages(imgs, nil, 2), "use viz.Images"},
		{"augment none", Augmentations(imgs), "no views"},
		{"augment count", Augmentations(imgs, nn.New(3, 1, 5, 5)), "view 1 has 3 images but there are 4"},
		{"retrieval k", Retrieval(nn.New(60, 1, 2, 2), z, zl, nil, 0, nil...), "k = 0"},
		{"retrieval n", Retrieval(imgs, z, zl, nil, 3), "60 embeddings for 4 images"},
		{"retrieval query", Retrieval(nn.New(60, 1, 2, 2), z, zl, []int{70}, 3), "query index 70"},
		{"heatmap shape", Heatmap(nn.New(2, 2, 2)), "want [R, C]"},
		{"heatmap nan", Heatmap(nn.FromSlice([]float32{1, float32(math.NaN())}, 1, 2)), "entry (0, 1) is NaN"},
		{"simmatrix labels", SimilarityMatrix(z, nil), "0 labels for 60"},
		{"tsne labels", TSNEWith(z, zl[:3], TSNEOptions{Quiet: true}), "3 labels for 60"},
		{"tsne dims", TSNEWith(z, zl, TSNEOptions{Quiet: true, Config: tsneConfig(3)}), "Config.Dims is 3"},
		{"tsne nan", TSNEWith(nan, zl, TSNEOptions{Quiet: true}), "row 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.f.Err()
			if err == nil {
				t.Fatalf("no error; want one containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), "viz.") {
				t.Errorf("error %q does not name the function", err)
			}
			if _, rerr := c.f.Render(); rerr != err {
				t.Errorf("Render returned %v, want the figure's error", rerr)
			}
			if _, perr := c.f.PNG(); perr != err {
				t.Errorf("PNG returned %v", perr)
			}
			if _, serr := c.f.SVG(); serr != err {
				t.Errorf("SVG returned %v", serr)
			}
			if _, derr := display.Of(c.f); derr == nil || !errors.Is(derr, err) {
				t.Errorf("display.Of: %v, want it to wrap the figure's error", derr)
			}
			if !strings.HasPrefix(c.f.String(), "<Figure: error: ") {
				t.Errorf("String %q", c.f.String())
			}
			// Chaining on an error figure keeps the error.
			if c.f.Size(3, 3).AsSVG().LogY().Err() != err {
				t.Error("chaining lost the error")
			}
		})
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func TestPanicInDrawBecomesError(t *testing.T) {
	f := smallScatter()
	// An axis range gonum/plot refuses (log scale over negative values)
	// panics inside gonum; Render must return it as an error.
	for _, p := range f.Plots() {
		p.Y.Scale = logScaleForTest{}
	}
	if _, err := f.PNG(); err == nil || !strings.Contains(err.Error(), "viz: drawing scatter") {
		t.Errorf("error %v, want a drawing error", err)
	}
}

type logScaleForTest struct{}

func (logScaleForTest) Normalize(min, max, x float64) float64 {
	return plot.LogScale{}.Normalize(min, max, x)
}

func tsneConfig(dims int) tsne.Config { return tsne.Config{Dims: dims} }

// TestVectorOutputOfLargeClouds checks that SVG keeps small clouds as
// vector markers and embeds large ones as one image, and that PDF renders
// both.
func TestVectorOutputOfLargeClouds(t *testing.T) {
	small, sl := blobs(500, 3, 2, 0.2, 1)
	svg, err := Scatter(small, sl).SVG()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(svg, "<image") || strings.Count(svg, "<path") < 500 {
		t.Errorf("500-point SVG: %d paths, image embedded %v; want vector markers", strings.Count(svg, "<path"), strings.Contains(svg, "<image"))
	}
	big, bl := blobs(30000, 3, 2, 0.2, 1)
	f := Scatter(big, bl)
	svg, err = f.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(svg, "<image") != 1 || strings.Count(svg, "<path") > 1000 {
		t.Errorf("30,000-point SVG: %d images, %d paths; want the cloud as one image", strings.Count(svg, "<image"), strings.Count(svg, "<path"))
	}
	if len(svg) > 4<<20 {
		t.Errorf("30,000-point SVG is %d bytes", len(svg))
	}
	pdf, err := f.pdf()
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("PDF: %d bytes, err %v", len(pdf), err)
	}
}

func TestTitleInEveryFormat(t *testing.T) {
	f := smallScatter().WithTitle("Run 7")
	if !strings.HasPrefix(f.String(), "<Figure: Run 7: scatter") {
		t.Errorf("String %q", f.String())
	}
	if _, err := f.PNG(); err != nil {
		t.Error(err)
	}
	svg, err := f.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg, "Run 7") {
		t.Error("SVG lacks the title")
	}
	if _, err := f.pdf(); err != nil {
		t.Error(err)
	}
}

// TestDegenerateInputsRender checks that tiny and constant inputs, which
// are valid, draw without error in every format.
func TestDegenerateInputsRender(t *testing.T) {
	one := nn.FromSlice([]float32{0.5, 0.5}, 1, 2)
	zero := nn.New(4, 3) // zero embeddings: similarity 0 everywhere
	for _, c := range []struct {
		name string
		f    *Figure
	}{
		{"one point", Scatter(one, []int{3})},
		{"same x", ScatterXY([]float64{1, 1, 1}, []float64{1, 2, 3}, nil)},
		{"outlier label", ScatterXY([]float64{1, 2}, []float64{1, 2}, []int{-1, 0})},
		{"constant pairs", PairHist([]float64{0.5, 0.5}, []float64{0.5})},
		{"zero embeddings", SimilarityHist(zero, []int{0, 0, 1, 1})},
		{"one value", Curves(Curve("loss", []float64{2}))},
		{"constant curve log", Curves(Curve("loss", []float64{2, 2, 2})).LogY()},
		{"1x1 heatmap", Heatmap(nn.FromSlice([]float32{3}, 1, 1))},
		{"one image", Images(nn.New(1, 1, 2, 2), 5)},
		{"tall image", Images(nn.New(3, 3, 40, 4), 0)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.f.Err() != nil {
				t.Fatal(c.f.Err())
			}
			if _, err := c.f.PNG(); err != nil {
				t.Errorf("PNG: %v", err)
			}
			if _, err := c.f.SVG(); err != nil {
				t.Errorf("SVG: %v", err)
			}
		})
	}
}
