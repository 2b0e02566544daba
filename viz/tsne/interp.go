package tsne

import (
	"math"
	"sync"
)

// FFT-accelerated interpolation (FIt-SNE; Linderman, Rachh, Hoskins,
// Steinerberger & Kluger 2019, arXiv:1712.09005) for the repulsive forces
// in one and two dimensions.
//
// The repulsion needs, for every point i, the sums
//
//	phi_t(y_i) = sum_j K(y_i, y_j) c_t(y_j),  K(a, b) = 1/(1+|a-b|^2)^2,
//
// with charges c = (1, y_x, y_y, |y|^2) in 2-D ((1, y, y^2) in 1-D), from
// which
//
//	sum_j w_ij^2 (y_i - y_j) = y_i phi_0 - (phi_1, phi_2)
//	sum_j w_ij             = (1+|y_i|^2) phi_0 - 2 y_i.(phi_1, phi_2) + phi_3
//
// (w_ij^2 (1 + |y_i - y_j|^2) = w_ij), the self-term contributing 1 to the
// second. The embedding's bounding square is cut into boxes of width at
// most boxWidth (at least minBoxes per side) with p = 3 equispaced
// Lagrange nodes per box, so the nodes form one uniform grid of spacing
// h = width/3. Charges are spread to the 3x3 nodes of each point's box
// with the Lagrange weights, the node-to-node sums are a Toeplitz
// product done as an FFT convolution on a zero-padded grid, and the
// potentials are interpolated back with the same weights. Like openTSNE,
// the defaults are minBoxes 50 and box width 1 (ints_in_interval).
//
// This implementation differs from openTSNE's in bookkeeping only: the
// box width is fixed at 1 once the embedding spans more than 50 units
// (and otherwise taken from a geometric ladder), so the kernel's
// transform is reused until the grid grows; the FFT length is the least
// 5-smooth length >= 2 * nodes; the four charges are packed in two
// complex transforms; and charges are computed relative to the grid's
// centre, which keeps the cancellation in y_i phi_0 - phi_1 small.

const (
	interpNodes    = 3  // p, Lagrange nodes per box
	widthLadderExp = 16 // plain-interpolation box widths are 2^(k/16)
)

// Grid settings.
const (
	minBoxes     = 50  // openTSNE's min_num_intervals (1-D)
	maxBoxWidth  = 1.0 // openTSNE's ints_in_interval (1-D)
	pureMaxWidth = 0.6 // widest box without a near field (2-D): ~1% error
	minPureBoxes = 16  // fewest boxes without a near field (2-D)
	nearFactor   = 1.5 // near-field cutoff in box widths: ~1% error
)

// lagrange3 returns the Lagrange basis at the nodes 1/6, 1/2, 5/6 of the
// unit box, evaluated at u.
func lagrange3(u float64) (l0, l1, l2 float64) {
	a, b, c := u-1.0/6, u-0.5, u-5.0/6
	return 4.5 * b * c, -9 * a * c, 4.5 * a * b
}

// ladder rounds w > 0 up to 2^(k/steps).
func ladder(w float64, steps float64) float64 {
	if w <= 0 || math.IsNaN(w) {
		w = 1e-12
	}
	return math.Exp2(math.Ceil(steps*math.Log2(w)) / steps)
}

// layout picks the grid for points spanning span from lo: plain
// interpolation (as FIt-SNE) with boxes at most pureMaxWidth wide and at
// least minPureBoxes of them, or wider boxes with a near field of cutoff
// nearFactor widths, whichever the cost model (choose) prefers. The
// choice is revisited every layoutEvery calls, and at once if the grid
// has outgrown maxBoxes.
func (f *fftRepulsion) layout(y []float64, lo, span float64) (width float64, boxes int, cutoff float64) {
	pure := math.Min(pureMaxWidth, ladder(span/minPureBoxes, widthLadderExp))
	switch testLayout.mode {
	case "pure":
		width = math.Min(ladder(span/minBoxes, widthLadderExp), testLayout.width)
	case "near":
		width, cutoff = testLayout.width, nearFactor*testLayout.width
	default:
		if f.evals%layoutEvery == 0 || (f.width > 0 && span/f.width > maxBoxes) {
			f.width = f.choose(y, lo, span, pure)
		}
		f.evals++
		width = pure
		if f.width > 0 {
			width, cutoff = f.width, nearFactor*f.width
		}
	}
	return width, max(1, int(math.Ceil(span/width))), cutoff
}

