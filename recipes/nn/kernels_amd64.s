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

// func greyRowAVX2(out, in, wT *float32, n, inRow, step, co int)
// Direct 3x3 convolution of one input channel for n consecutive output
// pixels of a row, all taps inside the (padded) image:
// out[p, :] = Σ_t in[p·step + off_t]·wT[t, :], off_t = kh·inRow + kw;
// co is a multiple of 32. Two pixels at a time (eight accumulators) so
// that the multiply-add latency is hidden.
TEXT ·greyRowAVX2(SB), NOSPLIT, $0-56
	MOVQ out+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ wT+16(FP), R8
	MOVQ n+24(FP), CX
	MOVQ inRow+32(FP), R12
	SHLQ $2, R12             // input row stride, bytes
	LEAQ (R12)(R12*1), R13   // two rows
	MOVQ step+40(FP), R11
	SHLQ $2, R11             // input advance per pixel, bytes
	MOVQ co+48(FP), R9
	SHLQ $2, R9              // one tap's weights (one pixel's outputs), bytes
grPair:
	CMPQ CX, $2
	JLT  grTail
	LEAQ (SI)(R11*1), DX     // second pixel's input
	LEAQ (DI)(R9*1), AX      // second pixel's output
	XORQ BX, BX
grPairGroup:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	LEAQ (R8)(BX*1), R10
#define PTAP(a, b) \
	VMOVUPS (R10), Y8; \
	VMOVUPS 32(R10), Y9; \
	VMOVUPS 64(R10), Y10; \
	VMOVUPS 96(R10), Y11; \
	VBROADCASTSS a, Y12; \
	VFMADD231PS Y8, Y12, Y0; \
	VFMADD231PS Y9, Y12, Y1; \
	VFMADD231PS Y10, Y12, Y2; \
	VFMADD231PS Y11, Y12, Y3; \
	VBROADCASTSS b, Y12; \
	VFMADD231PS Y8, Y12, Y4; \
	VFMADD231PS Y9, Y12, Y5; \
	VFMADD231PS Y10, Y12, Y6; \
	VFMADD231PS Y11, Y12, Y7; \
	ADDQ R9, R10
	PTAP((SI), (DX))
	PTAP(4(SI), 4(DX))
	PTAP(8(SI), 8(DX))
	PTAP((SI)(R12*1), (DX)(R12*1))
	PTAP(4(SI)(R12*1), 4(DX)(R12*1))
	PTAP(8(SI)(R12*1), 8(DX)(R12*1))
	PTAP((SI)(R13*1), (DX)(R13*1))
	PTAP(4(SI)(R13*1), 4(DX)(R13*1))
	PTAP(8(SI)(R13*1), 8(DX)(R13*1))
	VMOVUPS Y0, (DI)(BX*1)
	VMOVUPS Y1, 32(DI)(BX*1)
	VMOVUPS Y2, 64(DI)(BX*1)
	VMOVUPS Y3, 96(DI)(BX*1)
	VMOVUPS Y4, (AX)(BX*1)
	VMOVUPS Y5, 32(AX)(BX*1)
	VMOVUPS Y6, 64(AX)(BX*1)
	VMOVUPS Y7, 96(AX)(BX*1)
	ADDQ $128, BX
	CMPQ BX, R9
	JLT  grPairGroup
	LEAQ (DI)(R9*2), DI
	LEAQ (SI)(R11*2), SI
	SUBQ $2, CX
	JMP  grPair
grTail:
	TESTQ CX, CX
	JEQ  grDone
	XORQ BX, BX
grGroup:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	LEAQ (R8)(BX*1), R10
#define GTAP(addr) \
	VBROADCASTSS addr, Y4; \
	VFMADD231PS (R10), Y4, Y0; \
	VFMADD231PS 32(R10), Y4, Y1; \
	VFMADD231PS 64(R10), Y4, Y2; \
	VFMADD231PS 96(R10), Y4, Y3; \
	ADDQ R9, R10
	GTAP((SI))
	GTAP(4(SI))
	GTAP(8(SI))
	GTAP((SI)(R12*1))
	GTAP(4(SI)(R12*1))
	GTAP(8(SI)(R12*1))
	GTAP((SI)(R13*1))
	GTAP(4(SI)(R13*1))
	GTAP(8(SI)(R13*1))
	VMOVUPS Y0, (DI)(BX*1)
	VMOVUPS Y1, 32(DI)(BX*1)
	VMOVUPS Y2, 64(DI)(BX*1)
	VMOVUPS Y3, 96(DI)(BX*1)
	ADDQ $128, BX
	CMPQ BX, R9
	JLT  grGroup
