package main

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/gocontrast/contrast/recipes/loss"
	"github.com/gocontrast/contrast/recipes/nn"
)

// TestNTXentMatchesPyTorch checks the bench's loss (loss.NTXent, halved)
// against PyTorch's F.cross_entropy over the masked similarity matrix, as
// bench/train.py computes it (vectors from bench/nn_vectors.py).
func TestNTXentMatchesPyTorch(t *testing.T) {
	b, err := os.ReadFile("../../recipes/nn/testdata/torch_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		NTXent struct {
			Z     []float64 `json:"z"`
			Shape []int     `json:"shape"`
			Tau   float64   `json:"tau"`
			Loss  float64   `json:"loss"`
			Grad  []float64 `json:"grad"`
		} `json:"ntxent"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	z := nn.New(v.NTXent.Shape...)
	for i, x := range v.NTXent.Z {
		z.Data[i] = float32(x)
	}
	var ws loss.Workspace
	g := nn.New(z.Shape...)
	got := benchNTXent(&ws, g, z, v.NTXent.Tau)
	if math.Abs(got-v.NTXent.Loss) > 1e-5 {
		t.Errorf("loss %.7g, PyTorch %.7g", got, v.NTXent.Loss)
	}
	for i, w := range v.NTXent.Grad {
		if math.Abs(float64(g.Data[i])-w) > 1e-5 {
			t.Errorf("grad[%d] = %.7g, PyTorch %.7g", i, g.Data[i], w)
		}
	}
}

func TestSimCLRStepReproducible(t *testing.T) {
	imgs := make([]byte, 8*784)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range imgs {
		imgs[i] = byte(r.UintN(256))
	}
	idx := []int{3, 1, 4, 0, 5, 2}
	a, b := newSimCLRStep(3, len(idx)), newSimCLRStep(3, len(idx))
	for s := 0; s < 2; s++ {
		la, lb := a.step(imgs, idx), b.step(imgs, idx)
		if la != lb || math.IsNaN(la) {
			t.Fatalf("step %d: losses %v and %v from the same seed", s, la, lb)
		}
	}
}

var sinkLoss float64

// BenchmarkSimCLRStep is one step of the reference recipe as
// `contrast bench train` runs it: augment 2 views of 256 images, ConvNet-S
// + SimCLR head forward, NT-Xent, backward, Adam.
func BenchmarkSimCLRStep(b *testing.B) {
	for _, batch := range []int{32, 256} {
		b.Run(strconv.Itoa(batch), func(b *testing.B) {
			st := newSimCLRStep(1, batch)
			imgs := make([]byte, 1024*784)
			r := rand.New(rand.NewPCG(1, 1))
			for i := range imgs {
				imgs[i] = byte(r.UintN(256))
			}
			idx := make([]int, batch)
			for i := range idx {
				idx[i] = i
			}
			st.step(imgs, idx) // allocate the workspaces
			b.ResetTimer()
			for range b.N {
				sinkLoss = st.step(imgs, idx)
			}
		})
	}
}
