package tsne

import "math"

// Barnes-Hut repulsion (van der Maaten 2014, arXiv:1301.3342): the
// embedding is put in a 2^dims-ary space-partitioning tree (quadtree in
// 2-D); a cell of side length s whose centre of mass is at distance r from
// a point stands in for all its points when s/r < theta, contributing
// count*w and count*w^2 (y_i - centre), w = 1/(1+r^2). Cells that are too
// close are opened; leaves that are too close are summed exactly. theta
// 0.5 is the paper's and openTSNE's default.

const bhLeafSize = 8 // points per leaf before it is split

type bhNode struct {
	com   [3]float64 // centre of mass
	width float64    // side length of the cell
	count int32
	child int32 // index of the first of 2^dims children, or -1 for a leaf
	start int32 // leaf: its points are perm[start:start+count]
}

type bhRepulsion struct {
	n, dims, threads int
	theta            float64
	nodes            []bhNode
	perm             []int32
	tmp              []int32
	zi               []float64
}

func newBHRepulsion(n, dims, threads int, theta float64) *bhRepulsion {
	return &bhRepulsion{n: n, dims: dims, threads: threads, theta: theta,
		perm: make([]int32, n), tmp: make([]int32, n), zi: make([]float64, n)}
}

func (b *bhRepulsion) name() string { return "barnes-hut" }

// build makes the tree over y.
func (b *bhRepulsion) build(y []float64) {
	dims := b.dims
	var lo, hi [3]float64
	for c := range dims {
		lo[c], hi[c] = math.Inf(1), math.Inf(-1)
	}
	for i := range b.n {
		for c := range dims {
			v := y[i*dims+c]
			lo[c] = math.Min(lo[c], v)
			hi[c] = math.Max(hi[c], v)
		}
	}
	var centre [3]float64
	width := 0.0
	for c := range dims {
		centre[c] = (lo[c] + hi[c]) / 2
		width = math.Max(width, hi[c]-lo[c])
	}
	width = width*(1+1e-9) + 1e-300
	for i := range b.perm {
		b.perm[i] = int32(i)
	}
	b.nodes = b.nodes[:0]
	b.nodes = append(b.nodes, bhNode{})
	b.split(0, y, 0, b.n, centre, width, 0)
}

// split fills node ni from the points perm[s:e] in the cell of the given
// centre and width, recursing into children.
func (b *bhRepulsion) split(ni int, y []float64, s, e int, centre [3]float64, width float64, depth int) {
	dims := b.dims
	nd := bhNode{width: width, count: int32(e - s), child: -1, start: int32(s)}
	for _, i := range b.perm[s:e] {
		for c := range dims {
			nd.com[c] += y[int(i)*dims+c]
		}
	}
	for c := range dims {
		nd.com[c] /= float64(e - s)
	}
	if e-s <= bhLeafSize || depth >= 48 {
		b.nodes[ni] = nd
		return
	}
	// Stable partition of perm[s:e] by child index.
	nc := 1 << dims
	var counts [9]int
	quad := func(i int32) int {
		q := 0
		for c := range dims {
			if y[int(i)*dims+c] >= centre[c] {
				q |= 1 << c
			}
		}
		return q
	}
	for _, i := range b.perm[s:e] {
		counts[quad(i)+1]++
	}
	for q := range nc {
		counts[q+1] += counts[q]
	}
	var fill [8]int
	copy(fill[:], counts[:nc])
	for _, i := range b.perm[s:e] {
		q := quad(i)
		b.tmp[s+fill[q]] = i
		fill[q]++
	}
	copy(b.perm[s:e], b.tmp[s:e])
	first := len(b.nodes)
	nd.child = int32(first)
	b.nodes[ni] = nd
	for range nc {
		b.nodes = append(b.nodes, bhNode{child: -1})
	}
	half := width / 2
	for q := range nc {
		cs, ce := s+counts[q], s+counts[q+1]
		if cs == ce {
			b.nodes[first+q] = bhNode{width: half, child: -1}
			continue
		}
		var cc [3]float64
		for c := range dims {
			if q&(1<<c) != 0 {
				cc[c] = centre[c] + half/2
			} else {
				cc[c] = centre[c] - half/2
			}
		}
		b.split(first+q, y, cs, ce, cc, half, depth+1)
	}
}

func (b *bhRepulsion) forces(y, rep []float64) float64 {
	b.build(y)
	dims := b.dims
	theta2 := b.theta * b.theta
	nc := int32(1) << dims
	// Walk points in tree order for locality.
	parallelFor(b.n, 256, b.threads, func(_, lo, hi int) {
		stack := make([]int32, 0, 64*int(nc))
		for _, i32 := range b.perm[lo:hi] {
			i := int(i32)
			yi := y[i*dims : (i+1)*dims]
			var r [3]float64
			var z float64
			stack = append(stack[:0], 0)
			for len(stack) > 0 {
				nd := &b.nodes[stack[len(stack)-1]]
				stack = stack[:len(stack)-1]
				if nd.count == 0 {
					continue
				}
				var d [3]float64
				var d2 float64
				for c := range dims {
					d[c] = yi[c] - nd.com[c]
					d2 += d[c] * d[c]
				}
				if nd.width*nd.width < theta2*d2 {
					w := 1 / (1 + d2)
					cw := float64(nd.count) * w
					z += cw
					cw *= w
					for c := range dims {
						r[c] += cw * d[c]
					}
					continue
				}
				if nd.child < 0 {
					for _, j32 := range b.perm[nd.start : nd.start+nd.count] {
						j := int(j32)
						if j == i {
							continue
						}
						var e2 float64
						for c := range dims {
							d[c] = yi[c] - y[j*dims+c]
							e2 += d[c] * d[c]
						}
						w := 1 / (1 + e2)
						z += w
						w2 := w * w
						for c := range dims {
							r[c] += w2 * d[c]
						}
					}
					continue
				}
				for q := nc - 1; q >= 0; q-- {
					stack = append(stack, nd.child+q)
				}
			}
			copy(rep[i*dims:(i+1)*dims], r[:dims])
			b.zi[i] = z
		}
	})
	return sumOrdered(b.zi)
}
