package data

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/gocontrast/contrast/recipes/nn"
)

// Array is an n-dimensional array as NumPy's .npy format holds it: a shape,
// a dtype and the elements in C (row-major) order, little-endian.
//
// Build one with Float32Array, Float64Array, Int64Array or Uint8Array,
// read one with ReadNPY, and convert with Float32s, Float64s, Int64s or
// Tensor.
type Array struct {
	Shape []int  // () for a scalar
	Dtype string // NumPy descr in little-endian form: "<f4", "<f8", "<i8", "|u1", "|b1", ...
	raw   []byte // elements, little-endian, C order
}

// maxNPYBytes bounds the payload a header may announce (16 GiB).
const maxNPYBytes = 1 << 34

// Float32Array wraps data (copied) as an array of dtype <f4.
func Float32Array(data []float32, shape ...int) *Array {
	a := newArray("<f4", shape, len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(a.raw[4*i:], math.Float32bits(v))
	}
	return a
}

// Float64Array wraps data (copied) as an array of dtype <f8.
func Float64Array(data []float64, shape ...int) *Array {
	a := newArray("<f8", shape, len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(a.raw[8*i:], math.Float64bits(v))
	}
	return a
}

// Int64Array wraps data (copied) as an array of dtype <i8.
func Int64Array(data []int64, shape ...int) *Array {
	a := newArray("<i8", shape, len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(a.raw[8*i:], uint64(v))
	}
	return a
}

// IntArray wraps ints (labels, indices) as an array of dtype <i8.
func IntArray(data []int, shape ...int) *Array {
	a := newArray("<i8", shape, len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(a.raw[8*i:], uint64(int64(v)))
	}
	return a
}

// Uint8Array wraps data (copied) as an array of dtype |u1.
func Uint8Array(data []uint8, shape ...int) *Array {
	a := newArray("|u1", shape, len(data))
	copy(a.raw, data)
	return a
}

// newArray allocates an array; a nil shape means [n]. It panics if the
// shape does not hold n elements.
func newArray(dtype string, shape []int, n int) *Array {
	if shape == nil {
		shape = []int{n}
	}
	if p := prod(shape); p != n {
		panic(fmt.Sprintf("data: %d values do not fill shape %v (%d)", n, shape, p))
	}
	size, _ := dtypeSize(dtype)
	return &Array{Shape: append([]int{}, shape...), Dtype: dtype, raw: make([]byte, n*size)}
}

func prod(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// Len is the number of elements.
func (a *Array) Len() int { return prod(a.Shape) }

// dtypeSize parses a little-endian descr, returning the item size and kind.
func dtypeSize(descr string) (int, byte) {
	if len(descr) < 3 {
		return 0, 0
	}
	n, err := strconv.Atoi(descr[2:])
	if err != nil {
		return 0, 0
	}
	return n, descr[1]
}

// Float64s returns the elements converted to float64 (booleans as 0 and 1).
func (a *Array) Float64s() []float64 {
	n := a.Len()
	out := make([]float64, n)
	size, kind := dtypeSize(a.Dtype)
	r := a.raw
	for i := range out {
		b := r[i*size : (i+1)*size]
		switch {
		case kind == 'f' && size == 4:
			out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
		case kind == 'f' && size == 8:
			out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b))
		case kind == 'i':
			out[i] = float64(leInt(b))
		default: // 'u', 'b'
			out[i] = float64(leUint(b))
		}
	}
	return out
}

// Float32s returns the elements converted to float32.
func (a *Array) Float32s() []float32 {
	if a.Dtype == "<f4" {
		out := make([]float32, a.Len())
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(a.raw[4*i:]))
		}
		return out
	}
	f := a.Float64s()
	out := make([]float32, len(f))
	for i, v := range f {
		out[i] = float32(v)
	}
	return out
}

