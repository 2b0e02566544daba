package augment_test

import (
	"fmt"

	"github.com/gocontrast/contrast/recipes/augment"
	"github.com/gocontrast/contrast/recipes/nn"
)

func ExampleViews() {
	x := nn.New(3, 1, 28, 28) // a batch of 3 images
	v := augment.Views(x, augment.Reference().Apply, 2, 1)
	fmt.Println(v.Shape) // view 0 of image i at row i, view 1 at row 3+i
	// Output: [6 1 28 28]
}

func ExampleSimCLR() {
	aug := augment.SimCLR(28, 0.5)
	aug.Crop.Scale = [2]float64{0.3, 1}
	fmt.Println(aug)
	// Output:
	// Pipeline:
	//   RandomResizedCrop(28x28, scale=0.3-1, ratio=0.75-1.33)
	//   HorizontalFlip(p=0.5)
	//   ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1, p=0.8)
	//   RandomGrayscale(p=0.2)
}

func ExampleFunc() {
	invert := augment.Func(func(img augment.Image) augment.Image {
		out := img.Clone()
		for i, v := range out.Pix {
			out.Pix[i] = 1 - v
		}
		return out
	})
	p := augment.Reference()
	p.Custom = append(p.Custom, invert)
	v := augment.Views(nn.New(1, 1, 28, 28), p.Apply, 1, 1)
	fmt.Println(v.Data[0]) // a black image, inverted
	// Output: 1
}
