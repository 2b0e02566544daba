package blas

import (
	"runtime"
	"sync/atomic"
)

var maxThreads atomic.Int32 // 0: GOMAXPROCS

// SetThreads caps the number of goroutines one Sgemm call may use and
// returns the previous cap. n <= 0 restores the default, GOMAXPROCS.
// A caller that already runs several products in parallel (one per batch
// element, say) sets 1 so that the kernels do not oversubscribe the cores.
// The setting is global to the process and safe to change concurrently.
func SetThreads(n int) int {
	prev := int(maxThreads.Swap(int32(max(n, 0))))
	if prev == 0 {
		prev = runtime.GOMAXPROCS(0)
	}
	return prev
}

// Threads reports how many goroutines one Sgemm call may use: the cap set
// by SetThreads, or GOMAXPROCS.
func Threads() int {
	n := int(maxThreads.Load())
	if p := runtime.GOMAXPROCS(0); n == 0 || n > p {
		n = p
	}
	return n
}
