// AVX2 packing routines for amd64; see pack.go for the layouts.

#include "textflag.h"

// func packBNAVX2(kb, np int, src *float32, ldb uintptr, dst *float32, pstride uintptr)
//
// Packs np adjacent 16-column panels of op(B) = B for kb rows: row p of
// panel g (the 16 floats at src + p*ldb + g*64 bytes) goes to
// dst + g*pstride + p*64. Reading whole rows across the panels keeps the
// loads sequential in memory.
TEXT ·packBNAVX2(SB), NOSPLIT, $0-48
	MOVQ  kb+0(FP), CX
	MOVQ  np+8(FP), R10
	MOVQ  src+16(FP), SI
	MOVQ  ldb+24(FP), R8
	MOVQ  dst+32(FP), DI
	MOVQ  pstride+40(FP), R9
	TESTQ CX, CX
	JZ    bndone
	TESTQ R10, R10
	JZ    bndone

bnrow:
	MOVQ SI, R11
	MOVQ DI, R12
	MOVQ R10, DX

bnpanel:
	VMOVUPS (R11), Y0
	VMOVUPS 32(R11), Y1
	VMOVUPS Y0, (R12)
	VMOVUPS Y1, 32(R12)
	ADDQ    $64, R11
	ADDQ    R9, R12
	DECQ    DX
	JNZ     bnpanel
	ADDQ    R8, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     bnrow

bndone:
	VZEROUPPER
	RET

// func packATAVX2(kb int, src *float32, lda uintptr, dst *float32)
//
// Copies kb rows of 6 floats, lda bytes apart in src, to dst (24 bytes
// per row).
TEXT ·packATAVX2(SB), NOSPLIT, $0-32
	MOVQ kb+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ dst+24(FP), DI
	TESTQ CX, CX
	JZ    atdone

atloop:
	MOVUPS (SI), X0
	MOVQ   16(SI), AX
	MOVUPS X0, (DI)
	MOVQ   AX, 16(DI)
	ADDQ   R8, SI
	ADDQ   $24, DI
	DECQ   CX
	JNZ    atloop

atdone:
	RET

// TRANSPOSE8 transposes the 8x8 block in Y0..Y7 (row i in Yi) into
// Y8..Y15 (column q in Y(8+q)), using Y0..Y15.
#define TRANSPOSE8 \
	VUNPCKLPS  Y1, Y0, Y8;         \
	VUNPCKHPS  Y1, Y0, Y9;         \
	VUNPCKLPS  Y3, Y2, Y10;        \
	VUNPCKHPS  Y3, Y2, Y11;        \
	VUNPCKLPS  Y5, Y4, Y12;        \
	VUNPCKHPS  Y5, Y4, Y13;        \
	VUNPCKLPS  Y7, Y6, Y14;        \
	VUNPCKHPS  Y7, Y6, Y15;        \
	VSHUFPS    $0x44, Y10, Y8, Y0; \
	VSHUFPS    $0xEE, Y10, Y8, Y1; \
	VSHUFPS    $0x44, Y11, Y9, Y2; \
	VSHUFPS    $0xEE, Y11, Y9, Y3; \
	VSHUFPS    $0x44, Y14, Y12, Y4; \
	VSHUFPS    $0xEE, Y14, Y12, Y5; \
	VSHUFPS    $0x44, Y15, Y13, Y6; \
	VSHUFPS    $0xEE, Y15, Y13, Y7; \
	VPERM2F128 $0x20, Y4, Y0, Y8;  \
	VPERM2F128 $0x20, Y5, Y1, Y9;  \
	VPERM2F128 $0x20, Y6, Y2, Y10; \
	VPERM2F128 $0x20, Y7, Y3, Y11; \
	VPERM2F128 $0x31, Y4, Y0, Y12; \
	VPERM2F128 $0x31, Y5, Y1, Y13; \
	VPERM2F128 $0x31, Y6, Y2, Y14; \
	VPERM2F128 $0x31, Y7, Y3, Y15

