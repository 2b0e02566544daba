package tsne

import (
	"math"
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
	minBoxes       = 50 // openTSNE's min_num_intervals
	widthLadderExp = 16 // box widths below maxBoxWidth are 2^(k/16)
)

// maxBoxWidth is the widest box (openTSNE's ints_in_interval).
var maxBoxWidth = 1.0

// lagrange3 returns the Lagrange basis at the nodes 1/6, 1/2, 5/6 of the
// unit box, evaluated at u.
func lagrange3(u float64) (l0, l1, l2 float64) {
	a, b, c := u-1.0/6, u-0.5, u-5.0/6
	return 4.5 * b * c, -9 * a * c, 4.5 * a * b
}

// boxLayout chooses the box width and count for points spanning span.
func boxLayout(span float64) (width float64, boxes int) {
	width = maxBoxWidth
	if span < minBoxes*maxBoxWidth {
		w := span / minBoxes
		if w <= 0 || math.IsNaN(w) {
			w = 1e-12
		}
		// Round up to the ladder so the kernel can be reused.
		k := math.Ceil(widthLadderExp * math.Log2(w))
		width = math.Min(math.Exp2(k/widthLadderExp), maxBoxWidth)
	}
	boxes = max(1, int(math.Ceil(span/width)))
	// Points on the upper edge fall in the last box (clamped), so boxes
	// may be exactly span/width.
	return width, boxes
}

// fftRepulsion implements repulsion by interpolation in 1 or 2
// dimensions.
type fftRepulsion struct {
	n, dims, threads int

	// per-point interpolation data
	base []int32   // flat index of the point's first node (2-D: row*m+col)
	wts  []float64 // 3 weights per dimension per point
	row  []int32   // 2-D: the point's box row, for the partitioned spread
	ord  []int32   // points sorted by box row
	rs   []int     // start of each box row in ord

	// cached kernel transform
	kM     int
	kWidth float64
	kHat   []float64

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
	width, boxes := boxLayout(hi - lo)
	m := interpNodes * boxes // nodes per side
	h := width / interpNodes // node spacing
	M := nextSmooth5(2 * m)  // FFT length per side
	centre := lo + width*float64(boxes)/2

	// Locate each point: box, Lagrange weights, first node.
	parallelFor(n, 2048, f.threads, func(_, a, b int) {
		for i := a; i < b; i++ {
			ux := (y[2*i] - lo) / width
			uy := (y[2*i+1] - lo) / width
			bx := min(int(ux), boxes-1)
			by := min(int(uy), boxes-1)
			w := f.wts[6*i : 6*i+6]
			w[0], w[1], w[2] = lagrange3(ux - float64(bx))
			w[3], w[4], w[5] = lagrange3(uy - float64(by))
			f.row[i] = int32(by)
			f.base[i] = int32(interpNodes*by*M + interpNodes*bx)
		}
	})
	// Counting sort by box row: each task then owns whole node rows.
	f.rs = f.rs[:0]
	f.rs = append(f.rs, make([]int, boxes+1)...)
	for _, r := range f.row {
		f.rs[r+1]++
	}
	for r := range boxes {
		f.rs[r+1] += f.rs[r]
	}
	fill := make([]int, boxes)
	copy(fill, f.rs[:boxes])
	for i, r := range f.row {
		f.ord[fill[r]] = int32(i)
		fill[r]++
	}

	// Spread the charges onto the grid (stored with row stride M, inside
	// the zero-padded M x M FFT buffers): A = c0 + i c1, B = c2 + i c3.
	f.bufA = grow(f.bufA, M*M)
	f.bufB = grow(f.bufB, M*M)
	f.tbuf = grow(f.tbuf, M*M)
	clear(f.bufA)
	clear(f.bufB)
	const rowsPerTask = 4
	parallelFor(boxes, rowsPerTask, f.threads, func(_, ra, rb int) {
		for _, i32 := range f.ord[f.rs[ra]:f.rs[rb]] {
			i := int(i32)
			px, py := y[2*i]-centre, y[2*i+1]-centre
			ca := complex(1, px)
			cb := complex(py, px*px+py*py)
			w := f.wts[6*i : 6*i+6]
			b := int(f.base[i])
			for q := range 3 {
				rowA := f.bufA[b+q*M : b+q*M+3]
				rowB := f.bufB[b+q*M : b+q*M+3]
				for r := range 3 {
					wt := w[3+q] * w[r]
					rowA[r] += ca * complex(wt, 0)
					rowB[r] += cb * complex(wt, 0)
				}
			}
		}
	})

	kHat := f.kernel2(M, m, h)
	p := f.plan(M)
	f.conv2(p, f.bufA, kHat, M, m)
	f.conv2(p, f.bufB, kHat, M, m)

	// Interpolate the potentials back and form the forces.
	scale := 1 / float64(M*M)
	parallelFor(n, 1024, f.threads, func(_, a, b int) {
		for i := a; i < b; i++ {
			w := f.wts[6*i : 6*i+6]
			base := int(f.base[i])
			var pa, pb complex128
			for q := range 3 {
				ra := f.bufA[base+q*M : base+q*M+3]
				rb := f.bufB[base+q*M : base+q*M+3]
				for r := range 3 {
					wt := complex(w[3+q]*w[r], 0)
					pa += ra[r] * wt
					pb += rb[r] * wt
				}
			}
			phi0, phi1 := real(pa)*scale, imag(pa)*scale
			phi2, phi3 := real(pb)*scale, imag(pb)*scale
			px, py := y[2*i]-centre, y[2*i+1]-centre
			rep[2*i] = px*phi0 - phi1
			rep[2*i+1] = py*phi0 - phi2
			f.zi[i] = (1+px*px+py*py)*phi0 - 2*(px*phi1+py*phi2) + phi3
		}
	})
	return sumOrdered(f.zi) - float64(n)
}

