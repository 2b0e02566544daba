//go:build !amd64

package blas

// setImpl selects the portable kernels; there is no assembly on this
// architecture.
func setImpl(asm bool) { setGeneric() }
