package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/gocontrast/contrast/internal/atomicfile"
)

// IDX element type codes (the third byte of an IDX file's magic number),
// as defined on Yann LeCun's MNIST page.
const (
	IDXUint8   byte = 0x08
	IDXInt8    byte = 0x09
	IDXInt16   byte = 0x0B
	IDXInt32   byte = 0x0C
	IDXFloat32 byte = 0x0D
	IDXFloat64 byte = 0x0E
)

// maxIDXBytes bounds the payload a header may announce (4 GiB), so that a
// corrupt header cannot make the decoder allocate without limit.
const maxIDXBytes = 1 << 32

// IDX is a decoded IDX array: the format of MNIST and Fashion-MNIST.
// Data holds the elements as stored on disk (big-endian), Dims the shape.
type IDX struct {
	Type byte  // one of IDXUint8 ... IDXFloat64
	Dims []int // e.g. [60000 28 28] for an image file, [60000] for labels
	Data []byte
}

// idxSize is the size in bytes of one element of type t, or 0 if t is unknown.
func idxSize(t byte) int {
	switch t {
	case IDXUint8, IDXInt8:
		return 1
	case IDXInt16:
		return 2
	case IDXInt32, IDXFloat32:
		return 4
	case IDXFloat64:
		return 8
	}
	return 0
}

// Len is the number of elements.
func (a *IDX) Len() int {
	n := 1
	for _, d := range a.Dims {
		n *= d
	}
	return n
}

// Float64s returns the elements converted to float64.
func (a *IDX) Float64s() []float64 {
	n := a.Len()
	out := make([]float64, n)
	d := a.Data
	switch a.Type {
	case IDXUint8:
		for i := range out {
			out[i] = float64(d[i])
		}
	case IDXInt8:
		for i := range out {
			out[i] = float64(int8(d[i]))
		}
	case IDXInt16:
		for i := range out {
			out[i] = float64(int16(binary.BigEndian.Uint16(d[2*i:])))
		}
	case IDXInt32:
		for i := range out {
			out[i] = float64(int32(binary.BigEndian.Uint32(d[4*i:])))
		}
	case IDXFloat32:
		for i := range out {
			out[i] = float64(math.Float32frombits(binary.BigEndian.Uint32(d[4*i:])))
		}
	case IDXFloat64:
		for i := range out {
			out[i] = math.Float64frombits(binary.BigEndian.Uint64(d[8*i:]))
		}
	}
	return out
}

// Ints returns the elements converted to int (floats are truncated).
func (a *IDX) Ints() []int {
	if a.Type == IDXUint8 {
		out := make([]int, len(a.Data))
		for i, v := range a.Data {
			out[i] = int(v)
		}
		return out
	}
	f := a.Float64s()
	out := make([]int, len(f))
	for i, v := range f {
		out[i] = int(v)
	}
	return out
}

// ReadIDX reads an IDX file, gzip-compressed or not (detected from its
// first bytes, whatever its name). Errors name the file and the problem.
func ReadIDX(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	a, err := DecodeIDX(f)
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", path, err)
	}
	return a, nil
}

// DecodeIDX decodes an IDX stream, gunzipping it first if it starts with
// the gzip magic bytes. It never panics on bad input: a wrong magic number,
// an unknown type, a size that overflows or a truncated payload is an
// error.
func DecodeIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, err := br.Peek(2)
	if err != nil {
		if err == io.EOF {
			return nil, errors.New("empty file: not an IDX file")
		}
		return nil, err
	}
	var src io.Reader = br
	if head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("bad gzip header: %w", err)
		}
		defer zr.Close()
		src = zr
	}
	var magic [4]byte
	if _, err := io.ReadFull(src, magic[:]); err != nil {
		return nil, fmt.Errorf("truncated IDX header (%v)", noEOF(err))
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("bad IDX magic number %#x: not an IDX file", magic[:])
	}
	t, nd := magic[2], int(magic[3])
	size := idxSize(t)
	if size == 0 {
		return nil, fmt.Errorf("unknown IDX element type %#02x (want 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e)", t)
	}
	if nd == 0 {
		return nil, errors.New("IDX header declares no dimensions")
	}
	dimBytes := make([]byte, 4*nd)
	if _, err := io.ReadFull(src, dimBytes); err != nil {
		return nil, fmt.Errorf("truncated IDX header: %d dimensions announced (%v)", nd, noEOF(err))
	}
	dims := make([]int, nd)
	total := uint64(size)
	for i := range dims {
		d := binary.BigEndian.Uint32(dimBytes[4*i:])
		dims[i] = int(d)
		total *= uint64(d)
		if total > maxIDXBytes {
			return nil, fmt.Errorf("IDX dimensions %v announce more than 4 GiB: corrupt header", dimsSoFar(dimBytes, i+1))
		}
	}
	// Read through a limit so that allocation follows the data actually
	// present, not the header's claim.
	var buf bytes.Buffer
	if total < 1<<26 {
		buf.Grow(int(total))
	}
	n, err := io.Copy(&buf, io.LimitReader(src, int64(total)))
	if err != nil {
		return nil, fmt.Errorf("reading IDX data: %w", err)
	}
	if uint64(n) < total {
		return nil, fmt.Errorf("truncated IDX data: dimensions %v need %d bytes, file has %d", dims, total, n)
	}
	return &IDX{Type: t, Dims: dims, Data: buf.Bytes()}, nil
}

func dimsSoFar(b []byte, n int) []uint32 {
	out := make([]uint32, n)
	for i := range out {
		out[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return out
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// WriteIDX writes a as an IDX file at path, atomically (a temporary file
// in the same directory, synced, then renamed). A path ending in ".gz" is
// gzip-compressed.
func WriteIDX(path string, a *IDX) error {
	size := idxSize(a.Type)
	if size == 0 {
		return fmt.Errorf("data: WriteIDX %s: unknown element type %#02x", path, a.Type)
	}
	if len(a.Dims) == 0 || len(a.Dims) > 255 {
		return fmt.Errorf("data: WriteIDX %s: %d dimensions (want 1 to 255)", path, len(a.Dims))
	}
	if a.Len()*size != len(a.Data) {
		return fmt.Errorf("data: WriteIDX %s: dimensions %v need %d bytes, Data has %d", path, a.Dims, a.Len()*size, len(a.Data))
	}
	return writeAtomic(path, func(w io.Writer) error {
		var zw *gzip.Writer
		if strings.HasSuffix(path, ".gz") {
			zw, _ = gzip.NewWriterLevel(w, gzip.BestCompression)
			w = zw
		}
		head := []byte{0, 0, a.Type, byte(len(a.Dims))}
		for _, d := range a.Dims {
			head = binary.BigEndian.AppendUint32(head, uint32(d))
		}
		if _, err := w.Write(head); err != nil {
			return err
		}
		if _, err := w.Write(a.Data); err != nil {
			return err
		}
		if zw != nil {
			return zw.Close()
		}
		return nil
	})
}

// writeAtomic writes a file through a temporary file in the same
// directory, syncs it and renames it over path.
func writeAtomic(path string, write func(io.Writer) error) error {
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	return nil
}