// testLayout forces a layout in tests: mode "pure" (FIt-SNE with boxes
// at most width wide) or "near" (boxes exactly width wide, near field).
var testLayout struct {
	mode  string
	width float64
}

// choose returns the width of near-field boxes, among 2^(k/4) from 0.5
// to 8, or 0 for plain interpolation with boxes pure wide, whichever
// minimises the modelled cost of one evaluation,
//
//	costFFT M^2 log2 M + costPair (pairs in adjacent near-field cells)
//	                   + costCell (near-field cells),
//
// where M is the FFT length for that width. The pair count is exact: the
// points are binned as near2 bins them. The constants were measured on
// the development machine (2-core AMD EPYC, see BenchmarkRepulsion);
// only their ratios matter.
func (f *fftRepulsion) choose(y []float64, lo, span, pure float64) float64 {
	gridCost := func(w float64) float64 {
		M := float64(fftSize(2 * interpNodes * int(math.Ceil(span/w))))
		return costFFT * M * M * math.Log2(M)
	}
	best, bestCost := 0.0, math.Inf(1)
	if span/pure <= maxBoxes {
		bestCost = gridCost(pure)
	}
	for k := -4; k <= 12; k++ {
		w := math.Exp2(float64(k) / 4)
		if span/w > maxBoxes || span/w < minNearBoxes {
			continue
		}
		nc := float64(min(max(1, int(span/(nearFactor*w))), 1<<11))
		if costCell*nc*nc > bestCost {
			continue
		}
		cost := gridCost(w) + costPair*f.nearPairs(y, lo, span, nearFactor*w) + costCell*nc*nc
		if cost < bestCost {
			best, bestCost = w, cost
		}
	}
	if math.IsInf(bestCost, 1) {
		best = ladder(span/maxBoxes, 4) // a huge embedding: the widest grid allowed
	}
	return best
}

const (
	costFFT      = 12.0 // ns per M^2 log2 M of one evaluation's grid work
	costPair     = 7.0  // ns per candidate pair in the near field
	costCell     = 15.0 // ns per near-field cell
	maxBoxes     = 400
	minNearBoxes = 8
	layoutEvery  = 25
)

// nearPairs counts the pairs near2 would visit with cutoff r: within a
// cell and with the four forward neighbours.
func (f *fftRepulsion) nearPairs(y []float64, lo, span, r float64) float64 {
	nc := min(max(1, int(span/r)), 1<<11)
	cw := span / float64(nc)
	if cw <= 0 {
		cw = 1
	}
	f.count = growInt32(f.count, nc*nc)
	cnt := f.count
	clear(cnt)
	for i := 0; i < f.n; i++ {
		cx := min(max(int((y[2*i]-lo)/cw), 0), nc-1)
		cy := min(max(int((y[2*i+1]-lo)/cw), 0), nc-1)
		cnt[cy*nc+cx]++
	}
	var pairs float64
	for cy := range nc {
		for cx := range nc {
			c := float64(cnt[cy*nc+cx])
			if c == 0 {
				continue
			}
			nb := 0.0
			if cx+1 < nc {
				nb += float64(cnt[cy*nc+cx+1])
			}
			if cy+1 < nc {
				for x := max(cx-1, 0); x <= min(cx+1, nc-1); x++ {
					nb += float64(cnt[(cy+1)*nc+x])
				}
			}
			pairs += c*(c-1)/2 + c*nb
		}
	}
	return pairs
}

// boxLayout1 is boxLayout without a near field (the 1-D grid is cheap).
func boxLayout1(span float64) (width float64, boxes int, cutoff float64) {
	w := span / minBoxes
	if w <= 0 || math.IsNaN(w) {
		w = 1e-12
	}
	k := math.Ceil(widthLadderExp * math.Log2(w))
	width = math.Min(math.Exp2(k/widthLadderExp), maxBoxWidth)
	return width, max(1, int(math.Ceil(span/width))), 0
}