// kernel2 returns the (transposed) 2-D transform of the circulant that
// embeds the m x m Toeplitz kernel matrix K(a-b) = 1/(1+h^2|a-b|^2)^2 on
// node indices, for FFT length M; cached while M and h stay the same.
// The circulant is real and even, so its transform is real.
func (f *fftRepulsion) kernel2(M, m int, h float64) []float64 {
	if f.kM == M && f.kWidth == h && f.kHat != nil {
		return f.kHat
	}
	buf := make([]complex128, M*M)
	lag := func(a int) float64 {
		switch {
		case a < m:
			return float64(a)
		case a > M-m:
			return float64(a - M)
		}
		return math.NaN()
	}
	parallelFor(M, 16, f.threads, func(_, ra, rb int) {
		for a := ra; a < rb; a++ {
			da := lag(a)
			if math.IsNaN(da) {
				continue
			}
			for b := range M {
				db := lag(b)
				if math.IsNaN(db) {
					continue
				}
				d2 := h * h * (da*da + db*db)
				k := 1 / (1 + d2)
				buf[a*M+b] = complex(k*k, 0)
			}
		}
	})
	tb := make([]complex128, M*M)
	p := f.plan(M)
	fft2Forward(p, buf, tb, M, M, f.threads)
	f.kHat = make([]float64, M*M)
	for i, v := range tb {
		f.kHat[i] = real(v)
	}
	f.kM, f.kWidth = M, h
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

// rowFFTs transforms rows [r0, r1) of the M-wide array a in place.
func rowFFTs(p *fftPlan, a []complex128, M, r0, r1 int, inverse bool, threads int) {
	parallelFor(r1-r0, 8, threads, func(_, lo, hi int) {
		scratch := make([]complex128, M)
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
	width, boxes := boxLayout(hi - lo)
	m := interpNodes * boxes
	h := width / interpNodes
	M := nextSmooth5(2 * m)
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
		var d float64
		switch {
		case a < m:
			d = float64(a)
		case a > M-m:
			d = float64(a - M)
		default:
			continue
		}
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
