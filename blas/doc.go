// Package blas holds contrast's float32 dense kernels: matrix multiply
// (Sgemm) and the few BLAS-like routines the training engine, the memory
// banks and t-SNE need.
//
// Matrices are row-major []float32 with an explicit leading dimension (the
// stride between rows), as in CBLAS with CblasRowMajor. Functions never
// allocate what the caller passes in and never keep references to it.
// Shape mismatches (a slice too short for the sizes given) are programmer
// errors and panic with a message prefixed "blas:".
package blas
