package augment

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

func randImage(c, h, w int, seed uint64) Image {
	rng := rand.New(rand.NewPCG(seed, 99))
	m := NewImage(c, h, w)
	for i := range m.Pix {
		m.Pix[i] = rng.Float32()
	}
	return m
}

// checkTransform is the contract every Transform keeps: it never modifies
// its input, the same seed gives the same output, and values stay finite
// (and in [0, 1] unless unbounded is set), for gray and RGB images.
func checkTransform(t *testing.T, name string, tr Transform, unbounded bool) {
	t.Helper()
	for _, c := range []int{1, 3} {
		in := randImage(c, 28, 28, uint64(c))
		orig := in.Clone()
		var outs []Image
		for range 2 {
			outs = append(outs, tr(in, rand.New(rand.NewPCG(7, 8))))
		}
		if !reflect.DeepEqual(in, orig) {
			t.Errorf("%s (C=%d) modified its input", name, c)
		}
		if !reflect.DeepEqual(outs[0], outs[1]) {
			t.Errorf("%s (C=%d): the same seed gave different outputs", name, c)
		}
		if &outs[0].Pix[0] == &in.Pix[0] {
			t.Errorf("%s (C=%d) returned its input's storage", name, c)
		}
		if outs[0].C != c || len(outs[0].Pix) != c*outs[0].H*outs[0].W {
			t.Errorf("%s (C=%d): output %v with %d values", name, c, outs[0], len(outs[0].Pix))
		}
		for _, v := range outs[0].Pix {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || (!unbounded && (v < 0 || v > 1)) {
				t.Fatalf("%s (C=%d): value %v", name, c, v)
			}
		}
		// Different seeds usually differ (every step here is random
		// with p 1 below).
		if other := tr(in, rand.New(rand.NewPCG(9, 10))); reflect.DeepEqual(other, outs[0]) && !strings.HasPrefix(name, "det") {
			t.Errorf("%s (C=%d): different seeds gave the same output", name, c)
		}
	}
}

func TestTransformContract(t *testing.T) {
	cases := []struct {
		name      string
		tr        Transform
		unbounded bool
	}{
		{"crop", RandomResizedCrop{H: 20, W: 24}.Apply, false},
		{"det-resize", Resize{H: 14, W: 30}.Apply, false},
		{"flip", HorizontalFlip{P: 0.5}.Apply, false},
		{"padcrop", PadCrop{Pad: 4}.Apply, false},
		{"jitter", ColorJitter{Brightness: 0.8, Contrast: 0.8, Saturation: 0.8, Hue: 0.2, P: 1}.Apply, false},
		{"gray", RandomGrayscale{P: 0.5}.Apply, false},
		{"blur", GaussianBlur{P: 1}.Apply, false},
		{"solarize", Solarize{P: 0.5}.Apply, false},
		{"erase", RandomErasing{P: 1, Random: true}.Apply, true},
		{"det-normalize", Normalize{Mean: []float32{0.5}, Std: []float32{0.25}}.Apply, true},
		{"simclr", SimCLR(28, 1).Apply, false},
		{"simclr-96", SimCLR(96, 1).Apply, false},
		{"supcon", SupCon(32).Apply, false},
		{"spcl", SpCL(32, 16).Apply, true},
		{"reference", Reference().Apply, false},
		{"compose", Compose(HorizontalFlip{P: 0.5}.Apply, Func(func(m Image) Image { return m }), ColorJitter{Brightness: 0.5, P: 1}.Apply), false},
		{"random-apply", RandomApply(0.5, Solarize{P: 1}.Apply), false},
		{"random-order", RandomOrder(Solarize{P: 1}.Apply, ColorJitter{Contrast: 0.5, P: 1}.Apply), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "gray" || c.name == "random-apply" || c.name == "solarize" || c.name == "flip" {
				// Half the time these do nothing: the different-seed check
				// would be flaky for one seed pair, so skip it by name.
				c.name = "det-" + c.name
			}
			if c.name == "spcl" {
				// 3-channel normalisation: skip the 1-channel run.
				in := randImage(3, 40, 20, 1)
				if out := c.tr(in, rand.New(rand.NewPCG(1, 1))); out.H != 32 || out.W != 16 {
					t.Errorf("SpCL output %v, want 3x32x16", out)
				}
				return
			}
			checkTransform(t, c.name, c.tr, c.unbounded)
		})
	}
}

func TestCropParamsFallbackAndBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Ratio 3-4 cannot fit a 28x28 image with area >= 90%: 10 failures,
	// then the central crop w = 28, h = round(28/3) = 9.
	for range 100 {
		top, left, h, w := CropParams(28, 28, [2]float64{0.9, 1}, [2]float64{3, 4}, rng)
		if h != 9 || w != 28 || top != 9 || left != 0 {
			t.Fatalf("fallback crop (%d, %d, %d, %d), want (9, 0, 9, 28)", top, left, h, w)
		}
	}
	for range 10000 {
		top, left, h, w := CropParams(20, 30, [2]float64{0.08, 1}, [2]float64{3. / 4, 4. / 3}, rng)
		if top < 0 || left < 0 || h < 1 || w < 1 || top+h > 20 || left+w > 30 {
			t.Fatalf("crop (%d, %d, %d, %d) outside 20x30", top, left, h, w)
		}
	}
}

// TestPadCropIsAWindow checks that every PadCrop output is a window of the
// zero-padded image, and that all offsets occur.
func TestPadCropIsAWindow(t *testing.T) {
	in := randImage(2, 6, 5, 3)
	pad := 2
	ph, pw := 6+2*pad, 5+2*pad
	padded := NewImage(2, ph, pw)
	for c := 0; c < 2; c++ {
		for y := 0; y < 6; y++ {
			for x := 0; x < 5; x++ {
				padded.Pix[(c*ph+y+pad)*pw+x+pad] = in.At(c, y, x)
			}
		}
	}
	rng := rand.New(rand.NewPCG(5, 5))
	seen := map[[2]int]bool{}
	for range 400 {
		out := PadCrop{Pad: pad}.Apply(in, rng)
		found := false
		for oy := 0; oy <= ph-6 && !found; oy++ {
			for ox := 0; ox <= pw-5 && !found; ox++ {
				ok := true
				for c := 0; c < 2 && ok; c++ {
					for y := 0; y < 6 && ok; y++ {
						for x := 0; x < 5; x++ {
							if out.At(c, y, x) != padded.At(c, oy+y, ox+x) {
								ok = false
								break
							}
						}
					}
				}
				if ok {
					found = true
					seen[[2]int{oy, ox}] = true
				}
			}
		}
		if !found {
			t.Fatal("PadCrop output is not a window of the padded image")
		}
	}
	if len(seen) != (2*pad+1)*(2*pad+1) {
		t.Errorf("%d distinct offsets, want %d", len(seen), (2*pad+1)*(2*pad+1))
	}
}

func TestColorJitterFactors(t *testing.T) {
	// A flat gray image scaled by brightness only: the factor is the ratio
	// and must lie in [0.6, 1.4]; with P 0.8 about 20% are unchanged.
	in := NewImage(1, 4, 4)
	for i := range in.Pix {
		in.Pix[i] = 0.5
	}
	rng := rand.New(rand.NewPCG(1, 1))
	same := 0
	lo, hi := 2.0, 0.0
	n := 20000
	for range n {
		out := ColorJitter{Brightness: 0.4, P: 0.8}.Apply(in, rng)
		f := float64(out.Pix[0]) / 0.5
		if f == 1 {
			same++
		}
		lo, hi = math.Min(lo, f), math.Max(hi, f)
	}
	if lo < 0.6-1e-6 || hi > 1.4+1e-6 || lo > 0.61 || hi < 1.39 {
		t.Errorf("brightness factors in [%v, %v], want to fill [0.6, 1.4]", lo, hi)
	}
	if p := float64(same) / float64(n); math.Abs(p-0.2) > 0.015 {
		t.Errorf("unchanged %.3f of the time, want 0.2", p)
	}
}

func TestPipelineStringAndCustom(t *testing.T) {
	p := SimCLR(96, 1)
	s := p.String()
	for _, want := range []string{"RandomResizedCrop(96x96, scale=0.08-1, ratio=0.75-1.33)", "HorizontalFlip(p=0.5)",
		"ColorJitter(brightness=0.8, contrast=0.8, saturation=0.8, hue=0.2, p=0.8)", "RandomGrayscale(p=0.2)",
		"GaussianBlur(kernel=10%, sigma=0.1-2, p=0.5)"} {
		if !strings.Contains(s, want) {
			t.Errorf("SimCLR(96, 1) lacks %q:\n%s", want, s)
		}
	}
	if SimCLR(32, 0.5).Blur != nil {
		t.Error("SimCLR at 32 px has blur; the paper's CIFAR setting has none")
	}
	// A cell's own step, and a custom step that returns its input.
	calls := 0
	p = &Pipeline{Custom: []Transform{Func(func(m Image) Image { calls++; return m })},
		Normalize: &Normalize{Mean: []float32{0.5}, Std: []float32{0.5}}}
	in := randImage(1, 5, 5, 2)
	orig := in.Clone()
	out := p.Apply(in, rand.New(rand.NewPCG(1, 1)))
	if calls != 1 || !reflect.DeepEqual(in, orig) {
		t.Fatalf("custom step called %d times; input modified: %v", calls, !reflect.DeepEqual(in, orig))
	}
	if want := (in.Pix[3] - 0.5) / 0.5; out.Pix[3] != want {
		t.Errorf("normalised %v, want %v", out.Pix[3], want)
	}
	if KernelSize(28) != 3 || KernelSize(224) != 23 || KernelSize(96) != 9 || KernelSize(5) != 1 {
		t.Error("KernelSize does not follow the 10 percent, odd rule")
	}
}