// farKernel is the smooth part of the squared Cauchy kernel K(u) =
// 1/(1+u)^2, u = r^2, for a near-field cutoff R: K itself for u >= R^2,
// inside its Taylor polynomial of degree 3 in u about R^2,
//
//	G(u) = (1+U)^-2 (1 + 2t + 3t^2 + 4t^3),  t = (U-u)/(1+U), U = R^2,
//
// (the first terms of (1+U)^-2 / (1-t)^2 = K(u)), which is smooth at the
// scale of R. With R = 0 it is K.
type farKernel struct{ u, inv2, inv float64 }

func newFarKernel(r float64) farKernel {
	u := r * r
	return farKernel{u: u, inv: 1 / (1 + u), inv2: 1 / ((1 + u) * (1 + u))}
}

func (g farKernel) at(u float64) float64 {
	if u >= g.u {
		k := 1 / (1 + u)
		return k * k
	}
	t := (g.u - u) * g.inv
	return g.inv2 * (1 + t*(2+t*(3+4*t)))
}

// fftRepulsion implements repulsion by interpolation in 1 or 2
// dimensions.
type fftRepulsion struct {
	n, dims, threads int

	// per-point interpolation data
	base []int32   // flat index of the point's first node (2-D: row*m+col)
	wts  []float64 // 3 weights per dimension per point
	sy   []float64 // coordinates (2-D: sorted by box, relative to the grid centre)
	row  []int32   // 2-D: the point's box (row-major)
	ord  []int32   // points sorted by box
	rs   []int     // start of each box in ord

	// cached kernel transform
	kM     int
	kWidth float64
	kCut   float64
	kHat   []float64
	kBuf   []complex128 // kernel scratch
	kT     []complex128

	// near-field cell list
	cellStart []int
	cellOf    []int32
	cellPts   []int32
	cellXY    []float64
	acc       []float64
	count     []int32
	fill      []int

	// chosen width and evaluations since
	width float64
	evals int
	dirty int // prefix of bufA and bufB that may be nonzero

	lastM, lastFFT int // grid nodes per side and FFT length of the last call

	plans map[int]*fftPlan
	bufA  []complex128
	bufB  []complex128
	tbuf  []complex128
	zi    []float64
}

func newFFTRepulsion(n, dims, threads int) *fftRepulsion {
	return &fftRepulsion{
		n: n, dims: dims, threads: threads,
		base:  make([]int32, n),
		wts:   make([]float64, n*3*dims),
		sy:    make([]float64, n*dims),
		row:   make([]int32, n),
		ord:   make([]int32, n),
		zi:    make([]float64, n),
		plans: map[int]*fftPlan{},
	}
}

func (f *fftRepulsion) name() string { return "fft" }

func (f *fftRepulsion) plan(m int) *fftPlan {
	p, ok := f.plans[m]
	if !ok {
		p = newFFTPlan(m)
		f.plans[m] = p
	}
	return p
}

func grow(b []complex128, n int) []complex128 {
	if cap(b) < n {
		return make([]complex128, n)
	}
	return b[:n]
}

func (f *fftRepulsion) forces(y, rep []float64) float64 {
	if f.dims == 1 {
		return f.forces1(y, rep)
	}
	return f.forces2(y, rep)
}

