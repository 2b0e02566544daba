package nn

import (
	"fmt"
	"strconv"
	"strings"
)

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

// String shows the shape and the values as NumPy prints an array: rows
// on their own lines, and, above 1000 elements, only the first and last
// three entries of each dimension around "...":
//
//	Tensor[2 3]
//	[[ 0.1     -2       3.5   ]
//	 [ 4       5        6     ]]
func (t *Tensor) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "Tensor%v", t.Shape)
	if t == nil || len(t.Shape) == 0 && len(t.Data) == 0 {
		return sb.String()
	}
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	if n != len(t.Data) {
		fmt.Fprintf(&sb, " (inconsistent: %d values)", len(t.Data))
		return sb.String()
	}
	if n == 0 {
		return sb.String()
	}
	summarise := n > 1000
	// format every shown value first, to align the columns
	width := 0
	eachShown(t.Shape, summarise, func(flat int) {
		width = max(width, len(formatValue(t.Data[flat])))
	})
	sb.WriteByte('\n')
	writeDim(&sb, t, 0, 0, summarise, width)
	return sb.String()
}

const edgeItems = 3

// shownIndices lists the indices of a dimension of size d that are printed.
func shownIndices(d int, summarise bool) (idx []int, gap int) {
	if !summarise || d <= 2*edgeItems {
		idx = make([]int, d)
		for i := range idx {
			idx[i] = i
		}
		return idx, -1
	}
	for i := 0; i < edgeItems; i++ {
		idx = append(idx, i)
	}
	for i := d - edgeItems; i < d; i++ {
		idx = append(idx, i)
	}
	return idx, edgeItems
}

func eachShown(shape []int, summarise bool, f func(flat int)) {
	var rec func(dim, base int)
	rec = func(dim, base int) {
		if dim == len(shape) {
			f(base)
			return
		}
		stride := 1
		for _, d := range shape[dim+1:] {
			stride *= d
		}
		idx, _ := shownIndices(shape[dim], summarise)
		for _, i := range idx {
			rec(dim+1, base+i*stride)
		}
	}
	rec(0, 0)
}

func writeDim(sb *strings.Builder, t *Tensor, dim, base int, summarise bool, width int) {
	if dim == len(t.Shape) {
		fmt.Fprintf(sb, "%-*s", width, formatValue(t.Data[base]))
		return
	}
	stride := 1
	for _, d := range t.Shape[dim+1:] {
		stride *= d
	}
	idx, gap := shownIndices(t.Shape[dim], summarise)
	sb.WriteByte('[')
	last := dim == len(t.Shape)-1
	for k, i := range idx {
		if k > 0 {
			if last {
				sb.WriteByte(' ')
			} else {
				sb.WriteString(strings.Repeat("\n", len(t.Shape)-1-dim))
				sb.WriteString(strings.Repeat(" ", dim+1))
			}
		}
		if k == gap {
			if last {
				sb.WriteString("... ")
			} else {
				sb.WriteString("...\n" + strings.Repeat(" ", dim+1))
			}
		}
		writeDim(sb, t, dim+1, base+i*stride, summarise, width)
	}
	sb.WriteByte(']')
}

func formatValue(v float32) string {
	return strconv.FormatFloat(float64(v), 'g', 5, 32)
}
