package nn_test

import (
	"fmt"

	"github.com/gocontrast/contrast/recipes/nn"
)

// Train an MLP to regress y = x₀ − x₁ with Adam and the shared loop.
func ExampleTrainer_Fit() {
	const n = 64
	x := nn.New(n, 2)
	for i := range n {
		x.Data[2*i], x.Data[2*i+1] = float32(i%8)/8, float32(i/8)/8
	}
	model := nn.MLP(nn.MLPConfig{Sizes: []int{2, 16, 1}, Seed: 1})
	tr := nn.NewTrainer(model, nn.NewAdam(model.Params(), nn.AdamOptions{LR: 1e-2}))
	in := nn.New(16, 2)
	grad := nn.New(16, 1)
	inputs := func(idx []int) *nn.Tensor {
		for k, i := range idx {
			copy(in.Row(k), x.Row(i))
		}
		return in
	}
	loss := func(out *nn.Tensor, idx []int) (float64, *nn.Tensor) {
		var l float64
		for k, i := range idx {
			d := float64(out.Data[k]) - float64(x.Data[2*i]-x.Data[2*i+1])
			l += d * d / float64(len(idx))
			grad.Data[k] = float32(2 * d / float64(len(idx)))
		}
		return l, grad
	}
	err := tr.Fit(inputs, loss, nn.FitOptions{N: n, BatchSize: 16, Epochs: 40, Seed: 1, Quiet: true})
	fmt.Println(err, len(tr.Epochs), tr.Epochs[39].Loss < tr.Epochs[0].Loss/10)
	// Output: <nil> 40 true
}