// forces2 is the two-dimensional case.
func (f *fftRepulsion) forces2(y, rep []float64) float64 {
	n := f.n
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range y {
		lo = math.Min(lo, v)
		hi = math.Max(hi, v)
	}
	width, boxes, cutoff := f.layout(y, lo, hi-lo)
	g := newFarKernel(cutoff)
	m := interpNodes * boxes // nodes per side
	h := width / interpNodes // node spacing
	M := fftSize(2 * m)      // FFT length per side
	centre := lo + width*float64(boxes)/2

	// Sort the points by box, row-major (counting sort): spreading tasks
	// then own whole node rows, and the grid is visited in order. All
	// per-point work below runs in this order on gathered copies.
	for i := range n {
		bx := min(int((y[2*i]-lo)/width), boxes-1)
		by := min(int((y[2*i+1]-lo)/width), boxes-1)
		f.row[i] = int32(by*boxes + bx)
	}
	f.rs = growInt(f.rs, boxes*boxes+1)
	clear(f.rs)
	for _, b := range f.row {
		f.rs[b+1]++
	}
	for b := range boxes * boxes {
		f.rs[b+1] += f.rs[b]
	}
	f.fill = growInt(f.fill, boxes*boxes)
	fill := f.fill
	copy(fill, f.rs[:boxes*boxes])
	for i, b := range f.row {
		f.ord[fill[b]] = int32(i)
		fill[b]++
	}
	// Lagrange weights and first node, in sorted order.
	parallelFor(n, 2048, f.threads, func(_, a, b int) {
		for t := a; t < b; t++ {
			i := int(f.ord[t])
			ux := (y[2*i] - lo) / width
			uy := (y[2*i+1] - lo) / width
			bx := min(int(ux), boxes-1)
			by := min(int(uy), boxes-1)
			w := f.wts[6*t : 6*t+6]
			w[0], w[1], w[2] = lagrange3(ux - float64(bx))
			w[3], w[4], w[5] = lagrange3(uy - float64(by))
			f.base[t] = int32(interpNodes*by*M + interpNodes*bx)
			f.sy[2*t], f.sy[2*t+1] = y[2*i]-centre, y[2*i+1]-centre
		}
	})

	// Spread the charges onto the grid (stored with row stride M, inside
	// the zero-padded M x M FFT buffers): A = c0 + i c1, B = c2 + i c3.
	// Only the first rows of the buffers were written last time.
	// The dirty prefix is cleared on the whole underlying array: when the
	// grid shrinks, data beyond the new length must not survive to
	// reappear when it grows again.
	clear(f.bufA[:cap(f.bufA)][:f.dirty])
	clear(f.bufB[:cap(f.bufB)][:f.dirty])
	f.bufA = grow(f.bufA, M*M)
	f.bufB = grow(f.bufB, M*M)
	f.tbuf = grow(f.tbuf, M*M)
	f.dirty = m * M
	const rowsPerTask = 4
	parallelFor(boxes, rowsPerTask, f.threads, func(_, ra, rb int) {
		for t := f.rs[ra*boxes]; t < f.rs[rb*boxes]; t++ {
			px, py := f.sy[2*t], f.sy[2*t+1]
			sq := px*px + py*py
			w := f.wts[6*t : 6*t+6]
			b := int(f.base[t])
			for q := range 3 {
				rowA := f.bufA[b+q*M : b+q*M+3]
				rowB := f.bufB[b+q*M : b+q*M+3]
				for r := range 3 {
					wt := w[3+q] * w[r]
					rowA[r] += complex(wt, wt*px)
					rowB[r] += complex(wt*py, wt*sq)
				}
			}
		}
	})

	f.lastM, f.lastFFT = m, M
	kHat := f.kernel2(M, m, h, g)
	p := f.plan(M)
	f.conv2(p, f.bufA, kHat, M, m)
	f.conv2(p, f.bufB, kHat, M, m)

	// Interpolate the potentials back and form the forces.
	scale := 1 / float64(M*M)
	parallelFor(n, 1024, f.threads, func(_, a, b int) {
		for t := a; t < b; t++ {
			w := f.wts[6*t : 6*t+6]
			base := int(f.base[t])
			var a0, a1, b0, b1 float64
			for q := range 3 {
				ra := f.bufA[base+q*M : base+q*M+3]
				rb := f.bufB[base+q*M : base+q*M+3]
				for r := range 3 {
					wt := w[3+q] * w[r]
					a0 += real(ra[r]) * wt
					a1 += imag(ra[r]) * wt
					b0 += real(rb[r]) * wt
					b1 += imag(rb[r]) * wt
				}
			}
			phi0, phi1 := a0*scale, a1*scale
			phi2, phi3 := b0*scale, b1*scale
			px, py := f.sy[2*t], f.sy[2*t+1]
			i := int(f.ord[t])
			rep[2*i] = px*phi0 - phi1
			rep[2*i+1] = py*phi0 - phi2
			f.zi[i] = (1+px*px+py*py)*phi0 - 2*(px*phi1+py*phi2) + phi3
		}
	})
	if cutoff > 0 {
		f.near2(y, rep, lo, hi-lo, cutoff, g)
	}
	// Each point's own term G(0) (1 + 0) is in its far-field sum.
	return sumOrdered(f.zi) - float64(n)*g.at(0)
}

