package cluster

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/recipes/nn"
)

// cosineTol is the largest difference allowed between our float32 cosine
// distances and scikit-learn's float64 ones rounded to float32.
const cosineTol = 2e-6

func TestCosineDistancesMatchScikitLearn(t *testing.T) {
	v := load(t).Cosine
	x := v.Features.tensor()
	orig := x.Clone()
	got, err := CosineDistances(x)
	if err != nil {
		t.Fatal(err)
	}
	want := v.Dist.tensor()
	if len(got.Shape) != 2 || got.Shape[0] != want.Shape[0] || got.Shape[1] != want.Shape[1] {
		t.Fatalf("shape %v, want %v", got.Shape, want.Shape)
	}
	for i, w := range want.Data {
		if d := math.Abs(float64(got.Data[i] - w)); d > cosineTol {
			t.Fatalf("d(%d, %d) = %v, want %v (scikit-learn)", i/want.Shape[1], i%want.Shape[1], got.Data[i], w)
		}
	}
	for i := range x.Data {
		if x.Data[i] != orig.Data[i] {
			t.Fatal("CosineDistances modified its input")
		}
	}
	labels, err := DBSCAN(got, v.Eps, v.MinSamples)
	if err != nil {
		t.Fatal(err)
	}
	sameLabels(t, "DBSCAN on cosine distances", labels, v.Labels)
}

func TestCosineDistancesErrors(t *testing.T) {
	nan := nn.New(3, 2)
	nan.Data[3] = float32(math.NaN())
	for _, tc := range []struct {
		name string
		x    *nn.Tensor
		want string
	}{
		{"nil", nil, "[N, D]"},
		{"1-D", nn.New(4), "[N, D]"},
		{"NaN", nan, "(1, 1) is NaN"},
		{"too large", &nn.Tensor{Shape: []int{maxDense + 1, 1}}, "cluster a subset"},
	} {
		_, err := CosineDistances(tc.x)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
	// Features given where distances belong: the error says what to pass.
	if _, err := DBSCAN(nn.New(10, 4), 0.5, 3); err == nil || !strings.Contains(err.Error(), "CosineDistances(features)") {
		t.Errorf("DBSCAN of features [10 4]: error %v, want one pointing to CosineDistances", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	defer display.Bind(ctx, nil)()
	if _, err := CosineDistances(nn.New(10, 3)); err == nil {
		t.Error("an interrupted CosineDistances returned no error")
	}
}
