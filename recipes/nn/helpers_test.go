package nn

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
)

func randFor(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed+1)) }

// sumLoss is L = Σ out² / 2 with dL/dout = out.
func sumLoss(out *Tensor) (float64, *Tensor) {
	g := out.Clone()
	var l float64
	for _, v := range out.Data {
		l += float64(v) * float64(v) / 2
	}
	return l, g
}

func f32bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func f32frombytes(b []byte) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b)) }
