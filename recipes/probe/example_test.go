package probe_test

import (
	"fmt"

	"github.com/gocontrast/contrast/recipes/probe"
)

// Cluster ids are arbitrary: a relabelled partition scores 1, a partition
// that splits one class scores less (values as scikit-learn gives them).
func ExampleNMI() {
	truth := []int{0, 0, 0, 1, 1, 1}
	same, _ := probe.NMI(truth, []int{5, 5, 5, 2, 2, 2})
	split, _ := probe.NMI(truth, []int{0, 0, 1, 2, 2, 2})
	ari, _ := probe.ARI(truth, []int{0, 0, 1, 2, 2, 2})
	fmt.Printf("NMI %.4f %.4f, ARI %.4f\n", same, split, ari)
	// Output:
	// NMI 1.0000 0.8133, ARI 0.7059
}

func ExampleConfusionMatrix() {
	m, _ := probe.ConfusionMatrix([]int{0, 0, 1, 1, 2}, []int{0, 1, 1, 1, 2}, 3)
	fmt.Println(m)
	// Output:
	//   0 1 2
	// 0 1 1 0
	// 1 0 2 0
	// 2 0 0 1
	// accuracy 0.8000
}
