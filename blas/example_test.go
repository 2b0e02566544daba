package blas_test

import (
	"fmt"

	"github.com/gocontrast/contrast/blas"
)

// Cosine similarities of two L2-normalised embeddings against a bank of
// three, as a memory bank computes them: S = Z * Q^T.
func ExampleSgemm() {
	z := []float32{ // 2 x 2, one embedding per row
		1, 0,
		0.6, 0.8,
	}
	q := []float32{ // 3 x 2
		1, 0,
		0, 1,
		0.8, 0.6,
	}
	s := make([]float32, 2*3)
	blas.Sgemm(false, true, 2, 3, 2, 1, z, 2, q, 2, 0, s, 3)
	for i := 0; i < 2; i++ {
		fmt.Printf("%.2f\n", s[i*3:i*3+3])
	}
	// Output:
	// [1.00 0.00 0.80]
	// [0.60 0.80 0.96]
}

func ExampleSdot() {
	fmt.Println(blas.Sdot([]float32{1, 2, 3}, []float32{4, 5, 6}))
	// Output: 32
}
