#include "textflag.h"

// AVX2/FMA kernels for batch norm over NHWC rows: c (the channels) is a
// multiple of 8 and rows >= 1; the Go wrappers in kernels_amd64.go check.

// func bnApplyAVX2(y, x, scale, shift *float32, rows, c int, relu bool)
// y[r, :] = x[r, :]*scale + shift, then max(., 0) if relu.
TEXT ·bnApplyAVX2(SB), NOSPLIT, $0-49
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ scale+16(FP), R8
	MOVQ shift+24(FP), R9
	MOVQ rows+32(FP), CX
	MOVQ c+40(FP), DX
	MOVBLZX relu+48(FP), AX
	VXORPS Y15, Y15, Y15
	TESTQ AX, AX
	JNE  reluRow

plainRow:
	XORQ BX, BX
plainCh:
	VMOVUPS (SI)(BX*4), Y0
	VMOVUPS (R8)(BX*4), Y1
	VFMADD213PS (R9)(BX*4), Y1, Y0
	VMOVUPS Y0, (DI)(BX*4)
	ADDQ $8, BX
	CMPQ BX, DX
	JLT  plainCh
	LEAQ (SI)(DX*4), SI
	LEAQ (DI)(DX*4), DI
	DECQ CX
	JNE  plainRow
	VZEROUPPER
	RET

reluRow:
	XORQ BX, BX
reluCh:
	VMOVUPS (SI)(BX*4), Y0
	VMOVUPS (R8)(BX*4), Y1
	VFMADD213PS (R9)(BX*4), Y1, Y0
	VMAXPS Y15, Y0, Y0
	VMOVUPS Y0, (DI)(BX*4)
	ADDQ $8, BX
	CMPQ BX, DX
	JLT  reluCh
	LEAQ (SI)(DX*4), SI
	LEAQ (DI)(DX*4), DI
	DECQ CX
	JNE  reluRow
	VZEROUPPER
	RET

// func bnSumsAVX2(s, q, x, shift *float32, rows, c int)
// s[:] += Σ_r (x[r, :] − shift), q[:] += Σ_r (x[r, :] − shift)².
TEXT ·bnSumsAVX2(SB), NOSPLIT, $0-48
	MOVQ s+0(FP), DI
	MOVQ q+8(FP), R10
	MOVQ x+16(FP), SI
	MOVQ shift+24(FP), R9
	MOVQ rows+32(FP), CX
	MOVQ c+40(FP), DX
	MOVQ DX, R11
	SHLQ $2, R11             // row stride in bytes
	XORQ BX, BX              // channel
sumGroup:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VMOVUPS (R9)(BX*4), Y4
	LEAQ (SI)(BX*4), R12     // &x[0, ch]
	MOVQ CX, R13
sumPair:
	CMPQ R13, $2
	JLT  sumTail
	VMOVUPS (R12), Y5
	VSUBPS Y4, Y5, Y5
	VADDPS Y5, Y0, Y0
	VFMADD231PS Y5, Y5, Y1
	VMOVUPS (R12)(R11*1), Y6
	VSUBPS Y4, Y6, Y6
	VADDPS Y6, Y2, Y2
	VFMADD231PS Y6, Y6, Y3
	LEAQ (R12)(R11*2), R12
	SUBQ $2, R13
	JMP  sumPair
sumTail:
	TESTQ R13, R13
	JEQ  sumStore
	VMOVUPS (R12), Y5
	VSUBPS Y4, Y5, Y5
	VADDPS Y5, Y0, Y0
	VFMADD231PS Y5, Y5, Y1
sumStore:
	VADDPS Y2, Y0, Y0
	VADDPS Y3, Y1, Y1
	VADDPS (DI)(BX*4), Y0, Y0
	VMOVUPS Y0, (DI)(BX*4)
	VADDPS (R10)(BX*4), Y1, Y1
	VMOVUPS Y1, (R10)(BX*4)
	ADDQ $8, BX
	CMPQ BX, DX
	JLT  sumGroup
	VZEROUPPER
	RET

