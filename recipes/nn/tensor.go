package nn

import "fmt"

// Tensor is a dense float32 array in row-major order. A batch of feature
// vectors is a Tensor of shape [N, D]; a batch of images is [N, C, H, W].
// Data is owned by the Tensor: functions that return a Tensor allocate it,
// functions with a dst argument write into dst.
type Tensor struct {
	Shape []int
	Data  []float32
}

// New returns a zeroed tensor of the given shape.
func New(shape ...int) *Tensor {
	n := 1
	for _, s := range shape {
		if s < 0 {
			panic(fmt.Sprintf("nn: negative dimension in shape %v", shape))
		}
		n *= s
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, n)}
}

// FromSlice wraps data (not copied) as a tensor of the given shape; it
// panics if the sizes disagree.
func FromSlice(data []float32, shape ...int) *Tensor {
	n := 1
	for _, s := range shape {
		n *= s
	}
	if n != len(data) {
		panic(fmt.Sprintf("nn: %d values do not fill shape %v (%d)", len(data), shape, n))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}
}

// Len is the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// Rows is the first dimension (the batch size).
func (t *Tensor) Rows() int {
	if len(t.Shape) == 0 {
		return 1
	}
	return t.Shape[0]
}

// Cols is the number of elements per row: the product of all dimensions
// after the first.
func (t *Tensor) Cols() int {
	if t.Rows() == 0 {
		return 0
	}
	return len(t.Data) / t.Rows()
}

// Row returns row i as a slice sharing t's storage.
func (t *Tensor) Row(i int) []float32 {
	c := t.Cols()
	return t.Data[i*c : (i+1)*c]
}

// At returns element (i, j) of a 2-D view [Rows, Cols].
func (t *Tensor) At(i, j int) float32 { return t.Data[i*t.Cols()+j] }

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// String describes the shape, e.g. "Tensor[512 128]".
func (t *Tensor) String() string { return fmt.Sprintf("Tensor%v", t.Shape) }
