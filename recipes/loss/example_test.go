package loss_test

import (
	"fmt"

	"github.com/gocontrast/contrast/recipes/loss"
	"github.com/gocontrast/contrast/recipes/nn"
)

// Two images, two views each: rows 0 and 2 are image 0, rows 1 and 3 are
// image 1. Matching views give a low loss, swapped ones a high loss (the
// printed values agree with the PyTorch reference in testdata).
func ExampleNTXent() {
	z := nn.FromSlice([]float32{
		1, 0, // image 0, view 1
		0, 1, // image 1, view 1
		1, 0.1, // image 0, view 2
		0.1, 1, // image 1, view 2
	}, 4, 2)
	l, dz := loss.NTXent(z, loss.SimCLRTemperature)
	fmt.Printf("loss %.4f, gradient %v\n", l, dz.Shape)

	swapped := nn.FromSlice([]float32{1, 0, 0, 1, 0.1, 1, 1, 0.1}, 4, 2)
	l, _ = loss.NTXent(swapped, loss.SimCLRTemperature)
	fmt.Printf("swapped views: loss %.4f\n", l)
	// Output:
	// loss 0.5798, gradient [4 2]
	// swapped views: loss 4.1619
}

// The supervised contrastive loss with the paper's setting, one label per
// image (repeated over the two views).
func ExampleSupCon() {
	z := nn.FromSlice([]float32{1, 0, 0.9, 0.1, 0, 1, 1, 0.1, 0.8, 0, 0.1, 1}, 6, 2)
	l, _ := loss.SupCon(z, []int{0, 0, 1}, loss.DefaultSupCon())
	fmt.Printf("%.4f\n", l)
	// Output:
	// 1.0471
}