// near2 adds the near field: for pairs closer than the cutoff R, the part
// of the kernel the grid leaves out, K(u) - G(u), summed exactly. Points
// are binned into cells at least R wide; each pair of points in the same
// or adjacent cells is visited once and credited to both (Newton's third
// law). Rows of cells are processed in two passes, even rows then odd,
// each task owning row r and writing rows r and r+1, so the sums are the
// same for any thread count.
func (f *fftRepulsion) near2(y, rep []float64, lo, span, r float64, g farKernel) {
	n := f.n
	nc := max(1, int(span/r)) // cells at least r wide
	nc = min(nc, 1<<11)
	cw := span / float64(nc)
	if cw <= 0 {
		cw = 1
	}
	cell := func(v float64) int { return min(max(int((v-lo)/cw), 0), nc-1) }
	f.cellStart = growInt(f.cellStart, nc*nc+1)
	clear(f.cellStart)
	f.cellOf = growInt32(f.cellOf, n)
	for i := range n {
		c := cell(y[2*i+1])*nc + cell(y[2*i])
		f.cellOf[i] = int32(c)
		f.cellStart[c+1]++
	}
	for c := range nc * nc {
		f.cellStart[c+1] += f.cellStart[c]
	}
	f.cellPts = growInt32(f.cellPts, n)
	f.cellXY = growF64(f.cellXY, 2*n)
	f.acc = growF64(f.acc, 3*n)
	clear(f.acc)
	f.fill = growInt(f.fill, nc*nc)
	fill := f.fill
	copy(fill, f.cellStart[:nc*nc])
	for i := range n {
		c := f.cellOf[i]
		f.cellPts[fill[c]] = int32(i)
		f.cellXY[2*fill[c]] = y[2*i]
		f.cellXY[2*fill[c]+1] = y[2*i+1]
		fill[c]++
	}
	nk := nearKernel{u2: r * r, inv: g.inv, inv2: g.inv2, xy: f.cellXY, acc: f.acc}
	for phase := range 2 {
		rows := (nc - phase + 1) / 2
		parallelFor(rows, 1, f.threads, func(_, a, b int) {
			for t := a; t < b; t++ {
				row := 2*t + phase
				for cx := range nc {
					c := row*nc + cx
					s, e := f.cellStart[c], f.cellStart[c+1]
					if s == e {
						continue
					}
					nk.within(s, e)
					if cx+1 < nc {
						nk.between(s, e, f.cellStart[c+1], f.cellStart[c+2])
					}
					if row+1 < nc {
						up := c + nc
						x0, x1 := max(cx-1, 0), min(cx+1, nc-1)
						nk.between(s, e, f.cellStart[up-cx+x0], f.cellStart[up-cx+x1+1])
					}
				}
			}
		})
	}
	parallelFor(n, 4096, f.threads, func(_, a, b int) {
		for t := a; t < b; t++ {
			i := f.cellPts[t]
			rep[2*i] += f.acc[3*t]
			rep[2*i+1] += f.acc[3*t+1]
			f.zi[i] += f.acc[3*t+2]
		}
	})
}

// nearKernel sums K(u) - G(u) over pairs of cell-sorted points.
type nearKernel struct {
	u2, inv, inv2 float64
	xy            []float64 // cell-sorted coordinates
	acc           []float64 // per cell-sorted point: force x, force y, z
}

// pair returns the near-field weight for squared distance u < u2.
func (nk *nearKernel) weight(u float64) float64 {
	k := 1 / (1 + u)
	w := (nk.u2 - u) * nk.inv
	return k*k - nk.inv2*(1+w*(2+w*(3+4*w)))
}

// within visits the pairs inside points [s, e).
func (nk *nearKernel) within(s, e int) {
	xy, acc := nk.xy, nk.acc
	for i := s; i < e; i++ {
		xi, yi := xy[2*i], xy[2*i+1]
		var fx, fy, z float64
		for j := i + 1; j < e; j++ {
			dx, dy := xi-xy[2*j], yi-xy[2*j+1]
			u := dx*dx + dy*dy
			if u >= nk.u2 {
				continue
			}
			d := nk.weight(u)
			dz := d * (1 + u)
			fx += d * dx
			fy += d * dy
			z += dz
			aj := acc[3*j : 3*j+3]
			aj[0] -= d * dx
			aj[1] -= d * dy
			aj[2] += dz
		}
		ai := acc[3*i : 3*i+3]
		ai[0] += fx
		ai[1] += fy
		ai[2] += z
	}
}

