package augment

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// Vectors written by testdata/gen_vectors.py from torchvision 0.14.
type tvFile struct {
	Images map[string]struct {
		C, H, W int
		Pix     []float32
	}
	Cases []struct {
		Op    string
		Image string
		Args  []float64
		Shape []int
		Want  []float32
	}
	Kernels []struct {
		K     int
		Sigma float64
		Want  []float32
	}
	Stats []struct {
		Sampler  string
		Scale    [2]float64
		Ratio    [2]float64
		N        int
		MeanH    float64      `json:"mean_h"`
		MeanW    float64      `json:"mean_w"`
		MeanArea float64      `json:"mean_area"`
		MeanTop  float64      `json:"mean_top"`
		PFull    float64      `json:"p_full"`
		PNone    float64      `json:"p_none"`
		TopHW    [][3]float64 `json:"top_hw"`
	}
}

func loadTV(t testing.TB) *tvFile {
	b, err := os.ReadFile("testdata/torchvision.json")
	if err != nil {
		t.Fatal(err)
	}
	var f tvFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return &f
}

// Tolerances: float32 arithmetic in a different order.
const (
	tolExact = 1e-6 // per-pixel formulas
	tolBlur  = 2e-6 // separable vs 2-D convolution
)

func TestAgainstTorchvision(t *testing.T) {
	tv := loadTV(t)
	for _, c := range tv.Cases {
		name := fmt.Sprintf("%s/%s%v", c.Op, c.Image, c.Args)
		t.Run(name, func(t *testing.T) {
			im := tv.Images[c.Image]
			in := Image{C: im.C, H: im.H, W: im.W, Pix: append([]float32(nil), im.Pix...)}
			orig := append([]float32(nil), in.Pix...)
			a := c.Args
			var got Image
			tol := float32(tolExact)
			switch c.Op {
			case "resized_crop":
				got = ResizedCrop(in, int(a[0]), int(a[1]), int(a[2]), int(a[3]), int(a[4]), int(a[5]))
			case "resize":
				got = Resize{H: int(a[0]), W: int(a[1])}.Apply(in, nil)
			case "hflip":
				got = HorizontalFlip{P: 1}.Apply(in, rand.New(rand.NewPCG(1, 2)))
			case "brightness":
				got = in.Clone()
				AdjustBrightness(got, float32(a[0]))
			case "contrast":
				got = in.Clone()
				AdjustContrast(got, float32(a[0]))
			case "saturation":
				got = in.Clone()
				AdjustSaturation(got, float32(a[0]))
			case "hue":
				got = in.Clone()
				AdjustHue(got, float32(a[0]))
				tol = 2e-6
			case "grayscale":
				got = in.Clone()
				Grayscale(got)
			case "blur":
				got = in.Clone()
				Blur(got, int(a[0]), int(a[1]), a[2])
				tol = tolBlur
			case "solarize":
				got = Solarize{Threshold: a[0], P: 1}.Apply(in, rand.New(rand.NewPCG(1, 2)))
			case "erase":
				got = in.Clone()
				Erase(got, int(a[0]), int(a[1]), int(a[2]), int(a[3]), []float32{float32(a[4])}, false, nil)
			case "normalize":
				n := len(a) / 2
				m, s := make([]float32, n), make([]float32, n)
				for i := range m {
					m[i], s[i] = float32(a[i]), float32(a[n+i])
				}
				got = Normalize{Mean: m, Std: s}.Apply(in, nil)
			default:
				t.Fatalf("unknown op %q", c.Op)
			}
			if got.C != c.Shape[0] || got.H != c.Shape[1] || got.W != c.Shape[2] {
				t.Fatalf("got %v, want shape %v", got, c.Shape)
			}
			worst, at := float32(0), 0
			for i, w := range c.Want {
				if d := float32(math.Abs(float64(got.Pix[i] - w))); d > worst {
					worst, at = d, i
				}
			}
			if worst > tol {
				t.Errorf("max |got - torchvision| = %g at %d (got %v, want %v), tolerance %g", worst, at, got.Pix[at], c.Want[at], tol)
			}
			for i := range orig {
				if in.Pix[i] != orig[i] && c.Op != "brightness" && c.Op != "contrast" && c.Op != "saturation" && c.Op != "hue" && c.Op != "grayscale" && c.Op != "blur" && c.Op != "erase" {
					t.Fatalf("the input was modified")
				}
			}
		})
	}
}

