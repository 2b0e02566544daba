// AVX2+FMA vector kernels for amd64 (Sdot, Saxpy, Sscal); see level1.go.

#include "textflag.h"

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

// func sdot4AVX2(n int, a *float32, lda uintptr, x *float32, out *float32)
//
// out[r] = sum_{j<n} a[r*lda/4+j]*x[j] for the four rows r < 4.
TEXT ·sdot4AVX2(SB), NOSPLIT, $0-40
	MOVQ   n+0(FP), CX
	MOVQ   a+8(FP), SI
	MOVQ   lda+16(FP), R8
	MOVQ   x+24(FP), DI
	MOVQ   out+32(FP), R10
	LEAQ   (SI)(R8*2), R9 // row 2
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ   CX, DX
	SHRQ   $4, DX
	JZ     d4eight

d4loop16:
	// Prefetch the same columns of the next four rows: with short rows
	// the hardware sees only short streams.
	PREFETCHT0  (SI)(R8*4)
	PREFETCHT0  (R9)(R8*2)
	PREFETCHT0  (R9)(R8*4)
	LEAQ        (R9)(R8*4), R11
	PREFETCHT0  (R11)(R8*1)
	VMOVUPS     (DI), Y8
	VMOVUPS     32(DI), Y9
	VFMADD231PS (SI), Y8, Y0
	VFMADD231PS 32(SI), Y9, Y4
	VFMADD231PS (SI)(R8*1), Y8, Y1
	VFMADD231PS 32(SI)(R8*1), Y9, Y5
	VFMADD231PS (R9), Y8, Y2
	VFMADD231PS 32(R9), Y9, Y6
	VFMADD231PS (R9)(R8*1), Y8, Y3
	VFMADD231PS 32(R9)(R8*1), Y9, Y7
	ADDQ        $64, SI
	ADDQ        $64, R9
	ADDQ        $64, DI
	DECQ        DX
	JNZ         d4loop16

d4eight:
	TESTQ $8, CX
	JZ    d4sum
	VMOVUPS     (DI), Y8
	VFMADD231PS (SI), Y8, Y0
	VFMADD231PS (SI)(R8*1), Y8, Y1
	VFMADD231PS (R9), Y8, Y2
	VFMADD231PS (R9)(R8*1), Y8, Y3
	ADDQ        $32, SI
	ADDQ        $32, R9
	ADDQ        $32, DI

d4sum:
	VADDPS       Y4, Y0, Y0
	VADDPS       Y5, Y1, Y1
	VADDPS       Y6, Y2, Y2
	VADDPS       Y7, Y3, Y3
	VHADDPS      Y1, Y0, Y0
	VHADDPS      Y3, Y2, Y2
	VHADDPS      Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0 // X0 = the four sums so far
	ANDQ         $7, CX
	JZ           d4done
	VXORPS       X1, X1, X1
	VXORPS       X2, X2, X2
	VXORPS       X3, X3, X3
	VXORPS       X4, X4, X4

d4tail:
	VMOVSS      (DI), X8
	VFMADD231SS (SI), X8, X1
	VFMADD231SS (SI)(R8*1), X8, X2
	VFMADD231SS (R9), X8, X3
	VFMADD231SS (R9)(R8*1), X8, X4
	ADDQ        $4, SI
	ADDQ        $4, R9
	ADDQ        $4, DI
	DECQ        CX
	JNZ         d4tail
	VINSERTPS   $0x10, X2, X1, X1 // X1 = t1 t2 . .
	VINSERTPS   $0x20, X3, X1, X1 // t1 t2 t3 .
	VINSERTPS   $0x30, X4, X1, X1 // t1 t2 t3 t4
	VADDPS      X1, X0, X0

d4done:
	VMOVUPS X0, (R10)
	VZEROUPPER
	RET

// func saxpy4AVX2(n int, alpha *float32, a *float32, lda uintptr, y *float32)
//
// y[j] += sum_{r<4} alpha[r]*a[r*lda/4+j] for j < n.
TEXT ·saxpy4AVX2(SB), NOSPLIT, $0-40
	MOVQ         n+0(FP), CX
	MOVQ         alpha+8(FP), AX
	MOVQ         a+16(FP), SI
	MOVQ         lda+24(FP), R8
	MOVQ         y+32(FP), DI
	LEAQ         (SI)(R8*2), R9
	VBROADCASTSS (AX), Y12
	VBROADCASTSS 4(AX), Y13
	VBROADCASTSS 8(AX), Y14
	VBROADCASTSS 12(AX), Y15
	MOVQ         CX, DX
	SHRQ         $3, DX
	JZ           a4tail

a4loop8:
	PREFETCHT0  (SI)(R8*4)
	PREFETCHT0  (R9)(R8*2)
	PREFETCHT0  (R9)(R8*4)
	LEAQ        (R9)(R8*4), R11
	PREFETCHT0  (R11)(R8*1)
	VMOVUPS     (DI), Y0
	VFMADD231PS (SI), Y12, Y0
	VMULPS      (SI)(R8*1), Y13, Y1
	VFMADD231PS (R9), Y14, Y0
	VFMADD231PS (R9)(R8*1), Y15, Y1
	VADDPS      Y1, Y0, Y0
	VMOVUPS     Y0, (DI)
	ADDQ        $32, SI
	ADDQ        $32, R9
	ADDQ        $32, DI
	DECQ        DX
	JNZ         a4loop8

a4tail:
	ANDQ $7, CX
	JZ   a4done

a4loop1:
	VMOVSS      (DI), X0
	VFMADD231SS (SI), X12, X0
	VMULSS      (SI)(R8*1), X13, X1
	VFMADD231SS (R9), X14, X0
	VFMADD231SS (R9)(R8*1), X15, X1
	VADDSS      X1, X0, X0
	VMOVSS      X0, (DI)
	ADDQ        $4, SI
	ADDQ        $4, R9
	ADDQ        $4, DI
	DECQ        CX
	JNZ         a4loop1

a4done:
	VZEROUPPER
	RET