// Int64s returns the elements converted to int64 (floats are truncated).
func (a *Array) Int64s() []int64 {
	size, kind := dtypeSize(a.Dtype)
	out := make([]int64, a.Len())
	if kind == 'f' {
		for i, v := range a.Float64s() {
			out[i] = int64(v)
		}
		return out
	}
	for i := range out {
		b := a.raw[i*size : (i+1)*size]
		if kind == 'i' {
			out[i] = leInt(b)
		} else {
			out[i] = int64(leUint(b))
		}
	}
	return out
}

// Ints returns the elements converted to int.
func (a *Array) Ints() []int {
	v := a.Int64s()
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}

// Tensor returns the elements as a float32 tensor of the array's shape
// (a scalar becomes shape [1]).
func (a *Array) Tensor() *nn.Tensor {
	shape := a.Shape
	if len(shape) == 0 {
		shape = []int{1}
	}
	return nn.FromSlice(a.Float32s(), shape...)
}

func leUint(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

func leInt(b []byte) int64 {
	v := leUint(b)
	shift := 64 - 8*uint(len(b))
	return int64(v<<shift) >> shift
}

// ReadNPY reads a .npy file (format versions 1, 2 and 3). It accepts
// booleans, signed and unsigned integers of 1 to 8 bytes and 32- and
// 64-bit floats, in either byte order and in C or Fortran order; the
// result is always little-endian and C-ordered. Other dtypes (object,
// structured, float16, complex, strings) are an error naming the file.
func ReadNPY(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	a, err := DecodeNPY(f)
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", path, err)
	}
	return a, nil
}

// DecodeNPY decodes a .npy stream as ReadNPY does. It never panics on bad
// input.
func DecodeNPY(r io.Reader) (*Array, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var pre [8]byte
	if _, err := io.ReadFull(br, pre[:]); err != nil {
		return nil, fmt.Errorf("truncated .npy preamble (%v)", noEOF(err))
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, fmt.Errorf("bad magic %q: not a .npy file", pre[:6])
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, fmt.Errorf("truncated .npy header length (%v)", noEOF(err))
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, fmt.Errorf("truncated .npy header length (%v)", noEOF(err))
		}
		h := binary.LittleEndian.Uint32(b[:])
		if h > 1<<20 {
			return nil, fmt.Errorf(".npy header of %d bytes: corrupt", h)
		}
		hlen = int(h)
	default:
		return nil, fmt.Errorf("unsupported .npy format version %d.%d (want 1, 2 or 3)", pre[6], pre[7])
	}
	head := make([]byte, hlen)
	if _, err := io.ReadFull(br, head); err != nil {
		return nil, fmt.Errorf("truncated .npy header: %d bytes announced (%v)", hlen, noEOF(err))
	}
	descr, fortran, shape, err := parseNPYHeader(string(head))
	if err != nil {
		return nil, fmt.Errorf("bad .npy header %q: %w", strings.TrimSpace(string(head)), err)
	}
	size, kind, bigEndian, err := parseDescr(descr)
	if err != nil {
		return nil, err
	}
	total := uint64(size)
	for _, d := range shape {
		total *= uint64(d)
		if total > maxNPYBytes {
			return nil, fmt.Errorf(".npy shape %v announces more than 16 GiB: corrupt header", shape)
		}
	}
	var buf bytes.Buffer
	if total < 1<<26 {
		buf.Grow(int(total))
	}
	n, err := io.Copy(&buf, io.LimitReader(br, int64(total)))
	if err != nil {
		return nil, fmt.Errorf("reading .npy data: %w", err)
	}
	if uint64(n) < total {
		return nil, fmt.Errorf("truncated .npy data: shape %v of %s needs %d bytes, file has %d", shape, descr, total, n)
	}
	raw := buf.Bytes()
	if bigEndian && size > 1 {
		for i := 0; i < len(raw); i += size {
			b := raw[i : i+size]
			for l, h := 0, size-1; l < h; l, h = l+1, h-1 {
				b[l], b[h] = b[h], b[l]
			}
		}
	}
	if fortran && len(shape) > 1 {
		raw = fortranToC(raw, shape, size)
	}
	order := byte('<')
	if size == 1 {
		order = '|'
	}
	return &Array{Shape: shape, Dtype: fmt.Sprintf("%c%c%d", order, kind, size), raw: raw}, nil
}