// between visits the pairs (i, j), i in [s, e), j in [s2, e2).
func (nk *nearKernel) between(s, e, s2, e2 int) {
	if s2 == e2 {
		return
	}
	xy, acc := nk.xy, nk.acc
	other := xy[2*s2 : 2*e2]
	oacc := acc[3*s2 : 3*e2]
	for i := s; i < e; i++ {
		xi, yi := xy[2*i], xy[2*i+1]
		var fx, fy, z float64
		for t := 0; t+1 < len(other); t += 2 {
			dx, dy := xi-other[t], yi-other[t+1]
			u := dx*dx + dy*dy
			if u >= nk.u2 {
				continue
			}
			d := nk.weight(u)
			dz := d * (1 + u)
			fx += d * dx
			fy += d * dy
			z += dz
			aj := oacc[3*(t/2) : 3*(t/2)+3]
			aj[0] -= d * dx
			aj[1] -= d * dy
			aj[2] += dz
		}
		ai := acc[3*i : 3*i+3]
		ai[0] += fx
		ai[1] += fy
		ai[2] += z
	}
}

func growInt(b []int, n int) []int {
	if cap(b) < n {
		return make([]int, n)
	}
	return b[:n]
}

func growInt32(b []int32, n int) []int32 {
	if cap(b) < n {
		return make([]int32, n)
	}
	return b[:n]
}

