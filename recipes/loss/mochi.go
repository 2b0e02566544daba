package loss

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gocontrast/contrast/recipes/nn"
)

// MoCHiConfig holds the hyperparameters of hard negative mixing
// (Kalantidis et al., arXiv 2010.01028), written MoCHi (N, s, s') in the
// paper.
type MoCHiConfig struct {
	Temperature float64 // InfoNCE temperature; MoCo v2's 0.2
	N           int     // mix among the N hardest negatives of each query
	S           int     // synthetic negatives mixing two hard negatives
	SPrime      int     // synthetic negatives mixing the query with a hard negative
}

// DefaultMoCHi returns MoCHi (1024, 1024, 128) on top of MoCo v2's
// temperature 0.2, a configuration from the paper's ImageNet-100 ablation
// (arXiv 2010.01028, Table 1). Scale N, S and SPrime down with the queue.
func DefaultMoCHi() MoCHiConfig {
	return MoCHiConfig{Temperature: MoCoTemperature, N: 1024, S: 1024, SPrime: 128}
}

// Mixing is one draw of MoCHi's mixing choices for a batch of B queries:
// for query b and synthetic negative t,
//
//	h  = normalize(Alpha[b*S+t] n_I + (1-Alpha[b*S+t]) n_J),   t < S
//	h' = normalize(Beta[b*S'+t] q + (1-Beta[b*S'+t]) n_JQ),     t < S'
//
// where n_i is the i-th hardest negative of query b (0 = the most similar
// queue entry) and indices are taken from I, J, JQ at the same position.
// DrawMixing draws one with the paper's distributions; tests pass their
// own so that other implementations compute the same thing.
type Mixing struct {
	N, S, SPrime int
	I, J         []int     // B*S positions in the hardest-N list
	Alpha        []float64 // B*S coefficients in (0, 1)
	JQ           []int     // B*SPrime positions in the hardest-N list
	Beta         []float64 // B*SPrime coefficients in (0, 0.5)
}

// DrawMixing draws MoCHi's mixing choices for b queries against a queue
// of k entries: positions uniform among the min(cfg.N, k) hardest, alpha
// uniform in (0, 1) and beta uniform in (0, 0.5) as in the paper.
func DrawMixing(rng *rand.Rand, b, k int, cfg MoCHiConfig) *Mixing {
	n := min(cfg.N, k)
	m := &Mixing{N: n, S: cfg.S, SPrime: cfg.SPrime}
	if n <= 0 {
		m.S, m.SPrime = 0, 0
		return m
	}
	m.I = make([]int, b*m.S)
	m.J = make([]int, b*m.S)
	m.Alpha = make([]float64, b*m.S)
	for t := range m.I {
		m.I[t] = rng.IntN(n)
		m.J[t] = rng.IntN(n)
		m.Alpha[t] = openUnit(rng)
	}
	m.JQ = make([]int, b*m.SPrime)
	m.Beta = make([]float64, b*m.SPrime)
	for t := range m.JQ {
		m.JQ[t] = rng.IntN(n)
		m.Beta[t] = 0.5 * openUnit(rng)
	}
	return m
}

// openUnit is uniform in the open interval (0, 1).
func openUnit(rng *rand.Rand) float64 {
	for {
		if v := rng.Float64(); v > 0 {
			return v
		}
	}
}

func (m *Mixing) check(b, k int) {
	if m.N > k || (m.N <= 0 && m.S+m.SPrime > 0) {
		panic(fmt.Sprintf("loss: MoCHi mixes among the %d hardest of a queue of %d", m.N, k))
	}
	if m.S < 0 || m.SPrime < 0 || len(m.I) != b*m.S || len(m.J) != b*m.S || len(m.Alpha) != b*m.S ||
		len(m.JQ) != b*m.SPrime || len(m.Beta) != b*m.SPrime {
		panic(fmt.Sprintf("loss: Mixing for S=%d, S'=%d does not match a batch of %d queries", m.S, m.SPrime, b))
	}
	for _, v := range [][]int{m.I, m.J, m.JQ} {
		for _, i := range v {
			if i < 0 || i >= m.N {
				panic(fmt.Sprintf("loss: Mixing position %d outside the %d hardest", i, m.N))
			}
		}
	}
}

