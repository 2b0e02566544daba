package heads

import (
	"fmt"
	"math/rand/v2"

	"github.com/gocontrast/contrast/recipes/nn"
)

func rng(seed uint64, tag uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, tag)) }

func check(name string, sizes ...int) {
	for _, s := range sizes {
		if s <= 0 {
			panic(fmt.Sprintf("heads: %s sizes must be positive, got %v", name, sizes))
		}
	}
}

// SimCLRv1 returns the SimCLR projection head g(h) = W₂·ReLU(W₁·h)
// (Chen et al. 2020, arXiv:2002.05709, section 2.1). With batchNorm it is
// Linear(in, hidden, no bias) + BatchNorm + ReLU + Linear(hidden, out),
// the head of this project's reference recipe (DESIGN.md, 128-128-128).
func SimCLRv1(in, hidden, out int, batchNorm bool, seed uint64) *nn.Sequential {
	check("SimCLRv1", in, hidden, out)
	r := rng(seed, 1)
	if batchNorm {
		return nn.NewSequential(nn.NewLinear(in, hidden, false, r), nn.NewBatchNormReLU(hidden), nn.NewLinear(hidden, out, true, r))
	}
	return nn.NewSequential(nn.NewLinear(in, hidden, true, r), nn.NewReLU(), nn.NewLinear(hidden, out, true, r))
}

// Reference returns the SimCLR head of the reference recipe in DESIGN.md:
// Linear(128, 128, no bias) + BN + ReLU, Linear(128, 128).
func Reference(seed uint64) *nn.Sequential { return SimCLRv1(128, 128, 128, true, seed) }

// V2 is the SimCLR v2 projection head (Chen et al. 2020,
// arXiv:2006.10029): Depth blocks of Linear (no bias) + BatchNorm, each
// followed by a ReLU except the last, whose batch norm also has no shift β
// (the reference code's center=False): the last layer has neither bias nor
// ReLU. SimCLR v2 uses 3 layers and fine-tunes from the first one
// (Keep(1)).
type V2 struct {
	*nn.Sequential
	blocks [][]nn.Layer
}

// SimCLRv2 returns a SimCLR v2 head with the given number of layers (≥ 1):
// in → hidden → … → hidden → out.
func SimCLRv2(in, hidden, out, layers int, seed uint64) *V2 {
	check("SimCLRv2", in, hidden, out, layers)
	r := rng(seed, 2)
	h := &V2{Sequential: nn.NewSequential()}
	d := in
	for i := 0; i < layers; i++ {
		o := hidden
		last := i == layers-1
		if last {
			o = out
		}
		lin := nn.NewLinear(d, o, false, r)
		var bn *nn.BatchNorm
		if last {
			bn = nn.NewBatchNorm(o)
			bn.NoShift = true
		} else {
			bn = nn.NewBatchNormReLU(o)
		}
		h.Append(lin, bn)
		h.blocks = append(h.blocks, []nn.Layer{lin, bn})
		d = o
	}
	return h
}

// Keep returns the first k blocks as a head to keep for fine-tuning (SimCLR
// v2 section 2: fine-tune from a middle layer of the projection head). The
// layers and parameters are shared with h, not copied. k = 0 gives an
// empty head (the identity); k must be at most the number of layers.
func (h *V2) Keep(k int) *nn.Sequential {
	if k < 0 || k > len(h.blocks) {
		panic(fmt.Sprintf("heads: V2.Keep(%d): the head has %d layers", k, len(h.blocks)))
	}
	s := &nn.Sequential{}
	for _, b := range h.blocks[:k] {
		s.Layers = append(s.Layers, b...)
	}
	return s
}

// Depth returns the number of Linear+BN blocks.
func (h *V2) Depth() int { return len(h.blocks) }

// MoCoV2 returns the MoCo v2 head (Chen et al. 2020, arXiv:2003.04297):
// Linear(in, hidden) + ReLU + Linear(hidden, out), 2048-2048-128 in the
// paper.
func MoCoV2(in, hidden, out int, seed uint64) *nn.Sequential {
	check("MoCoV2", in, hidden, out)
	r := rng(seed, 3)
	return nn.NewSequential(nn.NewLinear(in, hidden, true, r), nn.NewReLU(), nn.NewLinear(hidden, out, true, r))
}

// Prediction returns a BYOL-style prediction head (Grill et al. 2020,
// arXiv:2006.07733): Linear(in, hidden) + BatchNorm + ReLU +
// Linear(hidden, out), 256-4096-256 in the paper.
func Prediction(in, hidden, out int, seed uint64) *nn.Sequential {
	check("Prediction", in, hidden, out)
	r := rng(seed, 4)
	return nn.NewSequential(nn.NewLinear(in, hidden, true, r), nn.NewBatchNormReLU(hidden), nn.NewLinear(hidden, out, true, r))
}