// parseDescr validates a NumPy type string such as "<f4" or ">i2".
func parseDescr(descr string) (size int, kind byte, bigEndian bool, err error) {
	if len(descr) < 3 {
		return 0, 0, false, fmt.Errorf("unsupported dtype %q", descr)
	}
	switch descr[0] {
	case '<', '|', '=':
	case '>':
		bigEndian = true
	default:
		return 0, 0, false, fmt.Errorf("unsupported dtype %q", descr)
	}
	kind = descr[1]
	size, err = strconv.Atoi(descr[2:])
	ok := err == nil && (kind == 'f' && (size == 4 || size == 8) ||
		(kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8) ||
		kind == 'b' && size == 1)
	if !ok {
		return 0, 0, false, fmt.Errorf("unsupported dtype %q (want bool, int8-64, uint8-64, float32 or float64)", descr)
	}
	return size, kind, bigEndian, nil
}

// parseNPYHeader reads the Python dict literal of a .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
func parseNPYHeader(h string) (descr string, fortran bool, shape []int, err error) {
	h = strings.TrimSpace(h)
	if !strings.HasPrefix(h, "{") || !strings.HasSuffix(h, "}") {
		return "", false, nil, errors.New("not a dict")
	}
	body := h[1 : len(h)-1]
	var haveDescr, haveOrder, haveShape bool
	for body = strings.TrimSpace(body); body != ""; body = strings.TrimSpace(body) {
		key, rest, ok := pyString(body)
		if !ok {
			return "", false, nil, errors.New("expected a quoted key")
		}
		rest = strings.TrimSpace(rest)
		if !strings.HasPrefix(rest, ":") {
			return "", false, nil, fmt.Errorf("expected ':' after %q", key)
		}
		rest = strings.TrimSpace(rest[1:])
		switch key {
		case "descr":
			if strings.HasPrefix(rest, "[") {
				return "", false, nil, errors.New("structured dtypes are not supported")
			}
			descr, rest, ok = pyString(rest)
			if !ok {
				return "", false, nil, errors.New("descr is not a string")
			}
			haveDescr = true
		case "fortran_order":
			switch {
			case strings.HasPrefix(rest, "True"):
				fortran, rest = true, rest[4:]
			case strings.HasPrefix(rest, "False"):
				fortran, rest = false, rest[5:]
			default:
				return "", false, nil, errors.New("fortran_order is not True or False")
			}
			haveOrder = true
		case "shape":
			end := strings.IndexByte(rest, ')')
			if !strings.HasPrefix(rest, "(") || end < 0 {
				return "", false, nil, errors.New("shape is not a tuple")
			}
			shape = []int{}
			for _, f := range strings.Split(rest[1:end], ",") {
				f = strings.TrimSpace(f)
				if f == "" {
					continue
				}
				f = strings.TrimSuffix(f, "L") // Python 2 longs
				d, err := strconv.Atoi(f)
				if err != nil || d < 0 || d > 1<<40 {
					return "", false, nil, fmt.Errorf("bad dimension %q in shape", f)
				}
				shape = append(shape, d)
			}
			rest = rest[end+1:]
			haveShape = true
		default:
			return "", false, nil, fmt.Errorf("unexpected key %q", key)
		}
		rest = strings.TrimSpace(rest)
		rest = strings.TrimPrefix(rest, ",")
		body = rest
	}
	if !haveDescr || !haveOrder || !haveShape {
		return "", false, nil, errors.New("missing descr, fortran_order or shape")
	}
	return descr, fortran, shape, nil
}