grDone:
	VZEROUPPER
	RET

// func greyGradRowAVX2(part, in, dy *float32, n, inRow, step, co int)
// Weight gradient of greyRowAVX2 for n pixels: part[t, :] += Σ_p
// in[p·step + off_t]·dy[p, :]. The three taps of a kernel row at a time
// (twelve accumulators).
TEXT ·greyGradRowAVX2(SB), NOSPLIT, $0-56
	MOVQ part+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ dy+16(FP), R8
	MOVQ n+24(FP), CX
	MOVQ inRow+32(FP), R12
	SHLQ $2, R12
	MOVQ step+40(FP), R11
	SHLQ $2, R11
	MOVQ co+48(FP), R9
	SHLQ $2, R9
	TESTQ CX, CX
	JEQ  ggDone
	XORQ BX, BX              // channel group offset, bytes
ggGroup:
	XORQ DX, DX              // kernel row kh
	MOVQ SI, R14             // &in[kh·inRow]
ggKRow:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	MOVQ R14, AX
	LEAQ (R8)(BX*1), R10
	MOVQ CX, R13
ggPix:
	VBROADCASTSS (AX), Y12
	VBROADCASTSS 4(AX), Y13
	VBROADCASTSS 8(AX), Y14
	VMOVUPS (R10), Y15
	VFMADD231PS Y15, Y12, Y0
	VFMADD231PS Y15, Y13, Y4
	VFMADD231PS Y15, Y14, Y8
	VMOVUPS 32(R10), Y15
	VFMADD231PS Y15, Y12, Y1
	VFMADD231PS Y15, Y13, Y5
	VFMADD231PS Y15, Y14, Y9
	VMOVUPS 64(R10), Y15
	VFMADD231PS Y15, Y12, Y2
	VFMADD231PS Y15, Y13, Y6
	VFMADD231PS Y15, Y14, Y10
	VMOVUPS 96(R10), Y15
	VFMADD231PS Y15, Y12, Y3
	VFMADD231PS Y15, Y13, Y7
	VFMADD231PS Y15, Y14, Y11
	ADDQ R11, AX
	ADDQ R9, R10
	DECQ R13
	JNE  ggPix
	// part[3kh + kw, group] += acc_kw
	LEAQ (DX)(DX*2), AX
	IMULQ R9, AX
	ADDQ DI, AX
	ADDQ BX, AX
	VADDPS (AX), Y0, Y0
	VMOVUPS Y0, (AX)
	VADDPS 32(AX), Y1, Y1
	VMOVUPS Y1, 32(AX)
	VADDPS 64(AX), Y2, Y2
	VMOVUPS Y2, 64(AX)
	VADDPS 96(AX), Y3, Y3
	VMOVUPS Y3, 96(AX)
	ADDQ R9, AX
	VADDPS (AX), Y4, Y4
	VMOVUPS Y4, (AX)
	VADDPS 32(AX), Y5, Y5
	VMOVUPS Y5, 32(AX)
	VADDPS 64(AX), Y6, Y6
	VMOVUPS Y6, 64(AX)
	VADDPS 96(AX), Y7, Y7
	VMOVUPS Y7, 96(AX)
	ADDQ R9, AX
	VADDPS (AX), Y8, Y8
	VMOVUPS Y8, (AX)
	VADDPS 32(AX), Y9, Y9
	VMOVUPS Y9, 32(AX)
	VADDPS 64(AX), Y10, Y10
	VMOVUPS Y10, 64(AX)
	VADDPS 96(AX), Y11, Y11
	VMOVUPS Y11, 96(AX)
	ADDQ R12, R14
	INCQ DX
	CMPQ DX, $3
	JLT  ggKRow
	ADDQ $128, BX
	CMPQ BX, R9
	JLT  ggGroup
ggDone:
	VZEROUPPER
	RET
