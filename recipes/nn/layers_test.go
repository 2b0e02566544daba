package nn

import (
	"math/rand/v2"
	"testing"
)

func TestLayerGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	rr := func() *rand.Rand { return rand.New(rand.NewPCG(r.Uint64(), 3)) }
	bnEval := NewBatchNorm(5)
	for i := range 5 {
		bnEval.RunMean.Value.Data[i] = float32(0.1 * float64(i))
		bnEval.RunVar.Value.Data[i] = float32(0.5 + 0.2*float64(i))
		bnEval.Weight.Value.Data[i] = float32(1 + 0.1*float64(i))
		bnEval.Bias.Value.Data[i] = float32(-0.05 * float64(i))
	}
	drop := NewDropout(0.3, nil)
	cases := []struct {
		name string
		gc   gradCase
	}{
		{"Linear", gradCase{layer: NewLinear(7, 5, true, rr()), x: randTensor(r, 4, 7), train: true}},
		{"LinearNoBias", gradCase{layer: NewLinear(6, 3, false, rr()), x: randTensor(r, 5, 6), train: true}},
		{"Conv3x3", gradCase{layer: NewConv2d(3, 4, 3, 1, 1, true, rr()), x: randTensor(r, 2, 6, 5, 3), train: true}},
		{"Conv3x3Stride2", gradCase{layer: NewConv2d(2, 3, 3, 2, 1, false, rr()), x: randTensor(r, 3, 7, 6, 2), train: true}},
		{"Conv1x1Stride2", gradCase{layer: NewConv2d(4, 2, 1, 2, 0, true, rr()), x: randTensor(r, 2, 5, 5, 4), train: true}},
		{"ConvGrey3x3Stride2", gradCase{layer: NewConv2d(1, 3, 3, 2, 1, true, rr()), x: randTensor(r, 2, 7, 6, 1), train: true}},
		{"ConvGrey3x3Direct", gradCase{layer: NewConv2d(1, 32, 3, 1, 1, false, rr()), x: randTensor(r, 2, 5, 6, 1), train: true}},
		{"Conv5x5NoPad", gradCase{layer: NewConv2d(1, 2, 5, 1, 0, true, rr()), x: randTensor(r, 2, 7, 7, 1), train: true}},
		{"BatchNorm1d", gradCase{layer: NewBatchNorm1d(5), x: randTensor(r, 6, 5), train: true}},
		{"BatchNorm2d", gradCase{layer: NewBatchNorm2d(3), x: randTensor(r, 2, 3, 4, 3), train: true}},
		{"BatchNormReLU", gradCase{layer: NewBatchNormReLU(4), x: randTensor(r, 3, 2, 3, 4), train: true}},
		{"BatchNormNoShift", gradCase{layer: func() Layer { b := NewBatchNorm(3); b.NoShift = true; return b }(), x: randTensor(r, 5, 3), train: true}},
		{"BatchNormEval", gradCase{layer: bnEval, x: randTensor(r, 4, 5), train: false}},
		{"ReLU", gradCase{layer: NewReLU(), x: randTensor(r, 3, 8), train: true}},
		{"GELU", gradCase{layer: NewGELU(), x: randTensor(r, 3, 8), train: true}},
		{"MaxPool2d", gradCase{layer: NewMaxPool2d(2, 2, 0), x: randTensor(r, 2, 4, 6, 3), train: true}},
		{"MaxPool3x3Pad", gradCase{layer: NewMaxPool2d(3, 2, 1), x: randTensor(r, 2, 5, 5, 2), train: true}},
		{"AvgPool2d", gradCase{layer: NewAvgPool2d(2, 2, 0), x: randTensor(r, 2, 4, 4, 3), train: true}},
		{"AvgPool3x3Pad", gradCase{layer: NewAvgPool2d(3, 1, 1), x: randTensor(r, 1, 4, 5, 2), train: true}},
		{"GlobalAvgPool", gradCase{layer: NewGlobalAvgPool(), x: randTensor(r, 3, 3, 4, 5), train: true}},
		{"Dropout", gradCase{layer: drop, x: randTensor(r, 4, 6), train: true,
			reset: func() { drop.Rand = rand.New(rand.NewPCG(5, 5)) }}},
		{"L2Normalize", gradCase{layer: NewL2Normalize(), x: randTensor(r, 4, 6), train: true}},
		{"Flatten", gradCase{layer: NewFlatten(), x: randTensor(r, 2, 3, 2, 2), train: true}},
		{"NCHWToNHWC", gradCase{layer: NewNCHWToNHWC(), x: randTensor(r, 2, 3, 2, 4), train: true}},
		{"Sequential", gradCase{layer: NewSequential(NewConv2d(2, 4, 3, 2, 1, false, rr()), NewBatchNormReLU(4), NewGlobalAvgPool(), NewLinear(4, 3, true, rr())), x: randTensor(r, 3, 6, 6, 2), train: true}},
		{"ResidualIdentity", gradCase{layer: NewResidual(NewSequential(NewConv2d(3, 3, 3, 1, 1, false, rr()), NewBatchNormReLU(3), NewConv2d(3, 3, 3, 1, 1, false, rr()), NewBatchNorm(3)), nil), x: randTensor(r, 2, 4, 4, 3), train: true}},
		{"ResidualProjection", gradCase{layer: NewResidual(NewSequential(NewConv2d(2, 4, 3, 2, 1, false, rr()), NewBatchNormReLU(4), NewConv2d(4, 4, 3, 1, 1, false, rr()), NewBatchNorm(4)), NewSequential(NewConv2d(2, 4, 1, 2, 0, false, rr()), NewBatchNorm(4))), x: randTensor(r, 2, 5, 5, 2), train: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c.gc) })
	}
}
