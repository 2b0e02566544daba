package tsne

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// threadCount resolves Config.Threads: zero or negative means GOMAXPROCS.
func threadCount(t int) int {
	if t <= 0 {
		t = runtime.GOMAXPROCS(0)
	}
	return max(t, 1)
}

// parallelFor splits [0, n) into consecutive chunks of size chunk and calls
// f(c, lo, hi) for chunk c = lo/chunk on up to threads goroutines. Chunk
// boundaries do not depend on threads, so a reduction that stores one
// partial result per chunk and sums them in chunk order gives the same
// answer for any thread count.
func parallelFor(n, chunk, threads int, f func(c, lo, hi int)) {
	if n <= 0 {
		return
	}
	chunk = max(chunk, 1)
	nc := (n + chunk - 1) / chunk
	workers := min(threads, nc)
	if workers <= 1 {
		for c := 0; c < nc; c++ {
			f(c, c*chunk, min(n, (c+1)*chunk))
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= nc {
					return
				}
				f(c, c*chunk, min(n, (c+1)*chunk))
			}
		}()
	}
	wg.Wait()
}

// numChunks is the number of chunks parallelFor makes.
func numChunks(n, chunk int) int {
	chunk = max(chunk, 1)
	return (n + chunk - 1) / chunk
}

// sumOrdered adds xs in index order (a fixed order, hence deterministic).
func sumOrdered(xs []float64) float64 {
	var s float64
	for _, v := range xs {
		s += v
	}
	return s
}
