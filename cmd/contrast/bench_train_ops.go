package main

// Minimal versions of the reference augmentation and NT-Xent loss for
// `contrast bench train`, written here until recipes/augment and
// recipes/loss land on main.

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/gocontrast/contrast/blas"
	"github.com/gocontrast/contrast/recipes/nn"
)

// benchAugment makes two views per image with DESIGN.md's reference
// augmentation: random resized crop (scale 0.3-1, ratio 3/4-4/3, bilinear
// to 28 px), horizontal flip p=0.5, brightness and contrast jitter 0.4
// applied with p=0.8.
type benchAugment struct {
	r     *rand.Rand
	seeds []uint64
}

func newBenchAugment(seed uint64) *benchAugment {
	return &benchAugment{r: rand.New(rand.NewPCG(seed, 11))}
}

// views writes views 0..B-1 (first view of each image) then B..2B-1
// (second views) into dst [2B, 1, 28, 28] for the images idx of imgs.
func (a *benchAugment) views(dst []float32, imgs []byte, idx []int) {
	b := len(idx)
	a.seeds = a.seeds[:0]
	for i := 0; i < 2*b; i++ {
		a.seeds = append(a.seeds, a.r.Uint64())
	}
	var wg sync.WaitGroup
	p := runtime.GOMAXPROCS(0)
	for w := 0; w < p; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var src [784]float32
			for v := w; v < 2*b; v += p {
				r := rand.New(rand.NewPCG(a.seeds[v], 12))
				for i, px := range imgs[idx[v%b]*784 : (idx[v%b]+1)*784] {
					src[i] = float32(px) / 255
				}
				augmentOne(dst[v*784:(v+1)*784], src[:], r)
			}
		}(w)
	}
	wg.Wait()
}

func augmentOne(dst, src []float32, r *rand.Rand) {
	const S = 28
	// random resized crop, as torchvision's RandomResizedCrop
	ch, cw, ci, cj := S, S, 0, 0
	for try := 0; try < 10; try++ {
		area := float64(S*S) * (0.3 + 0.7*r.Float64())
		logr := math.Log(3.0/4) + (math.Log(4.0/3)-math.Log(3.0/4))*r.Float64()
		ratio := math.Exp(logr)
		w := int(math.Round(math.Sqrt(area * ratio)))
		h := int(math.Round(math.Sqrt(area / ratio)))
		if w > 0 && h > 0 && w <= S && h <= S {
			ch, cw = h, w
			ci, cj = r.IntN(S-h+1), r.IntN(S-w+1)
			break
		}
	}
	flip := r.Float64() < 0.5
	sy, sx := float64(ch)/S, float64(cw)/S
	for y := 0; y < S; y++ {
		fy := math.Max((float64(y)+0.5)*sy-0.5, 0)
		y0 := int(fy)
		y1 := min(y0+1, ch-1)
		wy := float32(fy - float64(y0))
		for x := 0; x < S; x++ {
			fx := math.Max((float64(x)+0.5)*sx-0.5, 0)
			x0 := int(fx)
			x1 := min(x0+1, cw-1)
			wx := float32(fx - float64(x0))
			p00 := src[(ci+y0)*S+cj+x0]
			p01 := src[(ci+y0)*S+cj+x1]
			p10 := src[(ci+y1)*S+cj+x0]
			p11 := src[(ci+y1)*S+cj+x1]
			v := (p00*(1-wx)+p01*wx)*(1-wy) + (p10*(1-wx)+p11*wx)*wy
			ox := x
			if flip {
				ox = S - 1 - x
			}
			dst[y*S+ox] = v
		}
	}
	if r.Float64() < 0.8 {
		bf := float32(0.6 + 0.8*r.Float64())
		cf := float32(0.6 + 0.8*r.Float64())
		var mean float32
		for i, v := range dst {
			v = min(max(v*bf, 0), 1)
			dst[i] = v
			mean += v
		}
		mean /= float32(len(dst))
		for i, v := range dst {
			dst[i] = min(max((v-mean)*cf+mean, 0), 1)
		}
	}
}

// ntXent is the NT-Xent loss of SimCLR (arXiv:2002.05709) over 2B
// embeddings where rows i and i+B are positives, averaged over all 2B
// anchors (both directions), with its gradient.
type ntXent struct {
	zn, sim, grad, dzn *nn.Tensor
	norm               []float64
}

func (l *ntXent) loss(z *nn.Tensor, tau float64) (float64, *nn.Tensor) {
	m, d := z.Rows(), z.Cols()
	b := m / 2
	l.zn = reuse(l.zn, m, d)
	l.sim = reuse(l.sim, m, m)
	l.grad = reuse(l.grad, m, d)
	l.dzn = reuse(l.dzn, m, d)
	if cap(l.norm) < m {
		l.norm = make([]float64, m)
	}
	norm := l.norm[:m]
	for i := 0; i < m; i++ {
		row := z.Data[i*d : (i+1)*d]
		var s float64
		for _, v := range row {
			s += float64(v) * float64(v)
		}
		norm[i] = math.Max(math.Sqrt(s), 1e-12)
		for j, v := range row {
			l.zn.Data[i*d+j] = float32(float64(v) / norm[i])
		}
	}
	blas.Sgemm(false, true, m, m, d, float32(1/tau), l.zn.Data, d, l.zn.Data, d, 0, l.sim.Data, m)
	var total float64
	for i := 0; i < m; i++ {
		row := l.sim.Data[i*m : (i+1)*m]
		pos := (i + b) % m
		mx := math.Inf(-1)
		for j, v := range row {
			if j != i {
				mx = math.Max(mx, float64(v))
			}
		}
		var se float64
		for j, v := range row {
			if j != i {
				se += math.Exp(float64(v) - mx)
			}
		}
		lse := mx + math.Log(se)
		total += lse - float64(row[pos])
		// row becomes dL/dsim: (softmax − onehot)/m, zero on the diagonal
		for j, v := range row {
			g := 0.0
			if j != i {
				g = math.Exp(float64(v)-lse) / float64(m)
			}
			if j == pos {
				g -= 1 / float64(m)
			}
			row[j] = float32(g)
		}
	}
	// dL/dzn = (G + Gᵀ)·zn / tau
	blas.Sgemm(false, false, m, d, m, float32(1/tau), l.sim.Data, m, l.zn.Data, d, 0, l.dzn.Data, d)
	blas.Sgemm(true, false, m, d, m, float32(1/tau), l.sim.Data, m, l.zn.Data, d, 1, l.dzn.Data, d)
	for i := 0; i < m; i++ {
		zr := l.zn.Data[i*d : (i+1)*d]
		gr := l.dzn.Data[i*d : (i+1)*d]
		var dot float64
		for j := range zr {
			dot += float64(zr[j]) * float64(gr[j])
		}
		for j := range zr {
			l.grad.Data[i*d+j] = float32((float64(gr[j]) - float64(zr[j])*dot) / norm[i])
		}
	}
	return total / float64(m), l.grad
}

func reuse(t *nn.Tensor, r, c int) *nn.Tensor {
	if t == nil || cap(t.Data) < r*c {
		return nn.New(r, c)
	}
	t.Data = t.Data[:r*c]
	t.Shape = append(t.Shape[:0], r, c)
	return t
}
