package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// threads is the number of goroutines a layer uses: GOMAXPROCS.
func threads() int { return max(1, runtime.GOMAXPROCS(0)) }

// parallelFor runs fn(w, i) for i in [0, n) on up to threads() goroutines,
// handing out indices dynamically; w in [0, threads()) names the worker so
// fn can use per-worker scratch space. Results must not depend on which
// worker runs an index (write per-index partials and combine them in
// index order) so that runs are reproducible.
func parallelFor(n int, fn func(w, i int)) {
	p := min(threads(), n)
	if p <= 1 {
		for i := 0; i < n; i++ {
			fn(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Add(p)
	for w := 0; w < p; w++ {
		go func(w int) {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(w, i)
			}
		}(w)
	}
	wg.Wait()
}

// chunks splits n items into pieces of about size items (at least one),
// returning the number of pieces and the bounds of piece i.
func chunks(n, size int) (int, func(i int) (lo, hi int)) {
	size = max(1, size)
	k := (n + size - 1) / size
	return k, func(i int) (int, int) { return i * size, min(n, (i+1)*size) }
}
