package memory

import (
	"fmt"

	"github.com/gocontrast/contrast/recipes/nn"
)

// Momentum keeps a target model as an exponential moving average of an
// online model's weights (MoCo's momentum encoder, arXiv 1911.05722,
// eq. 2):
//
//	theta_target <- m theta_target + (1 - m) theta_online
//
// MoCo v2 uses m = 0.999 (loss.MoCoMomentum). Only Params are averaged:
// running statistics that a model keeps outside its Params (batch-norm
// means and variances) are the model's own business.
type Momentum struct {
	M              float64
	online, target []*nn.Param
}

// NewMomentum pairs the parameters of online and target (same count,
// order, names and shapes), copies the online weights into the target, as
// MoCo initialises its key encoder, and returns the updater. m must be in
// [0, 1].
func NewMomentum(online, target nn.Module, m float64) (*Momentum, error) {
	if !(m >= 0 && m <= 1) {
		return nil, fmt.Errorf("memory: momentum %v must be in [0, 1] (MoCo uses 0.999)", m)
	}
	on, tg := online.Params(), target.Params()
	if len(on) != len(tg) {
		return nil, fmt.Errorf("memory: online model has %d parameters, target %d: build the target with the same architecture", len(on), len(tg))
	}
	for i := range on {
		if on[i].Name != tg[i].Name || len(on[i].Value.Data) != len(tg[i].Value.Data) {
			return nil, fmt.Errorf("memory: parameter %d is %s%v online but %s%v in the target", i, on[i].Name, on[i].Value.Shape, tg[i].Name, tg[i].Value.Shape)
		}
	}
	for i := range on {
		copy(tg[i].Value.Data, on[i].Value.Data)
	}
	return &Momentum{M: m, online: on, target: tg}, nil
}

// Update moves the target's weights towards the online model's.
func (e *Momentum) Update() {
	m := float32(e.M)
	c := 1 - m
	for i, p := range e.online {
		t := e.target[i].Value.Data
		for j, v := range p.Value.Data {
			t[j] = m*t[j] + c*v
		}
	}
}