// MoCHi is InfoNCE with hard negative mixing (arXiv 2010.01028, sec. 4):
// for each query, the queue entries are ranked by similarity, and
// cfg.S + cfg.SPrime synthetic negatives mixed from the cfg.N hardest (and
// the query) are added to the negatives of that query only. Synthetic
// negatives are L2-normalised, detached (no gradient flows through them,
// even through the query they mix) and never enqueued. The mixing choices
// are drawn from rng. It returns the loss, averaged over the B queries,
// and dL/dq.
func MoCHi(q, k, queue *nn.Tensor, cfg MoCHiConfig, rng *rand.Rand) (float64, *nn.Tensor) {
	var w Workspace
	dq := nn.New(q.Shape...)
	l := w.MoCHi(dq, q, k, queue, cfg, rng)
	return l, dq
}

// MoCHi is the allocation-free form of MoCHi (apart from the mixing draw).
func (w *Workspace) MoCHi(dq, q, k, queue *nn.Tensor, cfg MoCHiConfig, rng *rand.Rand) float64 {
	if cfg.N < 0 || cfg.S < 0 || cfg.SPrime < 0 {
		panic(fmt.Sprintf("loss: MoCHi sizes must be >= 0, got N=%d S=%d S'=%d", cfg.N, cfg.S, cfg.SPrime))
	}
	mix := DrawMixing(rng, q.Rows(), queue.Rows(), cfg)
	return w.queueNCE(dq, q, k, queue, cfg.Temperature, mix)
}

// MoCHiMixed is MoCHi with the mixing choices given explicitly.
func MoCHiMixed(q, k, queue *nn.Tensor, tau float64, mix *Mixing) (float64, *nn.Tensor) {
	var w Workspace
	dq := nn.New(q.Shape...)
	l := w.queueNCE(dq, q, k, queue, tau, mix)
	return l, dq
}

// MoCHiMixed is the allocation-free form of MoCHiMixed.
func (w *Workspace) MoCHiMixed(dq, q, k, queue *nn.Tensor, tau float64, mix *Mixing) float64 {
	return w.queueNCE(dq, q, k, queue, tau, mix)
}

type scored struct {
	v float32
	i int32
}

// mixScratch is one worker's scratch for synthesising a query's negatives.
// A synthetic negative h = (a x + c y)/|a x + c y| is never formed: its
// logit needs only x.u and y.u (in the similarity row), |x|, |y| and x.y,
// and its share of the gradient, p h, is spread over the hardest rows and
// the query as weights.
type mixScratch struct {
	heap []scored  // the hardest N, a min-heap while selecting
	nn   []float64 // squared norms of the hardest N
	l    []float32 // synthetic logits, then exp(logit - max)
	pos  []int32   // per synthetic negative: positions of x and y (-1 for x = the query)
	coef []float64 // per synthetic negative: a/|.|, c/|.|
	wts  []float64 // gradient weights of the hardest N
}

