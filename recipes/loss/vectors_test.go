package loss

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

// Tolerances against PyTorch's float64 values: our float32 similarities
// carry about 1e-7 relative error, amplified by 1/tau (20 for SpCL).
const (
	torchLossRel = 1e-6 // relative error of the loss value
	torchGradTol = 1e-5 // max |g - g_torch| / max |g_torch|
)

type tensorJSON struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

func (t *tensorJSON) tensor() *nn.Tensor {
	if t == nil {
		return nil
	}
	return nn.FromSlice(append([]float32(nil), t.Data...), t.Shape...)
}

type vectorCase struct {
	Name      string      `json:"name"`
	Kind      string      `json:"kind"`
	Tau       float64     `json:"tau"`
	Base      float64     `json:"base"`
	Variant   string      `json:"variant"`
	Z         *tensorJSON `json:"z"`
	K         *tensorJSON `json:"k"`
	Q         *tensorJSON `json:"q"`
	Queue     *tensorJSON `json:"queue"`
	Mem       *tensorJSON `json:"mem"`
	Memory    *tensorJSON `json:"memory"`
	Teacher   *tensorJSON `json:"teacher"`
	Labels    []int       `json:"labels"`
	MemLabels []int       `json:"memLabels"`
	Targets   []int       `json:"targets"`
	Mix       *Mixing     `json:"mix"`
	Loss      float64     `json:"loss"`
	Grad      tensorJSON  `json:"grad"`
}

func loadVectors(t *testing.T) []vectorCase {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatalf("reading test vectors (regenerate with /usr/bin/python3 testdata/gen_vectors.py): %v", err)
	}
	var v struct {
		Cases []vectorCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding testdata/vectors.json: %v", err)
	}
	if len(v.Cases) == 0 {
		t.Fatal("testdata/vectors.json has no cases")
	}
	return v.Cases
}

// evalCase computes a vector case's loss and gradient with this package.
func evalCase(t *testing.T, c vectorCase) (float64, *nn.Tensor) {
	switch c.Kind {
	case "ntxent":
		return NTXent(c.Z.tensor(), c.Tau)
	case "infonce":
		return InfoNCE(c.Q.tensor(), c.K.tensor(), c.Queue.tensor(), c.Tau)
	case "mochi":
		return MoCHiMixed(c.Q.tensor(), c.K.tensor(), c.Queue.tensor(), c.Tau, c.Mix)
	case "supcon":
		cfg := SupConConfig{Temperature: c.Tau, BaseTemperature: c.Base, In: c.Variant == "in"}
		if c.Mem != nil {
			return SupConMemory(c.Z.tensor(), c.Labels, c.Mem.tensor(), c.MemLabels, cfg)
		}
		return SupCon(c.Z.tensor(), c.Labels, cfg)
	case "spcl":
		return SpCL(c.Z.tensor(), c.Memory.tensor(), c.MemLabels, c.Targets, c.Tau)
	case "distill":
		return Distill(c.Z.tensor(), c.Teacher.tensor(), c.Tau)
	case "ce":
		return CrossEntropy(c.Z.tensor(), c.Labels)
	}
	t.Fatalf("unknown kind %q", c.Kind)
	return 0, nil
}

func TestAgainstPyTorch(t *testing.T) {
	for _, c := range loadVectors(t) {
		t.Run(c.Name, func(t *testing.T) {
			l, g := evalCase(t, c)
			if math.Abs(l-c.Loss) > torchLossRel*math.Max(1, math.Abs(c.Loss)) {
				t.Errorf("loss: got %.8g want %.8g (PyTorch)", l, c.Loss)
			}
			if len(g.Data) != len(c.Grad.Data) {
				t.Fatalf("gradient: got %d elements want %d", len(g.Data), len(c.Grad.Data))
			}
			scale := 0.0
			for _, v := range c.Grad.Data {
				scale = math.Max(scale, math.Abs(float64(v)))
			}
			for i, v := range g.Data {
				if e := math.Abs(float64(v-c.Grad.Data[i])) / scale; e > torchGradTol || math.IsNaN(e) {
					t.Errorf("gradient[%d]: got %.7g want %.7g (PyTorch), relative error %.2g", i, v, c.Grad.Data[i], e)
					break
				}
			}
		})
	}
}

// TestWorkspaceReuse checks that a Workspace reused across calls of
// different losses and sizes gives the same values as fresh calls.
func TestWorkspaceReuse(t *testing.T) {
	cases := loadVectors(t)
	var ws Workspace
	for round := 0; round < 2; round++ {
		for _, c := range cases {
			want, wantG := evalCase(t, c)
			var got float64
			var g *nn.Tensor
			switch c.Kind {
			case "ntxent":
				g = nn.New(c.Z.Shape...)
				got = ws.NTXent(g, c.Z.tensor(), c.Tau)
			case "infonce":
				g = nn.New(c.Q.Shape...)
				got = ws.InfoNCE(g, c.Q.tensor(), c.K.tensor(), c.Queue.tensor(), c.Tau)
			case "mochi":
				g = nn.New(c.Q.Shape...)
				got = ws.MoCHiMixed(g, c.Q.tensor(), c.K.tensor(), c.Queue.tensor(), c.Tau, c.Mix)
			case "spcl":
				g = nn.New(c.Z.Shape...)
				got = ws.SpCL(g, c.Z.tensor(), c.Memory.tensor(), c.MemLabels, c.Targets, c.Tau)
			default:
				continue
			}
			if got != want {
				t.Errorf("%s round %d: workspace loss %v, fresh %v", c.Name, round, got, want)
			}
			for i := range g.Data {
				if g.Data[i] != wantG.Data[i] {
					t.Errorf("%s round %d: workspace gradient[%d] %v, fresh %v", c.Name, round, i, g.Data[i], wantG.Data[i])
					break
				}
			}
		}
	}
}
