// AVX2+FMA kernels for amd64. Selected at run time by kernel_amd64.go when
// the CPU has AVX2 and FMA (golang.org/x/sys/cpu); never called otherwise.

#include "textflag.h"

// One k step of the 6x16 micro-kernel: two vectors of the packed B row,
// six broadcasts of op(A)[i][p] (rows at AX, AX+R8, AX+2*R8, R9, R9+R8,
// R9+2*R8), twelve fused multiply-adds into Y0..Y11.
#define STEP6x16 \
	VMOVUPS      (BX), Y12; \
	VMOVUPS      32(BX), Y13; \
	VBROADCASTSS (AX), Y14; \
	VFMADD231PS  Y12, Y14, Y0; \
	VFMADD231PS  Y13, Y14, Y1; \
	VBROADCASTSS (AX)(R8*1), Y15; \
	VFMADD231PS  Y12, Y15, Y2; \
	VFMADD231PS  Y13, Y15, Y3; \
	VBROADCASTSS (AX)(R8*2), Y14; \
	VFMADD231PS  Y12, Y14, Y4; \
	VFMADD231PS  Y13, Y14, Y5; \
	VBROADCASTSS (R9), Y15; \
	VFMADD231PS  Y12, Y15, Y6; \
	VFMADD231PS  Y13, Y15, Y7; \
	VBROADCASTSS (R9)(R8*1), Y14; \
	VFMADD231PS  Y12, Y14, Y8; \
	VFMADD231PS  Y13, Y14, Y9; \
	VBROADCASTSS (R9)(R8*2), Y15; \
	VFMADD231PS  Y12, Y15, Y10; \
	VFMADD231PS  Y13, Y15, Y11; \
	ADDQ         $64, BX; \
	ADDQ         R10, AX; \
	ADDQ         R10, R9

// Store one row of C (two vectors) as alpha*acc and move DX to the next row.
#define STORE0(lo, hi) \
	VMULPS  Y14, lo, lo; \
	VMULPS  Y14, hi, hi; \
	VMOVUPS lo, (DX);    \
	VMOVUPS hi, 32(DX);  \
	ADDQ    R12, DX

