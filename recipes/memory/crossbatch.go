package memory

import (
	"fmt"

	"github.com/gocontrast/contrast/recipes/loss"
	"github.com/gocontrast/contrast/recipes/nn"
)

// CrossBatch is a cross-batch memory for supervised losses (XBM, Wang et
// al., arXiv 1912.06798): a labelled FIFO queue of the embeddings of
// recent batches against which each new batch is also contrasted, giving
// a supervised loss many more positives and negatives than one batch has.
// Embeddings drift slowly once training settles, which is why XBM starts
// it after a warm-up (the caller's choice: call Loss without the memory,
// loss.SupCon, until then).
type CrossBatch struct {
	// SupCon is the loss's configuration; loss.DefaultSupCon().
	SupCon loss.SupConConfig
	queue  *Queue
	ws     loss.Workspace
	rows   []int
}

// NewCrossBatch returns an empty cross-batch memory of size embeddings of
// dimension dim.
func NewCrossBatch(size, dim int) (*CrossBatch, error) {
	q, err := NewLabelledQueue(size, dim)
	if err != nil {
		return nil, err
	}
	return &CrossBatch{SupCon: loss.DefaultSupCon(), queue: q}, nil
}

// Queue returns the underlying labelled queue.
func (x *CrossBatch) Queue() *Queue { return x.queue }

// Loss computes loss.SupConMemory of the batch z [N, D] with labels (one
// per row, or one per image repeated over the views) against the memory,
// then enqueues the batch's normalised embeddings and labels. It returns
// the loss and dL/dz.
func (x *CrossBatch) Loss(z *nn.Tensor, labels []int) (float64, *nn.Tensor) {
	dz := nn.New(z.Shape...)
	return x.LossInto(dz, z, labels), dz
}

// LossInto is Loss writing dL/dz into dz (nil skips it).
func (x *CrossBatch) LossInto(dz, z *nn.Tensor, labels []int) float64 {
	n := z.Rows()
	if labels == nil || len(labels) == 0 || n%len(labels) != 0 {
		panic(fmt.Sprintf("memory: CrossBatch needs labels, one per row or per image, for %d rows; got %d", n, len(labels)))
	}
	x.rows = x.rows[:0]
	for i := 0; i < n; i++ {
		x.rows = append(x.rows, labels[i%len(labels)])
	}
	l := x.ws.SupCon(dz, z, x.rows, x.queue.Keys(), x.queue.Labels(), x.SupCon)
	x.queue.Enqueue(z, x.rows)
	return l
}
