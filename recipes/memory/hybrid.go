package memory

import (
	"fmt"
	"math"

	"github.com/gocontrast/contrast/recipes/loss"
	"github.com/gocontrast/contrast/recipes/nn"
)

// Hybrid is SpCL's hybrid memory (Ge et al., arXiv 2006.02713, sec. 3.1):
// C source-domain class centroids followed by the features of the N
// target-domain instances, all L2-normalised, and a class label per row.
//
// Row c < C is source class c; row C+i is target instance i. Source rows
// are their own classes 0..C-1; target rows carry C + their cluster (after
// SetTargetLabels) or a class of their own while un-clustered. The batch
// indexes given to Loss and Update are memory rows: a source sample's
// class c, a target sample's C+i. With no source domain (C = 0) this is
// SpCL's unsupervised setting.
type Hybrid struct {
	// Temperature of the unified loss; loss.SpCLTemperature (0.05).
	Temperature float64
	// Momentum mu of the update f <- mu f + (1-mu) z, then normalised;
	// loss.SpCLMomentum (0.2), as yxgeee/SpCL --momentum.
	Momentum float64

	c, n, d int
	feats   []float32 // (c+n) x d
	labels  []int
	ws      loss.Workspace
	targets []int
	x       []float32
}

// NewHybrid returns a hybrid memory initialised with the source class
// centroids [C, D] (nil for none) and the target instance features [N, D],
// both L2-normalised on the way in, every target instance its own class,
// and SpCL's temperature and momentum.
func NewHybrid(sourceCentroids, targetFeatures *nn.Tensor) (*Hybrid, error) {
	if targetFeatures == nil || len(targetFeatures.Shape) != 2 || targetFeatures.Shape[0] == 0 || targetFeatures.Shape[1] == 0 {
		return nil, fmt.Errorf("memory: hybrid memory needs target features [N, D] with N, D > 0")
	}
	n, d := targetFeatures.Shape[0], targetFeatures.Shape[1]
	c := 0
	if sourceCentroids != nil {
		if len(sourceCentroids.Shape) != 2 || sourceCentroids.Shape[1] != d {
			return nil, fmt.Errorf("memory: source centroids %v do not match target features %v", sourceCentroids.Shape, targetFeatures.Shape)
		}
		c = sourceCentroids.Shape[0]
	}
	h := &Hybrid{Temperature: loss.SpCLTemperature, Momentum: loss.SpCLMomentum, c: c, n: n, d: d,
		feats: make([]float32, (c+n)*d), labels: make([]int, c+n)}
	if c > 0 {
		copy(h.feats, sourceCentroids.Data)
	}
	copy(h.feats[c*d:], targetFeatures.Data)
	for _, v := range h.feats {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("memory: hybrid memory features contain NaN or Inf")
		}
	}
	normalize(h.feats, c+n, d)
	for i := range h.labels {
		h.labels[i] = i
	}
	return h, nil
}

// Sources is the number C of source classes (the first C rows).
func (h *Hybrid) Sources() int { return h.c }

// Targets is the number N of target instances.
func (h *Hybrid) Targets() int { return h.n }

// Features returns the memory [C+N, D] as a view (see the package doc).
func (h *Hybrid) Features() *nn.Tensor {
	return &nn.Tensor{Shape: []int{h.c + h.n, h.d}, Data: h.feats}
}

// TargetFeatures returns the target instance rows [N, D] as a view: what
// SpCL clusters each epoch.
func (h *Hybrid) TargetFeatures() *nn.Tensor {
	return &nn.Tensor{Shape: []int{h.n, h.d}, Data: h.feats[h.c*h.d:]}
}

// Labels returns a copy of the rows' classes.
func (h *Hybrid) Labels() []int { return append([]int(nil), h.labels...) }

// SetTargetLabels assigns the target instances their clusters after a
// clustering: clusters[i] >= 0 is instance i's cluster, -1 marks an
// un-clustered instance (DBSCAN noise, or rejected by the self-paced
// criteria), which becomes a class of its own, as yxgeee/SpCL's
// generate_pseudo_labels does.
func (h *Hybrid) SetTargetLabels(clusters []int) error {
	if len(clusters) != h.n {
		return fmt.Errorf("memory: %d cluster labels for %d target instances", len(clusters), h.n)
	}
	top := -1
	for i, v := range clusters {
		if v < -1 {
			return fmt.Errorf("memory: cluster label %d of instance %d: use -1 for un-clustered", v, i)
		}
		top = max(top, v)
	}
	next := top + 1
	for i, v := range clusters {
		if v < 0 {
			v = next
			next++
		}
		h.labels[h.c+i] = h.c + v
	}
	return nil
}

// Loss is SpCL's unified contrastive loss (loss.SpCL) of the batch z
// [B, D] whose memory rows are indexes; it returns the loss and dL/dz.
// Call Update after the backward pass.
func (h *Hybrid) Loss(z *nn.Tensor, indexes []int) (float64, *nn.Tensor) {
	dz := nn.New(z.Shape...)
	return h.LossInto(dz, z, indexes), dz
}

// LossInto is Loss writing dL/dz into dz (nil skips it), without
// allocating once warm.
func (h *Hybrid) LossInto(dz, z *nn.Tensor, indexes []int) float64 {
	h.targets = h.targets[:0]
	for _, r := range indexes {
		h.checkRow(r)
		h.targets = append(h.targets, h.labels[r])
	}
	return h.ws.SpCL(dz, z, h.Features(), h.labels, h.targets, h.Temperature)
}

func (h *Hybrid) checkRow(r int) {
	if r < 0 || r >= h.c+h.n {
		panic(fmt.Sprintf("memory: memory row %d outside [0, %d)", r, h.c+h.n))
	}
}

// Update moves the memory rows indexes towards the batch's normalised
// embeddings z [B, D]: f <- mu f + (1-mu) z/|z|, then f <- f/|f| (SpCL,
// eq. 4 and 5), one sample after another as the reference code does, so
// that a source class seen twice in a batch is updated twice.
func (h *Hybrid) Update(z *nn.Tensor, indexes []int) {
	if len(z.Shape) != 2 || z.Shape[1] != h.d || z.Shape[0] != len(indexes) {
		panic(fmt.Sprintf("memory: Update with z %v and %d indexes for a memory of dimension %d", z.Shape, len(indexes), h.d))
	}
	mu := h.Momentum
	if cap(h.x) < h.d {
		h.x = make([]float32, h.d)
	}
	x := h.x[:h.d]
	for i, r := range indexes {
		h.checkRow(r)
		copy(x, z.Data[i*h.d:(i+1)*h.d])
		normalize(x, 1, h.d)
		f := h.feats[r*h.d : (r+1)*h.d]
		for j := range f {
			f[j] = float32(mu*float64(f[j]) + (1-mu)*float64(x[j]))
		}
		normalize(f, 1, h.d)
	}
}