func TestViewsLayoutAndDeterminism(t *testing.T) {
	b := 37
	x := nn.New(b, 1, 6, 6)
	for i := 0; i < b; i++ {
		for j := range x.Row(i) {
			x.Row(i)[j] = float32(i) / 100
		}
	}
	// Brightness-only jitter keeps each image flat, so the value tells
	// which image a row came from (value / factor).
	tr := ColorJitter{Brightness: 0.01, P: 1}.Apply
	prev := runtime.GOMAXPROCS(1)
	one := Views(x, tr, 3, 42)
	runtime.GOMAXPROCS(4)
	four := Views(x, tr, 3, 42)
	runtime.GOMAXPROCS(prev)
	if !reflect.DeepEqual(one.Shape, []int{3 * b, 1, 6, 6}) {
		t.Fatalf("shape %v", one.Shape)
	}
	if !reflect.DeepEqual(one.Data, four.Data) {
		t.Error("Views depends on GOMAXPROCS")
	}
	for v := 0; v < 3; v++ {
		for i := 0; i < b; i++ {
			got := one.Row(v*b + i)[0]
			if want := float32(i) / 100; math.Abs(float64(got-want)) > 0.011*float64(want)+1e-6 {
				t.Fatalf("row %d = %v, want view %d of image %d (about %v)", v*b+i, got, v, i, want)
			}
		}
	}
	if reflect.DeepEqual(one.Row(1), one.Row(b+1)) {
		t.Error("two views of an image are identical")
	}
	if again := Views(x, tr, 3, 43); reflect.DeepEqual(again.Data, one.Data) {
		t.Error("seeds 42 and 43 gave the same views")
	}
	dst := nn.New(3*b, 1, 6, 6)
	if got := ViewsInto(dst, x, tr, 3, 42); got != dst || !reflect.DeepEqual(dst.Data, one.Data) {
		t.Error("ViewsInto differs from Views")
	}
}

func TestViewsPanicsOnCallerGoroutine(t *testing.T) {
	x := nn.New(64, 1, 4, 4)
	catch := func(f func()) (msg string) {
		defer func() {
			if p := recover(); p != nil {
				msg = fmt.Sprint(p)
			}
		}()
		f()
		return ""
	}
	bad := Transform(func(m Image, rng *rand.Rand) Image {
		if rng.Float64() < 0.05 {
			panic("boom")
		}
		return m.Clone()
	})
	if msg := catch(func() { Views(x, bad, 2, 1) }); !strings.Contains(msg, "boom") || !strings.HasPrefix(msg, "augment:") {
		t.Errorf("panic %q, want an augment: message carrying boom", msg)
	}
	sizes := Transform(func(m Image, rng *rand.Rand) Image {
		return RandomResizedCrop{H: 2 + rng.IntN(2), W: 3}.Apply(m, rng)
	})
	if msg := catch(func() { Views(x, sizes, 2, 1) }); !strings.Contains(msg, "one size") {
		t.Errorf("panic %q, want the one-size message", msg)
	}
	if msg := catch(func() { Views(nn.New(3, 4), Reference().Apply, 2, 1) }); !strings.Contains(msg, "[B, C, H, W]") {
		t.Errorf("panic %q for a 2-D batch", msg)
	}
}

func TestMontageAndPNG(t *testing.T) {
	x := nn.New(5, 3, 4, 6)
	for i := range x.Data {
		x.Data[i] = 1
	}
	m := Montage(x, 5, 2)
	if m.C != 3 || m.H != 3*5-1 || m.W != 2*7-1 {
		t.Fatalf("montage %v, want 3x14x13", m)
	}
	if m.At(0, 4, 0) != 0 || m.At(0, 5, 0) != 1 || m.At(0, 0, 6) != 0 || m.At(0, 10, 0) != 1 || m.At(0, 10, 7) != 0 || m.At(0, 6, 12) != 1 {
		t.Error("montage gaps or tiles misplaced")
	}
	b, err := m.PNG()
	if err != nil {
		t.Fatal(err)
	}
	im, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if im.Bounds().Dx() != 13*8 || im.Bounds().Dy() != 14*8 {
		t.Errorf("PNG %v, want 104x112 (8x)", im.Bounds())
	}
}
