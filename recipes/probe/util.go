package probe

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/recipes/nn"
)

// features checks that x is a non-empty [N, D] tensor, or [N, ...] read
// as N rows of D values (images [N, C, H, W] give the raw-pixel baseline),
// without NaN or Inf, and returns N and D.
func features(name string, x *nn.Tensor) (int, int, error) {
	d := 0
	if x != nil && len(x.Shape) >= 2 {
		d = x.Cols()
	}
	if d == 0 || x.Shape[0] == 0 || len(x.Data) != x.Shape[0]*d {
		var s any = "nil"
		if x != nil {
			s = x.Shape
		}
		return 0, 0, fmt.Errorf("probe: %s must be features [N, D] (or [N, ...], read as N rows) with N, D > 0, got %v", name, s)
	}
	for i, v := range x.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return 0, 0, fmt.Errorf("probe: %s has %v at row %d, column %d", name, v, i/d, i%d)
		}
	}
	return x.Shape[0], d, nil
}

// checkLabels checks that labels has n entries, all >= 0, and returns
// the number of classes max+1.
func checkLabels(name string, labels []int, n int) (int, error) {
	if len(labels) != n {
		return 0, fmt.Errorf("probe: %d %s for %d rows: give one label per row", len(labels), name, n)
	}
	c := 0
	for i, v := range labels {
		if v < 0 {
			return 0, fmt.Errorf("probe: %s[%d] = %d: classes must be 0, 1, ...", name, i, v)
		}
		c = max(c, v+1)
	}
	return c, nil
}

// unit returns a copy of x with L2-normalised rows.
func unit(x *nn.Tensor) []float32 {
	n, d := x.Rows(), x.Cols()
	out := make([]float32, n*d)
	for i := 0; i < n; i++ {
		r := x.Data[i*d : (i+1)*d]
		var ss float64
		for _, v := range r {
			ss += float64(v) * float64(v)
		}
		inv := 1 / math.Max(math.Sqrt(ss), 1e-12)
		for j, v := range r {
			out[i*d+j] = float32(float64(v) * inv)
		}
	}
	return out
}

// parallel runs f(i) for i in [0, n) on all CPUs.
func parallel(n int, f func(i int)) {
	p := min(runtime.GOMAXPROCS(0), n)
	if p <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < p; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += p {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// progressMin is the least amount of work (rows times rows) for which a
// progress bar is shown.
const progressMin = 1 << 26

type progress interface {
	Add(int)
	Done()
}

type noProgress struct{}

func (noProgress) Add(int) {}
func (noProgress) Done()   {}

func newProgress(work, total int, label string) progress {
	if work < progressMin {
		return noProgress{}
	}
	return display.NewProgress(total, label)
}

// chunkRows is how many query rows a similarity chunk against n rows
// holds so that the chunk stays near 32 MB.
func chunkRows(n int) int { return max(1, (1<<23)/max(n, 1)) }
