package augment

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/gocontrast/contrast/recipes/nn"
)

// Views augments every image of batch ([B, C, H, W]) nviews times with t
// and returns the views as one [nviews*B, C, H', W'] tensor, view v of
// image i at row v*B + i. For two views that is the layout NT-Xent
// (SimCLR) and SupCon expect: rows i and B+i are the positive pair.
//
//	x := train.Batch(idx)                         // [256, 1, 28, 28]
//	v := augment.Views(x, augment.Reference().Apply, 2, seed)  // [512, 1, 28, 28]
//
// The work is spread over GOMAXPROCS goroutines. Each (view, image) pair
// draws from its own PCG stream seeded from (seed, v*B+i), so the result
// depends only on seed and the inputs, never on scheduling or the number
// of cores. t may be called concurrently and must not keep state between
// calls (a cell's function literal is fine).
//
// It panics (with an "augment:" message, on the calling goroutine) if
// batch is not 4-D, if t returns images of different sizes, or if t
// panics.
func Views(batch *nn.Tensor, t Transform, nviews int, seed uint64) *nn.Tensor {
	return ViewsInto(nil, batch, t, nviews, seed)
}

// ViewsInto is Views writing into dst, which must be shaped
// [nviews*B, C', H', W'] for the transform's output size; a nil dst is
// allocated. Reuse dst across training steps to avoid allocating. It
// returns dst.
func ViewsInto(dst *nn.Tensor, batch *nn.Tensor, t Transform, nviews int, seed uint64) *nn.Tensor {
	if len(batch.Shape) != 4 {
		panic(fmt.Sprintf("augment: Views wants an image batch [B, C, H, W], got shape %v", batch.Shape))
	}
	if nviews < 1 {
		panic(fmt.Sprintf("augment: Views: %d views", nviews))
	}
	b := batch.Shape[0]
	n := nviews * b
	if n == 0 {
		if dst != nil {
			return dst
		}
		return nn.New(0, batch.Shape[1], batch.Shape[2], batch.Shape[3])
	}
	job := func(row int, src *rand.PCG, rng *rand.Rand) Image {
		src.Seed(mix(seed), mix(seed^uint64(row)*0x9e3779b97f4a7c15+1))
		return t(FromTensor(batch, row%b), rng)
	}
	// Row 0 first, on this goroutine, to learn the output size.
	src := rand.NewPCG(0, 0)
	first := safeCall(job, 0, src, rand.New(src))
	if first.err != nil {
		panic(first.err)
	}
	c, h, w := first.img.C, first.img.H, first.img.W
	out := dst
	if out == nil {
		out = nn.New(n, c, h, w)
	} else if len(out.Shape) != 4 || out.Shape[0] != n || out.Shape[1] != c || out.Shape[2] != h || out.Shape[3] != w {
		panic(fmt.Sprintf("augment: ViewsInto: dst is %v, the views need [%d %d %d %d]", out.Shape, n, c, h, w))
	}
	copy(out.Row(0), first.img.Pix)

	var next atomic.Int64
	next.Store(1)
	const chunk = 8
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		failed  error
		failRow = n
	)
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := rand.NewPCG(0, 0)
			rng := rand.New(src)
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					return
				}
				for row := lo; row < min(lo+chunk, n); row++ {
					r := safeCall(job, row, src, rng)
					if r.err == nil && (r.img.C != c || r.img.H != h || r.img.W != w) {
						r.err = fmt.Errorf("augment: Views: the transform returned %v for image %d view %d but %v for image 0: a pipeline must return one size (end it with a crop or resize)",
							r.img, row%b, row/b, first.img)
					}
					if r.err != nil {
						mu.Lock()
						if row < failRow {
							failed, failRow = r.err, row
						}
						mu.Unlock()
						next.Store(int64(n)) // stop the others
						return
					}
					copy(out.Row(row), r.img.Pix)
				}
			}
		}()
	}
	wg.Wait()
	if failed != nil {
		panic(failed)
	}
	return out
}

type result struct {
	img Image
	err error
}

// safeCall runs one job, turning a panic into an error so that a bad
// transform (a cell's own function) cannot kill the process from a worker
// goroutine.
func safeCall(job func(int, *rand.PCG, *rand.Rand) Image, row int, src *rand.PCG, rng *rand.Rand) (r result) {
	defer func() {
		if p := recover(); p != nil {
			r.err = fmt.Errorf("augment: Views: the transform panicked on row %d: %v", row, p)
		}
	}()
	return result{img: job(row, src, rng)}
}

// mix is SplitMix64's finaliser: it spreads nearby seeds apart.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
