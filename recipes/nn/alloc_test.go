package nn

import (
	"runtime"
	"testing"
)

// TestStepReusesBuffers pins the workspace design: after the first step,
// a forward and backward pass of ConvNet-S allocates no tensor memory
// (only goroutine bookkeeping), and a smaller batch reuses the buffers.
func TestStepReusesBuffers(t *testing.T) {
	if raceOn {
		t.Skip("the race detector drops sync.Pool items (blas's packing buffers)")
	}
	enc, head := referenceModel()
	r := randFor(2)
	x := randTensor(r, 32, 1, 28, 28)
	dz := randTensor(r, 32, 128)
	small := FromSlice(x.Data[:16*784], 16, 1, 28, 28)
	smallDz := FromSlice(dz.Data[:16*128], 16, 128)
	step := func(x, dz *Tensor) {
		head.Forward(enc.Forward(x, true), true)
		enc.Backward(head.Backward(dz))
	}
	step(x, dz)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 3 {
		step(x, dz)
		step(small, smallDz)
	}
	runtime.ReadMemStats(&after)
	perStep := (after.TotalAlloc - before.TotalAlloc) / 6
	// One activation of the first layer alone is 32·28·28·32·4 = 3.2 MB.
	if perStep > 64<<10 {
		t.Errorf("%d bytes allocated per step after the first: buffers are not reused", perStep)
	}
}
