package tsne

import (
	"fmt"
	"math"
	"math/cmplx"
)

// fftPlan computes complex discrete Fourier transforms of one length n
// whose prime factors are 2, 3 and 5, by the self-sorting Stockham
// algorithm (no bit reversal; mixed radices 4, 2, 3, 5).
//
// Stage s combines r interleaved transforms of length L into ones of
// length L*r: with C' = n/(L*r) and, for k < L, p < r, c < C',
//
//	X'[k + L p + L r c] = sum_q w_r^(q p) * w_(L r)^(q k) * X[k + L (c + C' q)]
//
// where w_m = exp(-2 pi i / m). It starts from X = x (L = 1) and ends
// with the transform (L = n). A plan is read-only once made and safe for
// concurrent use; callers pass their own scratch.
type fftPlan struct {
	n      int
	stages []fftStage
}

type fftStage struct {
	r, l int
	tw   []complex128 // tw[k*(r-1) + q-1] = w_(L r)^(q k)
}

// newFFTPlan returns a plan for length n; n must be 5-smooth.
func newFFTPlan(n int) *fftPlan {
	if n < 1 || !smooth5(n) {
		panic(fmt.Sprintf("tsne: FFT length %d is not a product of 2, 3 and 5", n))
	}
	var radices []int
	m := n
	for m%4 == 0 {
		radices = append(radices, 4)
		m /= 4
	}
	for _, r := range []int{2, 3, 5} {
		for m%r == 0 {
			radices = append(radices, r)
			m /= r
		}
	}
	p := &fftPlan{n: n}
	l := 1
	for _, r := range radices {
		st := fftStage{r: r, l: l, tw: make([]complex128, l*(r-1))}
		for k := range l {
			for q := 1; q < r; q++ {
				st.tw[k*(r-1)+q-1] = cmplx.Rect(1, -2*math.Pi*float64(q*k)/float64(l*r))
			}
		}
		p.stages = append(p.stages, st)
		l *= r
	}
	return p
}

// smooth5 reports whether n has no prime factor above 5.
func smooth5(n int) bool {
	if n < 1 {
		return false
	}
	for _, f := range []int{2, 3, 5} {
		for n%f == 0 {
			n /= f
		}
	}
	return n == 1
}

// nextSmooth5 returns the least 5-smooth number >= n.
func nextSmooth5(n int) int {
	for !smooth5(n) {
		n++
	}
	return n
}

// forward replaces x (length n) by its DFT sum_t x[t] exp(-2 pi i f t / n).
// scratch must have length n.
func (p *fftPlan) forward(x, scratch []complex128) {
	src, dst := x[:p.n], scratch[:p.n]
	for _, st := range p.stages {
		st.apply(src, dst, p.n)
		src, dst = dst, src
	}
	if len(p.stages)%2 == 1 {
		copy(x, src)
	}
}

// inverse replaces x by its unnormalised inverse DFT (sign +, no 1/n).
func (p *fftPlan) inverse(x, scratch []complex128) {
	for i, v := range x[:p.n] {
		x[i] = cmplx.Conj(v)
	}
	p.forward(x, scratch)
	for i, v := range x[:p.n] {
		x[i] = cmplx.Conj(v)
	}
}

const (
	sin60 = 0.86602540378443864676 // sqrt(3)/2
)

func (st *fftStage) apply(src, dst []complex128, n int) {
	r, l := st.r, st.l
	lr := l * r
	cc := n / lr // C'
	tw := st.tw
	switch r {
	case 4:
		for c := range cc {
			in0 := src[l*c : l*c+l]
			in1 := src[l*(c+cc) : l*(c+cc)+l]
			in2 := src[l*(c+2*cc) : l*(c+2*cc)+l]
			in3 := src[l*(c+3*cc) : l*(c+3*cc)+l]
			out := dst[lr*c : lr*c+lr]
			o0, o1, o2, o3 := out[:l], out[l:2*l], out[2*l:3*l], out[3*l:4*l]
			for k := range l {
				a0 := in0[k]
				a1 := in1[k]
				a2 := in2[k]
				a3 := in3[k]
				if k > 0 {
					w := tw[3*k : 3*k+3]
					a1 *= w[0]
					a2 *= w[1]
					a3 *= w[2]
				}
				t0, t1 := a0+a2, a0-a2
				t2 := a1 + a3
				d := a1 - a3
				t3 := complex(imag(d), -real(d)) // -i * (a1 - a3)
				o0[k] = t0 + t2
				o1[k] = t1 + t3
				o2[k] = t0 - t2
				o3[k] = t1 - t3
			}
		}
	case 2:
		for c := range cc {
			in0 := src[l*c : l*c+l]
			in1 := src[l*(c+cc) : l*(c+cc)+l]
			out := dst[lr*c : lr*c+lr]
			o0, o1 := out[:l], out[l:2*l]
			for k := range l {
				a0 := in0[k]
				a1 := in1[k]
				if k > 0 {
					a1 *= tw[k]
				}
				o0[k] = a0 + a1
				o1[k] = a0 - a1
			}
		}
	case 3:
		for c := range cc {
			in0 := src[l*c : l*c+l]
			in1 := src[l*(c+cc) : l*(c+cc)+l]
			in2 := src[l*(c+2*cc) : l*(c+2*cc)+l]
			out := dst[lr*c : lr*c+lr]
			o0, o1, o2 := out[:l], out[l:2*l], out[2*l:3*l]
			for k := range l {
				a0 := in0[k]
				a1 := in1[k]
				a2 := in2[k]
				if k > 0 {
					a1 *= tw[2*k]
					a2 *= tw[2*k+1]
				}
				t := a1 + a2
				s := a1 - a2
				m := a0 - t*0.5
				// -i * sin60 * s
				js := complex(sin60*imag(s), -sin60*real(s))
				o0[k] = a0 + t
				o1[k] = m + js
				o2[k] = m - js
			}
		}
	default: // any small radix (5): direct DFT of the r inputs
		var a [8]complex128
		wr := make([]complex128, r)
		for q := range r {
			wr[q] = cmplx.Rect(1, -2*math.Pi*float64(q)/float64(r))
		}
		for c := range cc {
			out := dst[lr*c : lr*c+lr]
			for k := range l {
				for q := range r {
					a[q] = src[l*(c+cc*q)+k]
					if q > 0 && k > 0 {
						a[q] *= tw[k*(r-1)+q-1]
					}
				}
				for p := range r {
					var s complex128
					for q := range r {
						s += a[q] * wr[(q*p)%r]
					}
					out[l*p+k] = s
				}
			}
		}
	}
}
