package cluster

import (
	"fmt"
	"math"

	"github.com/gocontrast/contrast/recipes/nn"
)

// Noise is the label of points that belong to no cluster.
const Noise = -1

// Graph is a sparse distance matrix: row i lists the points j closer to
// i than Far, in increasing j, with their distances. Pairs not listed are
// at distance Far (1 for Jaccard distances).
type Graph struct {
	N    int
	Far  float64
	Adj  [][]int32
	Dist [][]float32
}

// Dense returns the graph as an [N, N] distance matrix.
func (g *Graph) Dense() *nn.Tensor {
	t := nn.New(g.N, g.N)
	for i := range t.Data {
		t.Data[i] = float32(g.Far)
	}
	for i, adj := range g.Adj {
		for k, j := range adj {
			t.Data[i*g.N+int(j)] = g.Dist[i][k]
		}
	}
	return t
}

// DBSCAN clusters N points given their distance matrix dist [N, N]
// (Ester et al. 1996): a point with at least minSamples points (itself
// included) within distance eps is a core point; clusters are the
// connected core points plus the points within eps of them; the rest is
// Noise. Labels are 0, 1, ... in the order scikit-learn's
// DBSCAN(eps, min_samples, metric="precomputed").fit_predict numbers them,
// and a border point reachable from two clusters goes where scikit-learn
// puts it: the result is identical, not just equal up to a permutation.
// Distances are compared as float32, d <= float32(eps), as scikit-learn
// does on a float32 matrix. SpCL uses eps = 0.6, minSamples = 4.
func DBSCAN(dist *nn.Tensor, eps float64, minSamples int) ([]int, error) {
	if dist == nil || len(dist.Shape) != 2 || dist.Shape[0] != dist.Shape[1] {
		return nil, fmt.Errorf("cluster: DBSCAN needs a square distance matrix [N, N], got %v: for features, pass CosineDistances(features) or Jaccard(features, k1, k2)", shapeOf(dist))
	}
	if err := checkDBSCAN(eps, minSamples); err != nil {
		return nil, err
	}
	n := dist.Shape[0]
	e := float32(eps)
	nb := make([][]int32, n)
	for i := 0; i < n; i++ {
		row := dist.Data[i*n : (i+1)*n]
		for j, d := range row {
			if math.IsNaN(float64(d)) {
				return nil, fmt.Errorf("cluster: distance (%d, %d) is NaN", i, j)
			}
			if d <= e {
				nb[i] = append(nb[i], int32(j))
			}
		}
	}
	return dbscan(nb, minSamples), nil
}

// DBSCANGraph is DBSCAN on a sparse distance matrix. eps must be below
// g.Far (otherwise every pair would be a neighbour: use Dense and DBSCAN).
func DBSCANGraph(g *Graph, eps float64, minSamples int) ([]int, error) {
	if err := checkDBSCAN(eps, minSamples); err != nil {
		return nil, err
	}
	if float32(eps) >= float32(g.Far) {
		return nil, fmt.Errorf("cluster: eps %v reaches the graph's far distance %v: use DBSCAN(g.Dense(), ...)", eps, g.Far)
	}
	e := float32(eps)
	nb := make([][]int32, g.N)
	for i, adj := range g.Adj {
		for k, j := range adj {
			if g.Dist[i][k] <= e {
				nb[i] = append(nb[i], j)
			}
		}
	}
	return dbscan(nb, minSamples), nil
}

func checkDBSCAN(eps float64, minSamples int) error {
	if !(eps > 0) || math.IsInf(eps, 0) {
		return fmt.Errorf("cluster: DBSCAN eps must be a positive distance, got %v", eps)
	}
	if minSamples < 1 {
		return fmt.Errorf("cluster: DBSCAN minSamples must be at least 1, got %d", minSamples)
	}
	return nil
}

func shapeOf(t *nn.Tensor) any {
	if t == nil {
		return "nil"
	}
	return t.Shape
}

// dbscan labels points from their eps-neighbourhoods (increasing index,
// self included) with scikit-learn's depth-first expansion (dbscan_inner):
// seeds in index order, a stack of neighbours pushed in order and popped
// from the top, a point labelled when popped and expanded if core.
func dbscan(nb [][]int32, minSamples int) []int {
	n := len(nb)
	labels := make([]int, n)
	for i := range labels {
		labels[i] = Noise
	}
	core := make([]bool, n)
	for i := range nb {
		core[i] = len(nb[i]) >= minSamples
	}
	var stack []int32
	next := 0
	for seed := 0; seed < n; seed++ {
		if labels[seed] != Noise || !core[seed] {
			continue
		}
		p := int32(seed)
		for {
			if labels[p] == Noise {
				labels[p] = next
				if core[p] {
					for _, v := range nb[p] {
						if labels[v] == Noise {
							stack = append(stack, v)
						}
					}
				}
			}
			if len(stack) == 0 {
				break
			}
			p = stack[len(stack)-1]
			stack = stack[:len(stack)-1]
		}
		next++
	}
	return labels
}