// func kernel6x16AVX2(k int, a *float32, rsa, ksa uintptr, b *float32, c *float32, ldc uintptr, alpha, beta float32)
//
// C[i][j] = alpha*sum_p A(i,p)*B[p][j] + beta*C[i][j] for i<6, j<16, where
// A(i,p) is at a + i*rsa + p*ksa (byte strides), B is packed with 16
// floats per p, and C rows are ldc bytes apart. With beta == 0, C is
// not read.
TEXT ·kernel6x16AVX2(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ rsa+16(FP), R8
	MOVQ ksa+24(FP), R10
	MOVQ b+32(FP), BX
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R12

	// R9 = a + 3*rsa; R13 = c + 3*ldc
	LEAQ (R8)(R8*2), R9
	ADDQ AX, R9
	LEAQ (R12)(R12*2), R13
	ADDQ DX, R13

	PREFETCHT0 (DX)
	PREFETCHT0 (DX)(R12*1)
	PREFETCHT0 (DX)(R12*2)
	PREFETCHT0 (R13)
	PREFETCHT0 (R13)(R12*1)
	PREFETCHT0 (R13)(R12*2)

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

	MOVQ CX, SI
	SHRQ $2, SI
	JZ   tail

loop4:
	STEP6x16
	STEP6x16
	STEP6x16
	STEP6x16
	DECQ SI
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   store

loop1:
	STEP6x16
	DECQ CX
	JNZ  loop1

store:
	VBROADCASTSS alpha+56(FP), Y14
	MOVL         beta+60(FP), SI
	ANDL         $0x7fffffff, SI
	JNZ          storebeta

	STORE0(Y0, Y1)
	STORE0(Y2, Y3)
	STORE0(Y4, Y5)
	STORE0(Y6, Y7)
	STORE0(Y8, Y9)
	STORE0(Y10, Y11)
	VZEROUPPER
	RET

storebeta:
	VBROADCASTSS beta+60(FP), Y15
	VMULPS       Y14, Y0, Y0
	VMULPS       Y14, Y1, Y1
	VFMADD231PS  (DX), Y15, Y0
	VFMADD231PS  32(DX), Y15, Y1
	VMOVUPS      Y0, (DX)
	VMOVUPS      Y1, 32(DX)
	ADDQ         R12, DX
	VMULPS       Y14, Y2, Y2
	VMULPS       Y14, Y3, Y3
	VFMADD231PS  (DX), Y15, Y2
	VFMADD231PS  32(DX), Y15, Y3
	VMOVUPS      Y2, (DX)
	VMOVUPS      Y3, 32(DX)
	ADDQ         R12, DX
	VMULPS       Y14, Y4, Y4
	VMULPS       Y14, Y5, Y5
	VFMADD231PS  (DX), Y15, Y4
	VFMADD231PS  32(DX), Y15, Y5
	VMOVUPS      Y4, (DX)
	VMOVUPS      Y5, 32(DX)
	ADDQ         R12, DX
	VMULPS       Y14, Y6, Y6
	VMULPS       Y14, Y7, Y7
	VFMADD231PS  (DX), Y15, Y6
	VFMADD231PS  32(DX), Y15, Y7
	VMOVUPS      Y6, (DX)
	VMOVUPS      Y7, 32(DX)
	ADDQ         R12, DX
	VMULPS       Y14, Y8, Y8
	VMULPS       Y14, Y9, Y9
	VFMADD231PS  (DX), Y15, Y8
	VFMADD231PS  32(DX), Y15, Y9
	VMOVUPS      Y8, (DX)
	VMOVUPS      Y9, 32(DX)
	ADDQ         R12, DX
	VMULPS       Y14, Y10, Y10
	VMULPS       Y14, Y11, Y11
	VFMADD231PS  (DX), Y15, Y10
	VFMADD231PS  32(DX), Y15, Y11
	VMOVUPS      Y10, (DX)
	VMOVUPS      Y11, 32(DX)
	VZEROUPPER
	RET

// func sdotAVX2(n int, x, y *float32) float32
TEXT ·sdotAVX2(SB), NOSPLIT, $0-28
	MOVQ   n+0(FP), CX
	MOVQ   x+8(FP), SI
	MOVQ   y+16(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ   CX, DX
	SHRQ   $5, DX
	JZ     dot8

dot32:
	VMOVUPS     (SI), Y4
	VMOVUPS     32(SI), Y5
	VMOVUPS     64(SI), Y6
	VMOVUPS     96(SI), Y7
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS 64(DI), Y6, Y2
	VFMADD231PS 96(DI), Y7, Y3
	ADDQ        $128, SI
	ADDQ        $128, DI
	DECQ        DX
	JNZ         dot32

dot8:
	MOVQ CX, DX
	ANDQ $31, DX
	SHRQ $3, DX
	JZ   dotsum

dot8loop:
	VMOVUPS     (SI), Y4
	VFMADD231PS (DI), Y4, Y0
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        DX
	JNZ         dot8loop

dotsum:
	VADDPS       Y1, Y0, Y0
	VADDPS       Y3, Y2, Y2
	VADDPS       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	ANDQ         $7, CX
	JZ           dotdone

dot1:
	VMOVSS      (SI), X4
	VFMADD231SS (DI), X4, X0
	ADDQ        $4, SI
	ADDQ        $4, DI
	DECQ        CX
	JNZ         dot1

dotdone:
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func saxpyAVX2(n int, alpha float32, x, y *float32)
TEXT ·saxpyAVX2(SB), NOSPLIT, $0-32
	MOVQ         n+0(FP), CX
	VBROADCASTSS alpha+8(FP), Y15
	MOVQ         x+16(FP), SI
	MOVQ         y+24(FP), DI
	MOVQ         CX, DX
	SHRQ         $5, DX
	JZ           axpy8

axpy32:
	VMOVUPS     (DI), Y0
	VMOVUPS     32(DI), Y1
	VMOVUPS     64(DI), Y2
	VMOVUPS     96(DI), Y3
	VFMADD231PS (SI), Y15, Y0
	VFMADD231PS 32(SI), Y15, Y1
	VFMADD231PS 64(SI), Y15, Y2
	VFMADD231PS 96(SI), Y15, Y3
	VMOVUPS     Y0, (DI)
	VMOVUPS     Y1, 32(DI)
	VMOVUPS     Y2, 64(DI)
	VMOVUPS     Y3, 96(DI)
	ADDQ        $128, SI
	ADDQ        $128, DI
	DECQ        DX
	JNZ         axpy32

axpy8:
	MOVQ CX, DX
	ANDQ $31, DX
	SHRQ $3, DX
	JZ   axpytail

axpy8loop:
	VMOVUPS     (DI), Y0
	VFMADD231PS (SI), Y15, Y0
	VMOVUPS     Y0, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        DX
	JNZ         axpy8loop

axpytail:
	ANDQ $7, CX
	JZ   axpydone

axpy1:
	VMOVSS      (DI), X0
	VFMADD231SS (SI), X15, X0
	VMOVSS      X0, (DI)
	ADDQ        $4, SI
	ADDQ        $4, DI
	DECQ        CX
	JNZ         axpy1

axpydone:
	VZEROUPPER
	RET

// func sscalAVX2(n int, alpha float32, x *float32)
TEXT ·sscalAVX2(SB), NOSPLIT, $0-24
	MOVQ         n+0(FP), CX
	VBROADCASTSS alpha+8(FP), Y15
	MOVQ         x+16(FP), DI
	MOVQ         CX, DX
	SHRQ         $5, DX
	JZ           scal8

scal32:
	VMULPS  (DI), Y15, Y0
	VMULPS  32(DI), Y15, Y1
	VMULPS  64(DI), Y15, Y2
	VMULPS  96(DI), Y15, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, DI
	DECQ    DX
	JNZ     scal32

scal8:
	MOVQ CX, DX
	ANDQ $31, DX
	SHRQ $3, DX
	JZ   scaltail

scal8loop:
	VMULPS  (DI), Y15, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	DECQ    DX
	JNZ     scal8loop

scaltail:
	ANDQ $7, CX
	JZ   scaldone

scal1:
	VMULSS (DI), X15, X0
	VMOVSS X0, (DI)
	ADDQ   $4, DI
	DECQ   CX
	JNZ    scal1

scaldone:
	VZEROUPPER
	RET
