package blas

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Sgemm computes C = alpha*op(A)*op(B) + beta*C where op(X) is X or its
// transpose. op(A) is m x k, op(B) is k x n and C is m x n, all row-major
// with leading dimensions lda, ldb, ldc. With beta == 0, C need not be
// initialised (NaNs in it are overwritten). With alpha == 0 or k == 0,
// A and B are not read and C is only scaled by beta, as in reference
// BLAS.
//
// A is lda*(rows-1)+cols long at least, where rows x cols is A's stored
// shape (k x m when transA, else m x k); likewise B and C. Sgemm panics
// with a "blas:" message when a slice is too short or a leading dimension
// is smaller than its row. C must not overlap A or B.
//
// Large products run on up to Threads() goroutines; see SetThreads.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scaleMatrix(m, n, beta, c, ldc)
		return
	}
	if m == 1 || n == 1 {
		gemmVector(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if m*n*k <= smallMax {
		gemmSmall(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if gemmOverride != nil {
		gemmOverride(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	j := gemmJob{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc}
	if threads := Threads(); threads > 1 && m*n*k >= parallelMin {
		jp := new(gemmJob) // shared with the goroutines
		*jp = j
		jp.runParallel(threads)
		return
	}
	ws := wsPool.Get().(*workspace)
	j.tile(ws, 0, m, 0, n)
	wsPool.Put(ws)
}

// gemmOverride, when set (build tag openblas), computes the products that
// would otherwise go to the packed kernels.
var gemmOverride func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// smallMax is the number of multiply-adds (m*n*k) up to which Sgemm uses
// plain loops: below it packing costs more than it saves.
var smallMax = 128

// gemmSmall is Sgemm by plain loops, for tiny products.
func gemmSmall(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		crow := c[i*ldc : i*ldc+n]
		if transB {
			for jj := range crow {
				brow := b[jj*ldb : jj*ldb+k]
				var s float32
				if transA {
					for p, v := range brow {
						s += a[p*lda+i] * v
					}
				} else {
					arow := a[i*lda : i*lda+k]
					for p, v := range brow {
						s += arow[p] * v
					}
				}
				if beta == 0 {
					crow[jj] = alpha * s
				} else {
					crow[jj] = alpha*s + beta*crow[jj]
				}
			}
			continue
		}
		switch beta {
		case 0:
			clear(crow)
		case 1:
		default:
			for jj := range crow {
				crow[jj] *= beta
			}
		}
		for p := 0; p < k; p++ {
			var av float32
			if transA {
				av = alpha * a[p*lda+i]
			} else {
				av = alpha * a[i*lda+p]
			}
			brow := b[p*ldb : p*ldb+n]
			for jj, v := range brow {
				crow[jj] += av * v
			}
		}
	}
}

func checkGemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("blas: negative size m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("a", a, ar, ac, lda)
	checkMatrix("b", b, br, bc, ldb)
	checkMatrix("c", c, m, n, ldc)
}

// checkMatrix panics unless s holds a rows x cols row-major matrix with
// leading dimension ld.
func checkMatrix(name string, s []float32, rows, cols, ld int) {
	if rows == 0 || cols == 0 {
		return
	}
	if ld < cols {
		panic(fmt.Sprintf("blas: ld%s=%d < %d columns", name, ld, cols))
	}
	if len(s) < (rows-1)*ld+cols {
		panic(fmt.Sprintf("blas: %s has %d elements, need %d for %dx%d with ld %d", name, len(s), (rows-1)*ld+cols, rows, cols, ld))
	}
}

// scaleMatrix sets C = beta*C (C = 0 when beta == 0, whatever C held).
func scaleMatrix(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		switch beta {
		case 0:
			clear(row)
		case 1:
		default:
			scalImpl(beta, row)
		}
	}
}

// Cache blocking (Goto and van de Geijn, "Anatomy of high-performance
// matrix multiplication", ACM TOMS 2008): a kc x nr panel of packed B
// (16 KiB at kc=256) stays in L1 while mr-row slivers of an mc x kc block
// of A stream from L2; the kc x nc packed block of B lives in L2/L3.
// Tuned on AMD EPYC (Zen 3: 32 KiB L1d, 512 KiB L2 per core).
var (
	blockK = 256  // kc
	blockM = 144  // mc, a multiple of mr
	blockN = 3072 // nc, a multiple of nr
)

// parallelMin is the number of multiply-adds (m*n*k) below which Sgemm
// stays on the calling goroutine.
var parallelMin = 128 * 128 * 128

// directMaxN is the widest column block for which the kernels read A in
// place instead of packing it.
var directMaxN = 64

// tasksPerThread is about how many tiles each goroutine gets.
var tasksPerThread = 2

type gemmJob struct {
	transA, transB bool
	m, n, k        int
	alpha          float32
	a              []float32
	lda            int
	b              []float32
	ldb            int
	beta           float32
	c              []float32
	ldc            int
}

// workspace holds one goroutine's packing buffers; they are reused
// through wsPool so that Sgemm does not allocate in steady state.
type workspace struct {
	a, b []float32
	tmp  [mr * nr]float32
}

var wsPool = sync.Pool{New: func() any { return new(workspace) }}

// alignedFloats returns a zeroed slice of n floats starting on a 64-byte
// boundary.
func alignedFloats(n int) []float32 {
	s := make([]float32, n+16)
	off := int((64-uintptr(unsafe.Pointer(&s[0]))&63)&63) / 4
	return s[off : off+n : off+n]
}

func (w *workspace) reserve(na, nb int) {
	if cap(w.a) < na {
		w.a = alignedFloats(na)
	}
	if cap(w.b) < nb {
		w.b = alignedFloats(nb)
	}
	w.a = w.a[:cap(w.a)]
	w.b = w.b[:cap(w.b)]
}

func roundUp(x, q int) int { return (x + q - 1) / q * q }

// runParallel computes C on up to threads goroutines.
func (j *gemmJob) runParallel(threads int) {
	tm, tn := split(j.m, j.n, j.k, threads)
	rows := roundUp((j.m+tm-1)/tm, mr)
	cols := roundUp((j.n+tn-1)/tn, nr)
	tm = (j.m + rows - 1) / rows
	tn = (j.n + cols - 1) / cols
	tasks := int32(tm * tn)
	var next atomic.Int32
	work := func() {
		ws := wsPool.Get().(*workspace)
		for {
			t := int(next.Add(1) - 1)
			if t >= int(tasks) {
				break
			}
			ti, tj := t/tn, t%tn
			j.tile(ws, ti*rows, min(j.m, (ti+1)*rows), tj*cols, min(j.n, (tj+1)*cols))
		}
		wsPool.Put(ws)
	}
	var wg sync.WaitGroup
	for w := 1; w < min(threads, int(tasks)); w++ {
		wg.Go(work)
	}
	work()
	wg.Wait()
}

// split chooses how many row blocks (tm) and column blocks (tn) to cut C
// into for threads goroutines: for long products about tasksPerThread
// tasks per goroutine, so that a goroutine slowed by another process
// leaves its share to the others (short ones get one each, as every task
// packs its own operands); cut across columns first (each task then packs
// only its own columns of B), with blocks no smaller than a few
// micro-tiles.
func split(m, n, k, threads int) (tm, tn int) {
	const minCols, minRows = 256, 96
	want := threads
	if m*n*k >= 16*parallelMin {
		want = tasksPerThread * threads
	}
	tn = max(1, min(want, n/minCols))
	tm = max(1, min((want+tn-1)/tn, m/minRows))
	if tm*tn < threads {
		// Skinny: cut finer, down to one micro-tile.
		tn = max(1, min(want, n/(4*nr)))
		tm = max(1, min((want+tn-1)/tn, m/mr))
	}
	return tm, tn
}

// balance splits n into the fewest blocks of at most block and returns
// the block size, a multiple of q, that makes them about equal (so that
// the last block is not a sliver).
func balance(n, block, q int) int {
	nb := (n + block - 1) / block
	return min(block, roundUp((n+nb-1)/nb, q))
}

// tile computes rows [i0, i1) and columns [j0, j1) of C.
func (j *gemmJob) tile(ws *workspace, i0, i1, j0, j1 int) {
	kc := balance(j.k, blockK, 8)
	mc := balance(i1-i0, blockM, mr)
	nc := balance(j1-j0, blockN, nr)
	ws.reserve(mc*kc, roundUp(nc, nr)*kc)
	ldc := j.ldc
	for jc := j0; jc < j1; jc += nc {
		nb := min(nc, j1-jc)
		for pc := 0; pc < j.k; pc += kc {
			kb := min(kc, j.k-pc)
			bp := ws.b[:roundUp(nb, nr)*kb]
			packB(bp, j.transB, j.b, j.ldb, pc, kb, jc, nb)
			beta := j.beta
			if pc > 0 {
				beta = 1
			}
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				full := mb / mr // whole slivers
				// With few panels, packing A costs more than it saves:
				// the kernels read whole slivers in place, and only the
				// rows of a last partial sliver are packed.
				direct := directKernels != nil && nb <= directMaxN
				ta := 0
				if j.transA {
					ta = 1
				}
				aAt := func(i int) []float32 { // op(A)[i][pc] onwards
					if j.transA {
						return j.a[pc*j.lda+i:]
					}
					return j.a[i*j.lda+pc:]
				}
				if !direct {
					packA(ws.a, j.transA, j.a, j.lda, ic, mb, pc, kb)
				} else if full*mr < mb {
					packA(ws.a, j.transA, j.a, j.lda, ic+full*mr, mb-full*mr, pc, kb)
				}
				for jr := 0; jr < nb; jr += nr {
					nw := min(nr, nb-jr)
					bpanel := bp[jr*kb:]
					ci := ic*ldc + jc + jr
					ir := 0
					if full > 0 && (nw == nr || (nw == nr/2 && edgeKernels != nil)) {
						w := nw / nr // 0 for half a panel, 1 for a whole one
						switch {
						case direct:
							directKernels[ta][w](kb, aAt(ic), bpanel, j.c[ci:], ldc, j.alpha, beta, full, j.lda)
						case w == 1:
							microKernel(kb, ws.a, bpanel, j.c[ci:], ldc, j.alpha, beta, full)
						default:
							edgeKernels[mr][0](kb, ws.a, bpanel, j.c[ci:], ldc, j.alpha, beta, full)
						}
						ir = full * mr
					}
					for ; ir < mb; ir += mr {
						mh := min(mr, mb-ir)
						ci := (ic+ir)*ldc + jc + jr
						w := 1
						if nw <= nr/2 {
							w = 0
						}
						if direct && mh == mr {
							directKernels[ta][w](kb, aAt(ic+ir), bpanel, ws.tmp[:], nr, 1, 0, 1, j.lda)
							mergeTile(ws.tmp[:], j.c[ci:], ldc, mh, nw, j.alpha, beta)
							continue
						}
						as := ws.a[ir*kb:]
						if direct {
							as = ws.a // the packed last sliver
						}
						kern := microKernel
						if edgeKernels != nil {
							kern = edgeKernels[mh][w]
							if nw == nr/2 || nw == nr {
								kern(kb, as, bpanel, j.c[ci:], ldc, j.alpha, beta, 1)
								continue
							}
						}
						kern(kb, as, bpanel, ws.tmp[:], nr, 1, 0, 1)
						mergeTile(ws.tmp[:], j.c[ci:], ldc, mh, nw, j.alpha, beta)
					}
				}
			}
		}
	}
}

// mergeTile writes c = alpha*t + beta*c for the top-left mh x nw corner of
// an mr x nr tile t, not reading c when beta == 0.
func mergeTile(t []float32, c []float32, ldc, mh, nw int, alpha, beta float32) {
	for i := 0; i < mh; i++ {
		row := c[i*ldc : i*ldc+nw]
		ti := t[i*nr : i*nr+nw]
		if beta == 0 {
			for jj := range row {
				row[jj] = alpha * ti[jj]
			}
			continue
		}
		for jj := range row {
			row[jj] = alpha*ti[jj] + beta*row[jj]
		}
	}
}

// sgemmRef is the plain reference implementation that optimised kernels
// are tested against.
func sgemmRef(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}