func growF64(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

// circLag is the lag that index a of a length-M circulant stands for:
// a for a <= M/2, a-M above. Filling every lag (not just those below the
// grid size m) keeps the circulant valid for any m <= M/2, so that its
// transform can be cached by M alone: for nodes i, j < m, i-j mod M maps
// to the true lag because |i-j| < M/2.
func circLag(a, M int) int {
	if a <= M/2 {
		return a
	}
	return a - M
}

// kernel2 returns the (transposed) 2-D transform of the circulant that
// embeds the m x m Toeplitz kernel matrix K(a-b) = 1/(1+h^2|a-b|^2)^2 on
// node indices, for FFT length M; cached while M, h and the cutoff stay the
// same.
// The circulant is real and even, so its transform is real.
func (f *fftRepulsion) kernel2(M, m int, h float64, g farKernel) []float64 {
	if f.kM == M && f.kWidth == h && f.kCut == g.u && f.kHat != nil {
		return f.kHat
	}
	f.kBuf = grow(f.kBuf, M*M)
	f.kT = grow(f.kT, M*M)
	buf, tb := f.kBuf, f.kT
	lag := func(a int) float64 { return float64(circLag(a, M)) }
	parallelFor(M, 16, f.threads, func(_, ra, rb int) {
		for a := ra; a < rb; a++ {
			da := lag(a)
			for b := range M {
				db := lag(b)
				buf[a*M+b] = complex(g.at(h*h*(da*da+db*db)), 0)
			}
		}
	})
	p := f.plan(M)
	fft2Forward(p, buf, tb, M, M, f.threads)
	f.kHat = growF64(f.kHat, M*M)
	for i, v := range tb {
		f.kHat[i] = real(v)
	}
	f.kM, f.kWidth, f.kCut = M, h, g.u
	return f.kHat
}

// conv2 convolves the charges in buf (nonzero in the top-left m x m) with
// the kernel whose transposed transform is kHat, leaving the (unscaled by
// 1/M^2) result in the top-left m x m of buf.
func (f *fftRepulsion) conv2(p *fftPlan, buf []complex128, kHat []float64, M, m int) {
	fft2Forward(p, buf, f.tbuf, M, m, f.threads)
	parallelFor(M*M, 8192, f.threads, func(_, a, b int) {
		for i := a; i < b; i++ {
			f.tbuf[i] *= complex(kHat[i], 0)
		}
	})
	fft2Inverse(p, f.tbuf, buf, M, m, f.threads)
}

// fft2Forward transforms the M x M array buf, whose rows from nz on are
// zero, leaving the transform transposed in tb (tb[u*M+v] = X[v][u]).
// buf is overwritten.
func fft2Forward(p *fftPlan, buf, tb []complex128, M, nz, threads int) {
	rowFFTs(p, buf, M, 0, nz, false, threads)
	transpose(buf, tb, M, M, threads) // rows >= nz are zero and transpose as such
	rowFFTs(p, tb, M, 0, M, false, threads)
}

// fft2Inverse inverts fft2Forward for the first nout rows: buf's rows
// [0, nout) receive M^2 times the inverse transform of the transposed
// spectrum in tb. tb is overwritten.
func fft2Inverse(p *fftPlan, tb, buf []complex128, M, nout, threads int) {
	rowFFTs(p, tb, M, 0, M, true, threads)
	transpose(tb, buf, M, nout, threads)
	rowFFTs(p, buf, M, 0, nout, true, threads)
}

// scratchPool holds FFT scratch rows, so that the transforms allocate
// nothing per iteration.
var scratchPool = sync.Pool{New: func() any { return new([]complex128) }}

// rowFFTs transforms rows [r0, r1) of the M-wide array a in place.
func rowFFTs(p *fftPlan, a []complex128, M, r0, r1 int, inverse bool, threads int) {
	parallelFor(r1-r0, 8, threads, func(_, lo, hi int) {
		sp := scratchPool.Get().(*[]complex128)
		defer scratchPool.Put(sp)
		*sp = grow(*sp, M)
		scratch := *sp
		for r := r0 + lo; r < r0+hi; r++ {
			row := a[r*M : (r+1)*M]
			if inverse {
				p.inverse(row, scratch)
			} else {
				p.forward(row, scratch)
			}
		}
	})
}

// transpose writes dst[r*M+c] = src[c*M+r] for rows r < rows of dst and
// all M columns, in 32 x 32 tiles.
func transpose(src, dst []complex128, M, rows, threads int) {
	const tile = 32
	parallelFor(rows, tile, threads, func(_, r0, r1 int) {
		for c0 := 0; c0 < M; c0 += tile {
			c1 := min(c0+tile, M)
			for r := r0; r < r1; r++ {
				d := dst[r*M : r*M+M]
				for c := c0; c < c1; c++ {
					d[c] = src[c*M+r]
				}
			}
		}
	})
}

// forces1 is the one-dimensional case: charges (1, y, y^2).
func (f *fftRepulsion) forces1(y, rep []float64) float64 {
	n := f.n
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range y {
		lo = math.Min(lo, v)
		hi = math.Max(hi, v)
	}
	width, boxes, _ := boxLayout1(hi - lo)
	m := interpNodes * boxes
	h := width / interpNodes
	M := fftSize(2 * m)
	centre := lo + width*float64(boxes)/2
	f.bufA = grow(f.bufA, M)
	f.bufB = grow(f.bufB, M)
	clear(f.bufA)
	clear(f.bufB)
	for i := range n {
		u := (y[i] - lo) / width
		bx := min(int(u), boxes-1)
		w := f.wts[3*i : 3*i+3]
		w[0], w[1], w[2] = lagrange3(u - float64(bx))
		f.base[i] = int32(interpNodes * bx)
		px := y[i] - centre
		for r := range 3 {
			f.bufA[int(f.base[i])+r] += complex(w[r], w[r]*px)
			f.bufB[int(f.base[i])+r] += complex(w[r]*px*px, 0)
		}
	}
	// Kernel circulant.
	kb := make([]complex128, M)
	for a := range M {
		d := float64(circLag(a, M))
		k := 1 / (1 + h*h*d*d)
		kb[a] = complex(k*k, 0)
	}
	p := f.plan(M)
	scratch := make([]complex128, M)
	p.forward(kb, scratch)
	for _, buf := range [][]complex128{f.bufA, f.bufB} {
		p.forward(buf, scratch)
		for i := range buf {
			buf[i] *= complex(real(kb[i]), 0)
		}
		p.inverse(buf, scratch)
	}
	scale := 1 / float64(M)
	for i := range n {
		w := f.wts[3*i : 3*i+3]
		b := int(f.base[i])
		var pa, pb complex128
		for r := range 3 {
			pa += f.bufA[b+r] * complex(w[r], 0)
			pb += f.bufB[b+r] * complex(w[r], 0)
		}
		phi0, phi1, phi2 := real(pa)*scale, imag(pa)*scale, real(pb)*scale
		px := y[i] - centre
		rep[i] = px*phi0 - phi1
		f.zi[i] = (1+px*px)*phi0 - 2*px*phi1 + phi2
	}
	return sumOrdered(f.zi) - float64(n)
}