// pyString parses a leading Python string literal in single or double
// quotes (no escapes needed for .npy headers).
func pyString(s string) (val, rest string, ok bool) {
	if s == "" || (s[0] != '\'' && s[0] != '"') {
		return "", s, false
	}
	end := strings.IndexByte(s[1:], s[0])
	if end < 0 {
		return "", s, false
	}
	return s[1 : 1+end], s[2+end:], true
}

// fortranToC reorders column-major elements of shape into row-major order.
func fortranToC(raw []byte, shape []int, size int) []byte {
	n := prod(shape)
	out := make([]byte, len(raw))
	nd := len(shape)
	fstride := make([]int, nd)
	s := 1
	for k := 0; k < nd; k++ {
		fstride[k] = s
		s *= shape[k]
	}
	idx := make([]int, nd)
	off := 0 // Fortran offset of idx
	for c := 0; c < n; c++ {
		copy(out[c*size:(c+1)*size], raw[off*size:(off+1)*size])
		for k := nd - 1; k >= 0; k-- {
			idx[k]++
			off += fstride[k]
			if idx[k] < shape[k] {
				break
			}
			off -= fstride[k] * idx[k]
			idx[k] = 0
		}
	}
	return out
}

// WriteNPY writes a as a .npy file (format 1.0, or 2.0 for very long
// headers), C order, atomically.
func WriteNPY(path string, a *Array) error {
	return writeAtomic(path, func(w io.Writer) error { return EncodeNPY(w, a) })
}

// EncodeNPY writes a in .npy format to w.
func EncodeNPY(w io.Writer, a *Array) error {
	size, _, _, err := parseDescr(a.Dtype)
	if err != nil || a.Dtype[0] == '>' {
		return fmt.Errorf("data: EncodeNPY: dtype %q", a.Dtype)
	}
	if a.Len()*size != len(a.raw) {
		return fmt.Errorf("data: EncodeNPY: shape %v of %s needs %d bytes, array has %d", a.Shape, a.Dtype, a.Len()*size, len(a.raw))
	}
	dims := make([]string, len(a.Shape))
	for i, d := range a.Shape {
		dims[i] = strconv.Itoa(d)
	}
	shape := "(" + strings.Join(dims, ", ")
	if len(dims) == 1 {
		shape += ","
	}
	shape += ")"
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", a.Dtype, shape)
	// Pad with spaces and end with a newline so that the data starts at a
	// multiple of 64 bytes, as NumPy does.
	version, lenBytes := byte(1), 2
	if len(dict)+1+10 > math.MaxUint16 {
		version, lenBytes = 2, 4
	}
	pre := 6 + 2 + lenBytes
	total := (pre + len(dict) + 1 + 63) / 64 * 64
	hdr := dict + strings.Repeat(" ", total-pre-len(dict)-1) + "\n"
	out := []byte("\x93NUMPY")
	out = append(out, version, 0)
	if version == 1 {
		out = binary.LittleEndian.AppendUint16(out, uint16(len(hdr)))
	} else {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(hdr)))
	}
	out = append(out, hdr...)
	if _, err := w.Write(out); err != nil {
		return err
	}
	_, err = w.Write(a.raw)
	return err
}

// SaveTensor writes t as a float32 .npy file of t's shape.
func SaveTensor(path string, t *nn.Tensor) error {
	return WriteNPY(path, Float32Array(t.Data, t.Shape...))
}

// LoadTensor reads a numeric .npy file as a float32 tensor.
func LoadTensor(path string) (*nn.Tensor, error) {
	a, err := ReadNPY(path)
	if err != nil {
		return nil, err
	}
	return a.Tensor(), nil
}

// SaveInts writes labels or indices as an int64 .npy vector.
func SaveInts(path string, v []int) error { return WriteNPY(path, IntArray(v)) }

// LoadInts reads an integer (or float) .npy file as ints, flattened.
func LoadInts(path string) ([]int, error) {
	a, err := ReadNPY(path)
	if err != nil {
		return nil, err
	}
	return a.Ints(), nil
}
