package main

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

// TestNTXentMatchesPyTorch checks the bench's loss against PyTorch's
// F.cross_entropy over the masked similarity matrix (bench/nn_vectors.py).
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
	var l ntXent
	got, g := l.loss(z, v.NTXent.Tau)
	if math.Abs(got-v.NTXent.Loss) > 1e-5 {
		t.Errorf("loss %.7g, PyTorch %.7g", got, v.NTXent.Loss)
	}
	for i, w := range v.NTXent.Grad {
		if math.Abs(float64(g.Data[i])-w) > 1e-5 {
			t.Errorf("grad[%d] = %.7g, PyTorch %.7g", i, g.Data[i], w)
		}
	}
}

func TestAugmentRangeAndDeterminism(t *testing.T) {
	imgs := make([]byte, 3*784)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range imgs {
		imgs[i] = byte(r.UintN(256))
	}
	a1, a2 := newBenchAugment(5), newBenchAugment(5)
	v1, v2 := make([]float32, 6*784), make([]float32, 6*784)
	a1.views(v1, imgs, []int{0, 2, 1})
	a2.views(v2, imgs, []int{0, 2, 1})
	for i := range v1 {
		if v1[i] != v2[i] {
			t.Fatal("same seed gave different views")
		}
		if v1[i] < 0 || v1[i] > 1 {
			t.Fatalf("view value %v outside [0, 1]", v1[i])
		}
	}
	same := true
	for i := 0; i < 784; i++ {
		if v1[i] != v1[3*784+i] {
			same = false
		}
	}
	if same {
		t.Error("the two views of image 0 are identical")
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