func TestGaussianKernelAgainstTorchvision(t *testing.T) {
	for _, k := range loadTV(t).Kernels {
		got := GaussianKernel(k.K, k.Sigma)
		for i, w := range k.Want {
			if math.Abs(float64(got[i]-w)) > 1e-7 {
				t.Errorf("k=%d sigma=%g: tap %d = %v, want %v", k.K, k.Sigma, i, got[i], w)
			}
		}
	}
}

// TestSamplersMatchTorchvisionStatistics compares our RandomResizedCrop
// and RandomErasing parameter samplers with torchvision's over many draws
// (the generators differ, so only the distributions can agree).
func TestSamplersMatchTorchvisionStatistics(t *testing.T) {
	n := 200000
	if testing.Short() {
		n = 40000
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range loadTV(t).Stats {
		switch s.Sampler {
		case "crop":
			var hs, ws, areas, tops float64
			full := 0
			hist := map[[2]int]int{}
			for range n {
				i, _, h, w := CropParams(28, 28, s.Scale, s.Ratio, rng)
				hs += float64(h)
				ws += float64(w)
				areas += float64(h * w)
				tops += float64(i)
				if h == 28 && w == 28 {
					full++
				}
				hist[[2]int{h, w}]++
			}
			fn := float64(n)
			// Standard errors are below 0.02 px for the means at n=200k;
			// 5 sigma bounds, looser for the short run.
			tol := 0.08 * math.Sqrt(200000/fn)
			check := func(what string, got, want, tol float64) {
				if math.Abs(got-want) > tol {
					t.Errorf("crop scale %v ratio %v: %s = %.4f, torchvision %.4f (tolerance %.3f)", s.Scale, s.Ratio, what, got, want, tol)
				}
			}
			check("mean h", hs/fn, s.MeanH, tol)
			check("mean w", ws/fn, s.MeanW, tol)
			check("mean top", tops/fn, s.MeanTop, tol)
			check("mean area", areas/fn, s.MeanArea, 40*tol)
			check("P(full image)", float64(full)/fn, s.PFull, 0.01)
			for _, hw := range s.TopHW {
				k := [2]int{int(hw[0]), int(hw[1])}
				check(fmt.Sprintf("P(h,w = %v)", k), float64(hist[k])/fn, hw[2], 0.01)
			}
		case "erase":
			var hs, ws float64
			none := 0
			for range n {
				img := NewImage(1, 28, 28)
				for i := range img.Pix {
					img.Pix[i] = 1
				}
				RandomErasing{P: 1, Scale: s.Scale, Ratio: s.Ratio}.applyOwned(img, rng)
				// Measure the erased box.
				y0, y1, x0, x1 := 28, -1, 28, -1
				for y := 0; y < 28; y++ {
					for x := 0; x < 28; x++ {
						if img.At(0, y, x) == 0 {
							y0, y1, x0, x1 = min(y0, y), max(y1, y), min(x0, x), max(x1, x)
						}
					}
				}
				if y1 < 0 {
					none++
					continue
				}
				hs += float64(y1 - y0 + 1)
				ws += float64(x1 - x0 + 1)
			}
			fn := float64(n - none)
			tol := 0.06 * math.Sqrt(200000/float64(n))
			if math.Abs(hs/fn-s.MeanH) > tol || math.Abs(ws/fn-s.MeanW) > tol {
				t.Errorf("erase: mean box %.3f x %.3f, torchvision %.3f x %.3f", hs/fn, ws/fn, s.MeanH, s.MeanW)
			}
			if math.Abs(float64(none)/float64(n)-s.PNone) > 0.005 {
				t.Errorf("erase: P(no box) %.4f, torchvision %.4f", float64(none)/float64(n), s.PNone)
			}
		}
	}
}
