package probe

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/gocontrast/contrast/blas"
	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/recipes/nn"
)

// RetrievalConfig holds the retrieval protocol.
type RetrievalConfig struct {
	// TopK is the length of the CMC curve; 0 means 10.
	TopK int
	// QueryCams and GalleryCams, when set, give each row a camera: a
	// gallery row with the query's label and camera is not a valid match
	// and is left out of the ranking (the Market-1501 protocol).
	QueryCams, GalleryCams []int
	// SameSet marks the query set as the gallery set itself (row i of
	// each is the same sample): each query's own row is left out.
	SameSet bool
}

// RetrievalResult is a retrieval evaluation.
type RetrievalResult struct {
	MAP     float64   // mean average precision over the valid queries
	CMC     []float64 // CMC[r]: fraction of valid queries with a match in the top r+1
	Queries int       // valid queries: those with at least one match
}

// String summarises the result.
func (r *RetrievalResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mAP %.4f", r.MAP)
	for _, k := range []int{1, 5, 10} {
		if k <= len(r.CMC) {
			fmt.Fprintf(&b, ", top-%d %.4f", k, r.CMC[k-1])
		}
	}
	fmt.Fprintf(&b, " (%d queries)", r.Queries)
	return b.String()
}

// Retrieval ranks the gallery [G, D] by cosine similarity to each query
// [Q, D] and scores the ranking against the labels, as re-ID evaluations
// do (open-reid's mean_ap and cmc with the Market-1501 settings):
//
//   - AP of a query is scikit-learn's average_precision_score of its
//     ranking (precision at each threshold weighted by the recall gained,
//     tied similarities forming one threshold); mAP is its mean;
//   - CMC[r] is the fraction of queries whose first match is within the
//     top r+1.
//
// Invalid gallery rows (same label and camera, or the query itself with
// SameSet) are left out; queries without any valid match are skipped.
// Similarities are blas.Sgemm in chunks; it stops with
// display.Context()'s error on interrupt.
func Retrieval(query *nn.Tensor, queryLabels []int, gallery *nn.Tensor, galleryLabels []int, cfg RetrievalConfig) (*RetrievalResult, error) {
	q, d, err := features("query features", query)
	if err != nil {
		return nil, err
	}
	g, gd, err := features("gallery features", gallery)
	if err != nil {
		return nil, err
	}
	if gd != d {
		return nil, fmt.Errorf("probe: query features have %d dimensions, gallery features %d", d, gd)
	}
	if len(queryLabels) != q || len(galleryLabels) != g {
		return nil, fmt.Errorf("probe: %d query labels for %d queries, %d gallery labels for %d gallery rows", len(queryLabels), q, len(galleryLabels), g)
	}
	if (cfg.QueryCams == nil) != (cfg.GalleryCams == nil) || (cfg.QueryCams != nil && (len(cfg.QueryCams) != q || len(cfg.GalleryCams) != g)) {
		return nil, fmt.Errorf("probe: give cameras for every query and every gallery row, or none")
	}
	if cfg.SameSet && q != g {
		return nil, fmt.Errorf("probe: SameSet with %d queries and %d gallery rows", q, g)
	}
	topK := cfg.TopK
	if topK <= 0 {
		topK = 10
	}
	xq, xg := unit(query), unit(gallery)
	ap := make([]float64, q)
	first := make([]int, q) // rank of the first match, -1 if none
	chunk := min(q, chunkRows(g))
	sim := make([]float32, chunk*g)
	ctx := display.Context()
	p := newProgress(q*g, q, "retrieval")
	defer p.Done()
	for lo := 0; lo < q; lo += chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(q, lo+chunk)
		blas.Sgemm(false, true, hi-lo, g, d, 1, xq[lo*d:hi*d], d, xg, d, 0, sim, g)
		parallel(hi-lo, func(r int) {
			i := lo + r
			row := sim[r*g : (r+1)*g]
			var cand []scored
			for j, v := range row {
				if cfg.SameSet && j == i {
					continue
				}
				if cfg.QueryCams != nil && galleryLabels[j] == queryLabels[i] && cfg.GalleryCams[j] == cfg.QueryCams[i] {
					continue
				}
				cand = append(cand, scored{v, int32(j)})
			}
			slices.SortFunc(cand, func(a, b scored) int {
				if c := cmp.Compare(b.v, a.v); c != 0 {
					return c
				}
				return cmp.Compare(a.i, b.i)
			})
			ap[i], first[i] = averagePrecision(cand, galleryLabels, queryLabels[i])
		})
		p.Add(hi - lo)
	}
	res := &RetrievalResult{CMC: make([]float64, topK)}
	for i := 0; i < q; i++ {
		if first[i] < 0 {
			continue
		}
		res.Queries++
		res.MAP += ap[i]
		if first[i] < topK {
			res.CMC[first[i]]++
		}
	}
	if res.Queries == 0 {
		return nil, fmt.Errorf("probe: no query has a valid match in the gallery")
	}
	for r := 1; r < topK; r++ {
		res.CMC[r] += res.CMC[r-1]
	}
	for r := range res.CMC {
		res.CMC[r] /= float64(res.Queries)
	}
	res.MAP /= float64(res.Queries)
	return res, nil
}

// averagePrecision returns scikit-learn's average precision of a ranking
// sorted by decreasing score, where the positives are the rows with
// label, and the rank of the first positive (-1 if there is none).
func averagePrecision(ranked []scored, labels []int, label int) (float64, int) {
	total := 0
	first := -1
	for r, e := range ranked {
		if labels[e.i] == label {
			if first < 0 {
				first = r
			}
			total++
		}
	}
	if total == 0 {
		return 0, -1
	}
	var ap float64
	tp, seen := 0, 0
	prevRecall := 0.0
	for k := 0; k < len(ranked); {
		// One threshold per distinct score.
		j := k
		for j < len(ranked) && ranked[j].v == ranked[k].v {
			if labels[ranked[j].i] == label {
				tp++
			}
			j++
		}
		seen = j
		recall := float64(tp) / float64(total)
		ap += (recall - prevRecall) * float64(tp) / float64(seen)
		prevRecall = recall
		k = j
	}
	return ap, first
}