// hardest returns the n entries of row with the largest values, sorted
// descending (ties by index).
func (ms *mixScratch) hardest(row []float32, n int) []scored {
	h := ms.heap[:0]
	less := func(a, b scored) bool { return a.v < b.v || (a.v == b.v && a.i > b.i) }
	down := func(i int) {
		for {
			c := 2*i + 1
			if c >= len(h) {
				return
			}
			if c+1 < len(h) && less(h[c+1], h[c]) {
				c++
			}
			if !less(h[c], h[i]) {
				return
			}
			h[i], h[c] = h[c], h[i]
			i = c
		}
	}
	for j, v := range row {
		e := scored{v, int32(j)}
		if len(h) < n {
			h = append(h, e)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !less(h[i], h[p]) {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
			continue
		}
		if less(h[0], e) {
			h[0] = e
			down(0)
		}
	}
	slices.SortFunc(h, func(a, b scored) int {
		if c := cmp.Compare(b.v, a.v); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	ms.heap = h
	return h
}

func dot32(x, y []float32) float64 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return float64(s0) + float64(s1) + float64(s2) + float64(s3)
}

// synthesize computes query r's synthetic logits h.u/tau from the
// similarity row (u.queue_j/tau) and returns them in scratch that
// accumulate reuses.
func (ms *mixScratch) synthesize(m *Mixing, r int, row, u, queue []float32, d int, invTau float32) []float32 {
	ns := m.S + m.SPrime
	if ns == 0 {
		return nil
	}
	top := ms.hardest(row, m.N)
	tau := 1 / float64(invTau)
	ms.nn = grow64(&ms.nn, len(top))
	for t, e := range top {
		x := queue[int(e.i)*d:][:d]
		ms.nn[t] = dot32(x, x)
	}
	uu := dot32(u, u)
	ms.l = grow32(&ms.l, ns)
	ms.pos = growInt32(&ms.pos, 2*ns)
	ms.coef = grow64(&ms.coef, 2*ns)
	for t := 0; t < ns; t++ {
		var a, xu, xx, xy, yu, yy float64
		var pi, pj int
		if t < m.S {
			a = m.Alpha[r*m.S+t]
			pi, pj = m.I[r*m.S+t], m.J[r*m.S+t]
			xu, xx = float64(top[pi].v)*tau, ms.nn[pi]
			if pi == pj {
				xy = xx
			} else {
				xy = dot32(queue[int(top[pi].i)*d:][:d], queue[int(top[pj].i)*d:][:d])
			}
		} else {
			tt := t - m.S
			a = m.Beta[r*m.SPrime+tt]
			pi, pj = -1, m.JQ[r*m.SPrime+tt]
			xu, xx = uu, uu
			xy = float64(top[pj].v) * tau
		}
		c := 1 - a
		yu, yy = float64(top[pj].v)*tau, ms.nn[pj]
		n := math.Max(math.Sqrt(math.Max(a*a*xx+c*c*yy+2*a*c*xy, 0)), normEps)
		ms.l[t] = float32((a*xu + c*yu) / n * float64(invTau))
		ms.pos[2*t], ms.pos[2*t+1] = int32(pi), int32(pj)
		ms.coef[2*t], ms.coef[2*t+1] = a/n, c/n
	}
	return ms.l
}

// accumulate adds sum_t p_t h_t to g, where syn holds exp(logit - max)
// and inv the softmax normaliser.
func (ms *mixScratch) accumulate(g, syn []float32, inv float32, u, queue []float32, d int) {
	wts := grow64(&ms.wts, len(ms.heap))
	clear(wts)
	var wu float64
	for t, e := range syn {
		p := float64(e * inv)
		if pi := ms.pos[2*t]; pi >= 0 {
			wts[pi] += p * ms.coef[2*t]
		} else {
			wu += p * ms.coef[2*t]
		}
		wts[ms.pos[2*t+1]] += p * ms.coef[2*t+1]
	}
	if wu != 0 {
		w := float32(wu)
		for j := range g {
			g[j] += w * u[j]
		}
	}
	for t, e := range ms.heap {
		if wts[t] == 0 {
			continue
		}
		w := float32(wts[t])
		x := queue[int(e.i)*d:][:d]
		for j := range g {
			g[j] += w * x[j]
		}
	}
}

func growInt32(b *[]int32, n int) []int32 {
	if cap(*b) < n {
		*b = make([]int32, n)
	}
	*b = (*b)[:n]
	return *b
}
