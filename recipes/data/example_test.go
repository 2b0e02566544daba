package data_test

import (
	"fmt"

	"github.com/gocontrast/contrast/recipes/data"
)

func Example() {
	train, test := data.EmbeddedFashionMNIST()
	fmt.Println(train)
	fmt.Println(test.Counts())
	batches := train.Batches(256, true, 1)
	x := train.Batch(batches[0])
	fmt.Println(len(batches), x.Shape, len(batches[len(batches)-1]))
	a, b := train.Split(0.9, 1)
	fmt.Println(a.Len(), b.Len(), a.Counts()[0])
	pk, _ := train.BalancedSampler(8, 4, 1)
	fmt.Println(len(pk[0]))
	// Output:
	// fashion-mnist-subset/train: 6000 x [1 28 28], 10 classes
	// [100 100 100 100 100 100 100 100 100 100]
	// 24 [256 1 28 28] 112
	// 5400 600 540
	// 32
}