// LOAD8 loads 8 floats from each of the 8 rows at base, base+L, ...,
// base+7L (L in R8, 3L in R11, base+3L in b3) into Y0..Y7.
#define LOAD8(base, b3) \
	VMOVUPS (base), Y0;        \
	VMOVUPS (base)(R8*1), Y1;  \
	VMOVUPS (base)(R8*2), Y2;  \
	VMOVUPS (base)(R11*1), Y3; \
	VMOVUPS (base)(R8*4), Y4;  \
	VMOVUPS (b3)(R8*2), Y5;    \
	VMOVUPS (b3)(R11*1), Y6;   \
	VMOVUPS (b3)(R8*4), Y7

#define STORE8(off) \
	VMOVUPS Y8, off(DI);      \
	VMOVUPS Y9, off+64(DI);   \
	VMOVUPS Y10, off+128(DI); \
	VMOVUPS Y11, off+192(DI); \
	VMOVUPS Y12, off+256(DI); \
	VMOVUPS Y13, off+320(DI); \
	VMOVUPS Y14, off+384(DI); \
	VMOVUPS Y15, off+448(DI)

// func packBTAVX2(k8 int, src *float32, ldb uintptr, dst *float32)
//
// Packs a 16-column panel of op(B) = B^T: src holds 16 rows of B, ldb
// bytes apart, each read for 8*k8 floats; dst gets 8*k8 rows of 16 floats
// (dst[p*16+j] = src[j*ldb/4+p]).
TEXT ·packBTAVX2(SB), NOSPLIT, $0-32
	MOVQ k8+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ ldb+16(FP), R8
	MOVQ dst+24(FP), DI
	TESTQ CX, CX
	JZ    btdone
	LEAQ (R8)(R8*2), R11 // 3L
	LEAQ (SI)(R11*1), R9 // src + 3L
	LEAQ (SI)(R8*8), R12 // src + 8L
	LEAQ (R12)(R11*1), R13 // src + 11L

btloop:
	LOAD8(SI, R9)
	TRANSPOSE8
	STORE8(0)
	LOAD8(R12, R13)
	TRANSPOSE8
	STORE8(32)
	ADDQ $32, SI
	ADDQ $32, R9
	ADDQ $32, R12
	ADDQ $32, R13
	ADDQ $512, DI
	DECQ CX
	JNZ  btloop

btdone:
	VZEROUPPER
	RET

// STORE6(yreg, xreg, off) stores the first 6 floats of yreg at off(DI).
#define STORE6(yreg, xreg, off) \
	VMOVUPS      xreg, off(DI);    \
	VEXTRACTF128 $1, yreg, xreg;   \
	VMOVQ        xreg, off+16(DI)

// func packANAVX2(k8 int, src *float32, lda uintptr, dst *float32)
//
// Packs a 6-row sliver of op(A) = A: src holds 6 rows of A, lda bytes
// apart, each read for 8*k8 floats; dst gets 8*k8 columns of 6 floats
// (dst[p*6+i] = src[i*lda/4+p]).
TEXT ·packANAVX2(SB), NOSPLIT, $0-32
	MOVQ  k8+0(FP), CX
	MOVQ  src+8(FP), SI
	MOVQ  lda+16(FP), R8
	MOVQ  dst+24(FP), DI
	TESTQ CX, CX
	JZ    andone
	LEAQ  (R8)(R8*2), R11 // 3L
	LEAQ  (SI)(R11*1), R9 // src + 3L

anloop:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R8*1), Y1
	VMOVUPS (SI)(R8*2), Y2
	VMOVUPS (R9), Y3
	VMOVUPS (R9)(R8*1), Y4
	VMOVUPS (R9)(R8*2), Y5
	VXORPS  Y6, Y6, Y6
	VXORPS  Y7, Y7, Y7
	TRANSPOSE8
	STORE6(Y8, X8, 0)
	STORE6(Y9, X9, 24)
	STORE6(Y10, X10, 48)
	STORE6(Y11, X11, 72)
	STORE6(Y12, X12, 96)
	STORE6(Y13, X13, 120)
	STORE6(Y14, X14, 144)
	STORE6(Y15, X15, 168)
	ADDQ    $32, SI
	ADDQ    $32, R9
	ADDQ    $192, DI
	DECQ    CX
	JNZ     anloop

andone:
	VZEROUPPER
	RET
