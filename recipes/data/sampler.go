package data

import "fmt"

// BalancedSampler returns one epoch of class-balanced batches: each batch
// holds P classes x K instances (P*K indices; the K indices of a class are
// adjacent). This is the "PK" sampler of person re-identification
// (Hermans et al., arXiv 1703.07737) that SpCL (arXiv 2006.02713) trains
// with (P=16, K=4 for a batch of 64), and it gives SupCon (arXiv
// 2004.11362) several positives per anchor in every batch.
//
// Per epoch, the indices of each class are shuffled and cut into chunks of
// K; a class with fewer than K samples is filled up to K by drawing with
// replacement, and a last chunk shorter than K is dropped. Then, while at
// least P classes have chunks left, P of them are drawn at random and one
// chunk is taken from each. Samples with a negative label (SpCL's
// un-clustered outliers) are skipped: give them their own labels to
// include them.
//
// It returns an error if fewer than P classes have samples; it panics if
// P or K is < 1.
func (d *Dataset) BalancedSampler(P, K int, seed uint64) ([][]int, error) {
	return BalancedBatches(d.Labels, P, K, seed)
}

// BalancedBatches is Dataset.BalancedSampler over a plain label slice, for
// labels that change during training (SpCL's pseudo-labels).
func BalancedBatches(labels []int, P, K int, seed uint64) ([][]int, error) {
	if P < 1 || K < 1 {
		panic(fmt.Sprintf("data: BalancedBatches: P=%d and K=%d must be >= 1", P, K))
	}
	rng := newRand(seed)
	var chunks [][][]int // per class, its chunks of K
	for _, idx := range groupByLabel(labels) {
		if labels[idx[0]] < 0 {
			continue
		}
		idx = append([]int(nil), idx...)
		if len(idx) < K {
			for len(idx) < K {
				idx = append(idx, idx[rng.IntN(len(idx))])
			}
		}
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		var cs [][]int
		for lo := 0; lo+K <= len(idx); lo += K {
			cs = append(cs, idx[lo:lo+K])
		}
		chunks = append(chunks, cs)
	}
	if len(chunks) < P {
		return nil, fmt.Errorf("data: balanced sampler needs at least P=%d labelled classes, the labels have %d", P, len(chunks))
	}
	avail := make([]int, len(chunks)) // classes with chunks left
	for i := range avail {
		avail[i] = i
	}
	var out [][]int
	for len(avail) >= P {
		// Draw P distinct classes: a partial Fisher-Yates over avail.
		for i := 0; i < P; i++ {
			j := i + rng.IntN(len(avail)-i)
			avail[i], avail[j] = avail[j], avail[i]
		}
		batch := make([]int, 0, P*K)
		for _, c := range avail[:P] {
			batch = append(batch, chunks[c][0]...)
			chunks[c] = chunks[c][1:]
		}
		out = append(out, batch)
		kept := avail[:0]
		for _, c := range avail {
			if len(chunks[c]) > 0 {
				kept = append(kept, c)
			}
		}
		avail = kept
	}
	return out, nil
}
