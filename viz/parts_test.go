package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/gocontrast/contrast/recipes/nn"
	"github.com/gocontrast/contrast/viz/tsne"
)

// inkCentroid returns the centroid and total "ink" (1 - red-channel
// brightness... for a blue marker on white: the drop in red) of img.
func inkCentroid(img image.Image) (cx, cy, ink float64) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, _, _, _ := img.At(x, y).RGBA()
			w := 1 - float64(r)/0xffff
			ink += w
			cx += w * (float64(x) + 0.5)
			cy += w * (float64(y) + 0.5)
		}
	}
	return cx / ink, cy / ink, ink
}

// TestPointLayerPlacement checks that a rasterised marker lands where
// gonum/plot's transforms put the data point, with the area of a circle
// of its radius, and matches gonum's own vector rendering of the same
// circle.
func TestPointLayerPlacement(t *testing.T) {
	const dpi = 96
	for _, pt := range [][2]float64{{3, 7}, {3.37, 2.71}, {8.9, 5.55}} {
		p := plot.New()
		p.HideAxes()
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 10, 0, 10
		l := newPointLayer([]float64{pt[0]}, []float64{pt[1]}, []uint16{0}, []pointStyle{{color: color.NRGBA{0, 0, 255, 255}}}, 1)
		l.radius, l.alpha = vg.Points(4), 1
		p.Add(l)
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 10, 0, 10
		c := vgimg.NewWith(vgimg.UseWH(4*vg.Inch, 3*vg.Inch), vgimg.UseDPI(dpi))
		dc := draw.New(c)
		p.Draw(dc)
		da := p.DataCanvas(dc)
		tx, ty := p.Transforms(&da)
		wantX := tx(pt[0]).Dots(dpi)
		wantY := float64(c.Image().Bounds().Dy()) - ty(pt[1]).Dots(dpi)
		cx, cy, ink := inkCentroid(c.Image())
		if math.Hypot(cx-wantX, cy-wantY) > 0.2 {
			t.Errorf("point %v: marker centred at (%.2f, %.2f) px, want (%.2f, %.2f)", pt, cx, cy, wantX, wantY)
		}
		r := vg.Points(4).Dots(dpi)
		if area := math.Pi * r * r; math.Abs(ink-area)/area > 0.03 {
			t.Errorf("point %v: marker ink %.1f px², want the circle's area %.1f", pt, ink, area)
		}

		// gonum's vector path for the same marker, as a reference.
		ref := vgimg.NewWith(vgimg.UseWH(4*vg.Inch, 3*vg.Inch), vgimg.UseDPI(dpi))
		rc := draw.New(ref)
		drawMarker(&rc, markerCircle, color.NRGBA{0, 0, 255, 255}, vg.Points(4), vg.Point{X: tx(pt[0]), Y: ty(pt[1])})
		rx, ry, rink := inkCentroid(ref.Image())
		if math.Hypot(cx-rx, cy-ry) > 0.2 || math.Abs(ink-rink)/rink > 0.03 {
			t.Errorf("point %v: raster marker (%.2f, %.2f, ink %.1f) differs from gonum's vector one (%.2f, %.2f, ink %.1f)", pt, cx, cy, ink, rx, ry, rink)
		}
	}
}

