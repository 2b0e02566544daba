//go:build race

package nn

// raceOn: the race detector makes sync.Pool drop items (blas keeps its
// packing buffers in one), so allocation counts mean nothing.
const raceOn = true