// func bnGradSumsAVX2(s, q, dy, x, scale, shift, mean *float32, rows, c int, relu bool)
// with g = dy, masked if relu to where the forward output was positive
// (x·scale + shift > 0, recomputed exactly as bnApplyAVX2 computes it, so
// y need not be read): s[:] += Σ g, q[:] += Σ g·(x − mean).
// One streaming pass, rows outer; the per-channel sums stay in L1.
TEXT ·bnGradSumsAVX2(SB), NOSPLIT, $0-73
	MOVQ s+0(FP), DI
	MOVQ q+8(FP), R10
	MOVQ dy+16(FP), SI
	MOVQ x+24(FP), R8
	MOVQ scale+32(FP), R14
	MOVQ shift+40(FP), R11
	MOVQ mean+48(FP), R9
	MOVQ rows+56(FP), CX
	MOVQ c+64(FP), DX
	MOVBLZX relu+72(FP), AX
	VXORPS Y15, Y15, Y15
gsRow:
	XORQ BX, BX
gsCh:
	VMOVUPS (SI)(BX*4), Y5   // g
	VMOVUPS (R8)(BX*4), Y6   // x
	TESTQ AX, AX
	JEQ  gsNoMask
	VMOVUPS (R14)(BX*4), Y9
	VFMADD213PS (R11)(BX*4), Y6, Y9 // x·scale + shift
	VCMPPS $1, Y9, Y15, Y8          // 0 < it
	VANDPS Y8, Y5, Y5
gsNoMask:
	VADDPS (DI)(BX*4), Y5, Y0
	VMOVUPS Y0, (DI)(BX*4)
	VSUBPS (R9)(BX*4), Y6, Y6
	VFMADD213PS (R10)(BX*4), Y5, Y6 // g·(x − μ) + q
	VMOVUPS Y6, (R10)(BX*4)
	ADDQ $8, BX
	CMPQ BX, DX
	JLT  gsCh
	LEAQ (SI)(DX*4), SI
	LEAQ (R8)(DX*4), R8
	DECQ CX
	JNE  gsRow
	VZEROUPPER
	RET

// func bnGradApplyAVX2(dy, x, scale, shift, a, k, d *float32, rows, c int, relu bool)
// dy = a·g − k·x + d with g = dy masked as in bnGradSumsAVX2, in place.
TEXT ·bnGradApplyAVX2(SB), NOSPLIT, $0-73
	MOVQ dy+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ scale+16(FP), R14
	MOVQ shift+24(FP), R11
	MOVQ a+32(FP), R8
	MOVQ k+40(FP), R9
	MOVQ d+48(FP), R10
	MOVQ rows+56(FP), CX
	MOVQ c+64(FP), DX
	MOVBLZX relu+72(FP), AX
	VXORPS Y15, Y15, Y15
gaRow:
	XORQ BX, BX
gaCh:
	VMOVUPS (DI)(BX*4), Y5
	VMOVUPS (SI)(BX*4), Y6
	TESTQ AX, AX
	JEQ  gaNoMask
	VMOVUPS (R14)(BX*4), Y9
	VFMADD213PS (R11)(BX*4), Y6, Y9
	VCMPPS $1, Y9, Y15, Y8
	VANDPS Y8, Y5, Y5
gaNoMask:
	VMULPS (R8)(BX*4), Y5, Y5
	VMOVUPS (R9)(BX*4), Y7
	VFNMADD231PS Y7, Y6, Y5
	VADDPS (R10)(BX*4), Y5, Y5
	VMOVUPS Y5, (DI)(BX*4)
	ADDQ $8, BX
	CMPQ BX, DX
	JLT  gaCh
	LEAQ (DI)(DX*4), DI
	LEAQ (SI)(DX*4), SI
	DECQ CX
	JNE  gaRow
	VZEROUPPER
	RET
