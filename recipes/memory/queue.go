package memory

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gocontrast/contrast/blas"
	"github.com/gocontrast/contrast/recipes/nn"
)

// Queue is a first-in first-out memory of up to K keys of dimension D,
// with optional integer labels: MoCo's dictionary queue (arXiv 1911.05722,
// sec. 3.2; K = 65536 in MoCo v2) and, labelled, a cross-batch memory.
// Enqueue L2-normalises the keys and, once the queue is full, overwrites
// the oldest ones.
type Queue struct {
	k, d     int
	keys     []float32 // k*d slots
	labels   []int     // k slots when labelled
	labelled bool
	n        int // filled slots, always 0..n-1
	ptr      int // slot the next key goes to; the oldest key when full
}

// NewQueue returns an empty queue of capacity k for keys of dimension d.
func NewQueue(k, d int) (*Queue, error) {
	if k <= 0 || d <= 0 {
		return nil, fmt.Errorf("memory: queue size %d and key dimension %d must be positive", k, d)
	}
	return &Queue{k: k, d: d, keys: make([]float32, k*d)}, nil
}

// NewLabelledQueue returns an empty queue that stores a label with each
// key; Enqueue then requires labels.
func NewLabelledQueue(k, d int) (*Queue, error) {
	q, err := NewQueue(k, d)
	if err != nil {
		return nil, err
	}
	q.labelled = true
	q.labels = make([]int, k)
	return q, nil
}

// Cap is the queue's capacity K.
func (q *Queue) Cap() int { return q.k }

// Dim is the key dimension D.
func (q *Queue) Dim() int { return q.d }

// Len is the number of keys held.
func (q *Queue) Len() int { return q.n }

// Full reports whether the queue holds K keys.
func (q *Queue) Full() bool { return q.n == q.k }

// FillRandom fills the queue with K random unit keys (Gaussian, then
// normalised), as MoCo initialises its queue; their labels are -1.
func (q *Queue) FillRandom(rng *rand.Rand) {
	for i := range q.keys {
		q.keys[i] = float32(rng.NormFloat64())
	}
	normalize(q.keys, q.k, q.d)
	for i := range q.labels {
		q.labels[i] = -1
	}
	q.n, q.ptr = q.k, 0
}

// normalize L2-normalises the n rows of x in place.
func normalize(x []float32, n, d int) {
	for i := 0; i < n; i++ {
		r := x[i*d : (i+1)*d]
		var ss float64
		for _, v := range r {
			ss += float64(v) * float64(v)
		}
		inv := 1 / math.Max(math.Sqrt(ss), 1e-12)
		for j := range r {
			r[j] = float32(float64(r[j]) * inv)
		}
	}
}

// Enqueue adds the B rows of keys [B, D], L2-normalised, as the newest
// entries, dropping the oldest when the queue is full (MoCo's
// _dequeue_and_enqueue). labels, one per key, are required by a labelled
// queue and must be nil otherwise. With B > K only the last K keys stay.
func (q *Queue) Enqueue(keys *nn.Tensor, labels []int) {
	if len(keys.Shape) != 2 || keys.Shape[1] != q.d {
		panic(fmt.Sprintf("memory: Enqueue of keys %v into a queue of dimension %d", keys.Shape, q.d))
	}
	b := keys.Shape[0]
	if q.labelled != (labels != nil) || (labels != nil && len(labels) != b) {
		panic(fmt.Sprintf("memory: Enqueue of %d keys with %d labels into a queue that labelled=%v", b, len(labels), q.labelled))
	}
	start := 0
	if b > q.k {
		start = b - q.k
	}
	for i := start; i < b; i++ {
		slot := q.ptr
		dst := q.keys[slot*q.d : (slot+1)*q.d]
		copy(dst, keys.Data[i*q.d:(i+1)*q.d])
		normalize(dst, 1, q.d)
		if q.labelled {
			q.labels[slot] = labels[i]
		}
		q.ptr = (q.ptr + 1) % q.k
		if q.n < q.k {
			q.n++
		}
	}
}

// Dequeue drops the m oldest keys (all of them if m >= Len).
func (q *Queue) Dequeue(m int) {
	if m <= 0 {
		return
	}
	if m >= q.n {
		q.n, q.ptr = 0, 0
		return
	}
	// Rotate so that the oldest key is in slot 0, then drop the first m.
	oldest := 0
	if q.n == q.k {
		oldest = q.ptr
	}
	q.keys = rotate(q.keys, oldest*q.d)
	if q.labelled {
		q.labels = rotate(q.labels, oldest)
	}
	copy(q.keys, q.keys[m*q.d:q.n*q.d])
	if q.labelled {
		copy(q.labels, q.labels[m:q.n])
	}
	q.n -= m
	q.ptr = q.n
}

func rotate[T any](s []T, k int) []T {
	if k == 0 {
		return s
	}
	out := make([]T, len(s))
	n := copy(out, s[k:])
	copy(out[n:], s[:k])
	return out
}

// Keys returns the held keys as a [Len, D] view of the queue's storage,
// in slot order (not age order; the losses do not care). It is valid
// until the next Enqueue or Dequeue and must not be modified.
func (q *Queue) Keys() *nn.Tensor {
	return &nn.Tensor{Shape: []int{q.n, q.d}, Data: q.keys[:q.n*q.d]}
}

// Labels returns the labels of Keys' rows (a view, nil for an unlabelled
// queue).
func (q *Queue) Labels() []int {
	if !q.labelled {
		return nil
	}
	return q.labels[:q.n]
}

// Snapshot returns a copy of the keys [Len, D] and their labels (nil when
// unlabelled), oldest first.
func (q *Queue) Snapshot() (*nn.Tensor, []int) {
	out := nn.New(q.n, q.d)
	var lab []int
	if q.labelled {
		lab = make([]int, q.n)
	}
	oldest := 0
	if q.n == q.k {
		oldest = q.ptr
	}
	for i := 0; i < q.n; i++ {
		s := (oldest + i) % q.k
		copy(out.Data[i*q.d:(i+1)*q.d], q.keys[s*q.d:(s+1)*q.d])
		if lab != nil {
			lab[i] = q.labels[s]
		}
	}
	return out, lab
}

// Similarity returns scale * batch . keys^T, [B, Len], in Keys' row order:
// MoCo's l_neg for scale = 1/tau. It writes into dst when dst has B*Len
// elements (reusing it across steps) and allocates otherwise. It is one
// blas.Sgemm; batch rows are used as given.
func (q *Queue) Similarity(dst, batch *nn.Tensor, scale float32) *nn.Tensor {
	if len(batch.Shape) != 2 || batch.Shape[1] != q.d {
		panic(fmt.Sprintf("memory: Similarity of a batch %v against keys of dimension %d", batch.Shape, q.d))
	}
	b := batch.Shape[0]
	if dst == nil || len(dst.Data) != b*q.n {
		dst = nn.New(b, q.n)
	} else {
		dst.Shape = append(dst.Shape[:0], b, q.n)
	}
	if b > 0 && q.n > 0 {
		blas.Sgemm(false, true, b, q.n, q.d, scale, batch.Data, q.d, q.keys, q.d, 0, dst.Data, q.n)
	}
	return dst
}
