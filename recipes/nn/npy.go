package nn

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// EncodeNPY returns t as a NumPy .npy file (format 1.0, little-endian
// float32, C order) with t's shape.
func EncodeNPY(t *Tensor) []byte {
	return encodeNPY(t.Data, t.Shape)
}

func encodeNPY(data []float32, shape []int) []byte {
	dims := make([]string, len(shape))
	for i, s := range shape {
		dims[i] = fmt.Sprint(s)
	}
	sh := strings.Join(dims, ", ")
	if len(shape) == 1 {
		sh += ","
	}
	hdr := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", sh)
	// pad so that magic (6) + version (2) + length (2) + header is a multiple of 64
	hdr += strings.Repeat(" ", (64-(10+len(hdr)+1)%64)%64) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(hdr)))
	b.WriteString(hdr)
	var b4 [4]byte
	for _, v := range data {
		binary.LittleEndian.PutUint32(b4[:], math.Float32bits(v))
		b.Write(b4[:])
	}
	return b.Bytes()
}

// SaveNPY writes t (embeddings, say) to path as a .npy file, atomically:
// numpy.load(path) reads it back.
func SaveNPY(path string, t *Tensor) error { return writeFileAtomic(path, EncodeNPY(t)) }

// ExportNPZ writes the model's parameters and buffers to path as a NumPy
// .npz archive (numpy.load(path)["0.weight"]), atomically. 4-D
// convolution weights are transposed to PyTorch's [O, I, KH, KW] layout,
// so that the arrays load into the equivalent torch.nn modules.
func ExportNPZ(path string, model Module) error {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, p := range append(model.Params(), BuffersOf(model)...) {
		w, err := z.Create(p.Name + ".npy")
		if err != nil {
			return fmt.Errorf("nn: ExportNPZ: %w", err)
		}
		data, shape := p.Value.Data, p.Value.Shape
		if len(shape) == 4 {
			data, shape = convToTorch(data, shape)
		}
		w.Write(encodeNPY(data, shape))
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("nn: ExportNPZ: %w", err)
	}
	return writeFileAtomic(path, buf.Bytes())
}

// convToTorch transposes [O, KH, KW, I] to [O, I, KH, KW].
func convToTorch(w []float32, s []int) ([]float32, []int) {
	o, kh, kw, in := s[0], s[1], s[2], s[3]
	out := make([]float32, len(w))
	for a := 0; a < o; a++ {
		for h := 0; h < kh; h++ {
			for x := 0; x < kw; x++ {
				for c := 0; c < in; c++ {
					out[((a*in+c)*kh+h)*kw+x] = w[((a*kh+h)*kw+x)*in+c]
				}
			}
		}
	}
	return out, []int{o, in, kh, kw}
}

// ConvWeightFromTorch copies a PyTorch conv weight [O, I, KH, KW] (flat,
// C order) into c's weight, which is [O, KH, KW, I].
func ConvWeightFromTorch(c *Conv2d, w []float32) {
	if len(w) != c.Weight.Value.Len() {
		panic(fmt.Sprintf("nn: ConvWeightFromTorch: %d values for a weight of shape %v", len(w), c.Weight.Value.Shape))
	}
	d := c.Weight.Value.Data
	for a := 0; a < c.OutC; a++ {
		for h := 0; h < c.KH; h++ {
			for x := 0; x < c.KW; x++ {
				for ch := 0; ch < c.InC; ch++ {
					d[((a*c.KH+h)*c.KW+x)*c.InC+ch] = w[((a*c.InC+ch)*c.KH+h)*c.KW+x]
				}
			}
		}
	}
}