func TestStampShapesArea(t *testing.T) {
	// Every marker shape has about the circle's area, so classes with
	// different markers look equally heavy.
	const r = 5.0
	for shape := markerCircle; shape < numMarkers; shape++ {
		s := newStampSet(shape, r)
		var ink float64
		for _, v := range s.masks[0] {
			ink += float64(v) / 255
		}
		if area := math.Pi * r * r; math.Abs(ink-area)/area > 0.12 {
			t.Errorf("shape %d: area %.1f, want about %.1f", shape, ink, area)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	labels := func(ts []plot.Tick) []string {
		var out []string
		for _, t := range ts {
			if t.Label != "" {
				out = append(out, t.Label)
			}
		}
		return out
	}
	for _, c := range []struct {
		min, max float64
		want     string
	}{
		{-1, 1, "[-1.0 -0.5 0.0 0.5 1.0]"},
		{0, 3.3, "[0 1 2 3]"},
		{0, 600, "[0 100 200 300 400 500 600]"},
		{0.31, 0.87, "[0.4 0.5 0.6 0.7 0.8]"},
	} {
		if got := fmt.Sprint(labels(niceTicks{n: 6}.Ticks(c.min, c.max))); got != c.want {
			t.Errorf("niceTicks(%v, %v) = %s, want %s", c.min, c.max, got, c.want)
		}
	}
	for _, c := range []struct {
		min, max float64
		want     string
	}{
		{0.8, 6.5, "[1 2 3 5]"},
		{0.05, 20, "[0.05 0.1 0.2 0.5 1 2 5 10 20]"},
		{1e-3, 30, "[0.001 0.01 0.1 1 10]"},
	} {
		if got := fmt.Sprint(labels(logTicks{}.Ticks(c.min, c.max))); got != c.want {
			t.Errorf("logTicks(%v, %v) = %s, want %s", c.min, c.max, got, c.want)
		}
	}
}

func TestSmoothed(t *testing.T) {
	// TensorBoard's debiased EMA, worked by hand for w = 0.5:
	// a1 = 0.5, s1 = 0.5/0.5 = 1; a2 = 1.25, s2 = 1.25/0.75;
	// a3 = 2.125, s3 = 2.125/0.875 = 17/7.
	got := Smoothed([]float64{1, 2, 3}, 0.5)
	want := []float64{1, 5.0 / 3, 17.0 / 7}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("Smoothed[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	// Non-finite values pass through and do not enter the average.
	got = Smoothed([]float64{1, math.NaN(), 3}, 0.5)
	if got[0] != 1 || !math.IsNaN(got[1]) || math.Abs(got[2]-1.75/0.75) > 1e-12 {
		t.Errorf("Smoothed with NaN = %v", got)
	}
	// A constant series stays constant; w = 0 is the identity.
	for _, v := range Smoothed([]float64{2, 2, 2}, 0.9) {
		if v != 2 {
			t.Errorf("constant series smoothed to %v", v)
		}
	}
	y := []float64{3, 1, 4, 1, 5}
	for i, v := range Smoothed(y, 0) {
		if v != y[i] {
			t.Errorf("w=0: %v, want %v", v, y[i])
		}
	}
}

func TestCurvesDescriptionAndLog(t *testing.T) {
	loss := []float64{3, 2, math.NaN(), 1.5, math.Inf(1), 1.2}
	f := Curves(Curve("loss", loss), Curve32("acc", []float32{0.1, 0.5, 0.7}).In("metrics"))
	if f.Err() != nil {
		t.Fatal(f.Err())
	}
	want := "<Figure: curves, 2 series, 9 points, 2 panels, 2 non-finite values skipped>"
	if f.String() != want {
		t.Errorf("String %q, want %q", f.String(), want)
	}
	if len(f.Plots()) != 2 {
		t.Fatalf("%d plots, want 2 panels", len(f.Plots()))
	}
	f.LogY()
	for _, p := range f.Plots() {
		if _, ok := p.Y.Scale.(plot.LogScale); !ok {
			t.Errorf("panel %q is not on a log scale after LogY", p.Title.Text)
		}
	}
	if _, err := f.PNG(); err != nil {
		t.Fatal(err)
	}
	// Zero values are dropped from a log axis rather than failing.
	g := Curves(Curve("loss", []float64{0, 1, 2})).LogY()
	if _, err := g.PNG(); err != nil {
		t.Errorf("log axis with a zero value: %v", err)
	}
	if p := g.Plots()[0]; p.Y.Min != 1 || p.Y.Max != 2 {
		t.Errorf("log y range [%v, %v], want [1, 2]", p.Y.Min, p.Y.Max)
	}
}

func TestTopK(t *testing.T) {
	sims := []float64{0.1, 0.9, 0.5, 0.9, -0.3, 0.7, 0.2, 0.95}
	got := topK(sims, 3, 7)
	if fmt.Sprint(got) != "[1 3 5]" { // 0.9 (index 1), 0.9 (index 3), 0.7
		t.Errorf("topK = %v, want [1 3 5]", got)
	}
	idx := make([]int, 0, len(sims))
	for i := range sims {
		idx = append(idx, i)
	}
	sort.SliceStable(idx, func(a, b int) bool { return sims[idx[a]] > sims[idx[b]] })
	if got := topK(sims, len(sims), -1); fmt.Sprint(got) != fmt.Sprint(idx) {
		t.Errorf("full topK %v, want %v", got, idx)
	}
}

func TestRetrievalPrecision(t *testing.T) {
	z, labels := blobs(90, 3, 8, 1.6, 8)
	imgs := checker(90, 1, 6, 6)
	queries := []int{0, 1, 2, 10, 20}
	const k = 5
	f := Retrieval(imgs, z, labels, queries, k)
	if f.Err() != nil {
		t.Fatal(f.Err())
	}
	// Direct computation: cosine similarities, sorted.
	rows, n, d, _ := normalizedRows(z)
	hits := 0
	for _, q := range queries {
		type nb struct {
			i int
			s float64
		}
		var all []nb
		for i := 0; i < n; i++ {
			if i == q {
				continue
			}
			var s float64
			for j := 0; j < d; j++ {
				s += float64(rows[q*d+j]) * float64(rows[i*d+j])
			}
			all = append(all, nb{i, s})
		}
		sort.SliceStable(all, func(a, b int) bool { return all[a].s > all[b].s })
		for _, x := range all[:k] {
			if labels[x.i] == labels[q] {
				hits++
			}
		}
	}
	want := fmt.Sprintf("precision@%d %.3f", k, float64(hits)/float64(len(queries)*k))
	if !strings.Contains(f.String(), want) {
		t.Errorf("description %q, want %q", f.String(), want)
	}
	if hits == len(queries)*k {
		t.Log("all neighbours correct: the test data could be harder")
	}
	// Default queries: one per class.
	if g := Retrieval(imgs, z, labels, nil, 2); !strings.Contains(g.String(), "3 queries") {
		t.Errorf("default queries: %q, want one per class (3)", g.String())
	}
}

func TestImagesRescaleNote(t *testing.T) {
	x := nn.New(2, 1, 3, 3)
	for i := range x.Data {
		x.Data[i] = float32(i)/9 - 1 // [-1, 1)
	}
	f := Images(x, 0)
	if !strings.Contains(f.String(), "values rescaled from [-1, 0.889] to [0, 1]") {
		t.Errorf("description %q does not say the values were rescaled", f.String())
	}
	s, _ := newImageSet(x)
	g := s.image(0).(*image.Gray)
	if g.Pix[0] != 0 || g.Pix[8] != uint8(math.Round(8.0/17*255)) {
		t.Errorf("rescaled pixels %v", g.Pix)
	}
	inRange := Images(checker(3, 3, 4, 4), 0)
	if strings.Contains(inRange.String(), "rescaled") {
		t.Errorf("images in [0, 1] were rescaled: %q", inRange.String())
	}
}

func TestUpscaleNearest(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 2, 2))
	g.Pix = []uint8{0, 100, 200, 255}
	up := upscale(g, 4, 4).(*image.RGBA)
	for y := 0; y < 4; y++ {
		for x := 0; x < 4; x++ {
			want := g.Pix[(y/2)*2+x/2]
			if got := up.Pix[y*up.Stride+4*x]; got != want {
				t.Fatalf("pixel (%d, %d) = %d, want %d", x, y, got, want)
			}
		}
	}
}

// TestTSNEFigure runs t-SNE on three separated blobs and checks that the
// figure's points keep the classes apart.
func TestTSNEFigure(t *testing.T) {
	z, labels := blobs(150, 3, 10, 0.3, 12)
	f := TSNEWith(z, labels, TSNEOptions{Quiet: true, Config: tsne.Config{Threads: 1, Seed: 1}, ClassNames: []string{"a", "b", "c"}})
	if f.Err() != nil {
		t.Fatal(f.Err())
	}
	if !strings.HasPrefix(f.String(), "<Figure: t-SNE, 150 points, 3 classes, KL ") {
		t.Errorf("String %q", f.String())
	}
	pts := f.Points()
	if pts == nil || len(pts.Shape) != 2 || pts.Shape[0] != 150 || pts.Shape[1] != 2 {
		t.Fatalf("Points() = %v, want [150 2]", pts)
	}
	// 5-NN label agreement in the embedding.
	agree := 0
	for i := 0; i < 150; i++ {
		type nb struct {
			j int
			d float64
		}
		var all []nb
		for j := 0; j < 150; j++ {
			if j != i {
				dx := float64(pts.Data[2*i] - pts.Data[2*j])
				dy := float64(pts.Data[2*i+1] - pts.Data[2*j+1])
				all = append(all, nb{j, dx*dx + dy*dy})
			}
		}
		sort.Slice(all, func(a, b int) bool { return all[a].d < all[b].d })
		for _, x := range all[:5] {
			if labels[x.j] == labels[i] {
				agree++
			}
		}
	}
	if frac := float64(agree) / 750; frac < 0.95 {
		t.Errorf("5-NN label agreement %.3f in the t-SNE map of separated blobs, want >= 0.95", frac)
	}
	// Recolouring without running t-SNE again.
	g := Scatter(pts, labels)
	if g.Err() != nil {
		t.Fatal(g.Err())
	}
	if _, err := f.PNG(); err != nil {
		t.Fatal(err)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 200000: "200,000", -1234567: "-1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestDecimateKeepsPicture renders a long noisy curve with and without
// decimation and compares the pictures.
func TestDecimateKeepsPicture(t *testing.T) {
	y := make([]float64, 3000)
	for i := range y {
		y[i] = 2 + math.Sin(float64(i)/300) + 0.3*math.Sin(float64(i)*1.7)*math.Cos(float64(i)*0.31)
	}
	render := func() []byte {
		b, err := Curves(Curve("loss", y)).Size(5, 3).PNG()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	thin := render()
	old := decimateMin
	decimateMin = math.MaxInt
	full := render()
	decimateMin = old
	if ok, msg := similarPNG(thin, full); !ok {
		t.Errorf("decimated curve differs from the full one: %s", msg)
	}
	// The kept points are a subsequence with each column's extremes.
	pts := make([]vg.Point, 5000)
	for i := range pts {
		pts[i] = vg.Point{X: vg.Length(i) * 0.01, Y: vg.Length(math.Sin(float64(i)))}
	}
	out := decimate(pts, 1)
	if len(out) > 4*51 {
		t.Errorf("%d points kept for 51 columns", len(out))
	}
	j := 0
	for _, p := range out {
		for j < len(pts) && pts[j] != p {
			j++
		}
		if j == len(pts) {
			t.Fatal("decimate output is not a subsequence of its input")
		}
	}
	if out[0] != pts[0] || out[len(out)-1] != pts[len(pts)-1] {
		t.Error("decimate dropped an end point")
	}
}
