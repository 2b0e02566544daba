package memory

import "fmt"

// The String methods give each memory a one-line summary, so that a cell
// whose value is a queue shows its fill instead of 65,536 x 128 keys.

// String describes the queue, e.g. "Queue: 1024 of 4096 keys of dimension
// 128, labelled".
func (q *Queue) String() string {
	if q == nil {
		return "Queue(nil)"
	}
	s := fmt.Sprintf("Queue: %d of %d keys of dimension %d", q.n, q.k, q.d)
	if q.labelled {
		s += ", labelled"
	}
	return s
}

// String describes the momentum encoder's pairing, e.g. "Momentum m=0.999
// over 14 parameter tensors (1,234,567 weights)".
func (e *Momentum) String() string {
	if e == nil {
		return "Momentum(nil)"
	}
	w := 0
	for _, p := range e.online {
		w += len(p.Value.Data)
	}
	return fmt.Sprintf("Momentum m=%g over %d parameter tensors (%d weights)", e.M, len(e.online), w)
}

// String describes the cross-batch memory and its queue.
func (x *CrossBatch) String() string {
	if x == nil {
		return "CrossBatch(nil)"
	}
	return fmt.Sprintf("CrossBatch (SupCon tau %g): %v", x.SupCon.Temperature, x.queue)
}

// String describes the hybrid memory: its source classes, target instances
// and how many target clusters the current labels form.
func (h *Hybrid) String() string {
	if h == nil {
		return "Hybrid(nil)"
	}
	clusters := map[int]bool{}
	for _, l := range h.labels[h.c:] {
		clusters[l] = true
	}
	return fmt.Sprintf("Hybrid memory: %d source classes + %d target instances (%d target classes) of dimension %d, tau %g, momentum %g",
		h.c, h.n, len(clusters), h.d, h.Temperature, h.Momentum)
}
