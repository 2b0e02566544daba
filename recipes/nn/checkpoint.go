package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"slices"
	"time"

	"github.com/gocontrast/contrast/internal/atomicfile"
)

// Checkpoint file format, version 1 (all integers little-endian):
//
//	magic   8 bytes  "CTRSTCK1"
//	hlen    uint32   length of the header
//	header  hlen bytes of JSON: {"version":1, "step":…, "base_lr":…,
//	        "meta":{…}, "tensors":[{"name":…, "kind":…, "shape":[…]}, …]}
//	data    the float32 values of every tensor in header order
//	crc     uint32   CRC-32C (Castagnoli) of all preceding bytes
//
// Tensor kinds are "param" (model parameters, by name), "buffer" (batch
// norm running statistics) and "optim" (optimiser state; the header's
// "optimizer" field names its kind). Conv weights are stored in this
// package's [O, KH, KW, I] layout. Files are written atomically: to a
// temporary file in the same directory, synced, then renamed.
const (
	ckptMagic   = "CTRSTCK1"
	ckptVersion = 1
)

// CheckpointInfo is the run state stored beside the tensors.
type CheckpointInfo struct {
	Step   int               // optimiser steps taken
	BaseLR float64           // the schedule's base learning rate
	Meta   map[string]string // free-form (recipe name, config, …)
}

type ckptTensor struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Shape []int  `json:"shape"`
}

type ckptHeader struct {
	Version   int               `json:"version"`
	Step      int               `json:"step"`
	BaseLR    float64           `json:"base_lr"`
	Optimizer string            `json:"optimizer,omitempty"`
	Meta      map[string]string `json:"meta,omitempty"`
	Tensors   []ckptTensor      `json:"tensors"`
}

func ckptTensors(model Module, opt Optimizer) ([]ckptTensor, []*Tensor) {
	var hs []ckptTensor
	var ts []*Tensor
	add := func(kind string, ps []*Param) {
		for _, p := range ps {
			hs = append(hs, ckptTensor{Name: p.Name, Kind: kind, Shape: p.Value.Shape})
			ts = append(ts, p.Value)
		}
	}
	add("param", model.Params())
	add("buffer", BuffersOf(model))
	if opt != nil {
		add("optim", opt.State())
	}
	return hs, ts
}

// SaveCheckpoint writes model's parameters and buffers, opt's state (opt
// may be nil) and info to path, atomically.
func SaveCheckpoint(path string, model Module, opt Optimizer, info CheckpointInfo) error {
	hs, ts := ckptTensors(model, opt)
	h := ckptHeader{Version: ckptVersion, Step: info.Step, BaseLR: info.BaseLR, Meta: info.Meta, Tensors: hs}
	if opt != nil {
		h.Optimizer = opt.Kind()
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("nn: checkpoint header: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(ckptMagic)
	binary.Write(&buf, binary.LittleEndian, uint32(len(hj)))
	buf.Write(hj)
	var b4 [4]byte
	for _, t := range ts {
		for _, v := range t.Data {
			binary.LittleEndian.PutUint32(b4[:], math.Float32bits(v))
			buf.Write(b4[:])
		}
	}
	crc := crc32.Checksum(buf.Bytes(), crc32.MakeTable(crc32.Castagnoli))
	binary.Write(&buf, binary.LittleEndian, crc)
	return writeFileAtomic(path, buf.Bytes())
}

// ErrCorrupt is wrapped by the errors LoadCheckpoint returns for a
// damaged file; ErrMismatch for a checkpoint of another model or
// optimiser.
var (
	ErrCorrupt  = errors.New("corrupt checkpoint")
	ErrMismatch = errors.New("checkpoint does not fit")
)

// LoadCheckpoint reads a checkpoint written by SaveCheckpoint into model
// and, if opt is not nil, opt. It verifies the checksum first and checks
// that every tensor's name and shape match before changing anything, so a
// failed load leaves model and opt as they were. With opt nil the
// optimiser state in the file is skipped.
func LoadCheckpoint(path string, model Module, opt Optimizer) (CheckpointInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return CheckpointInfo{}, fmt.Errorf("nn: reading checkpoint: %w", err)
	}
	h, body, err := parseCheckpoint(path, data)
	if err != nil {
		return CheckpointInfo{}, err
	}
	want, ts := ckptTensors(model, opt)
	// The file's tensors, without optimiser state when opt is nil.
	var have []ckptTensor
	offset := map[int]int{} // index in have -> float offset in body
	off := 0
	for _, t := range h.Tensors {
		n := product(t.Shape)
		if t.Kind != "optim" || opt != nil {
			offset[len(have)] = off
			have = append(have, t)
		}
		off += n
	}
	if opt != nil {
		if h.Optimizer == "" {
			return CheckpointInfo{}, fmt.Errorf("nn: %w: %s has no optimiser state; load it with a nil optimiser", ErrMismatch, path)
		}
		if h.Optimizer != opt.Kind() {
			return CheckpointInfo{}, fmt.Errorf("nn: %w: %s holds %s optimiser state, the optimiser is %s", ErrMismatch, path, h.Optimizer, opt.Kind())
		}
	}
	if err := matchTensors(path, have, want); err != nil {
		return CheckpointInfo{}, err
	}
	for i, t := range ts {
		o := offset[i] * 4
		for j := range t.Data {
			t.Data[j] = math.Float32frombits(binary.LittleEndian.Uint32(body[o+4*j:]))
		}
	}
	return CheckpointInfo{Step: h.Step, BaseLR: h.BaseLR, Meta: h.Meta}, nil
}

func matchTensors(path string, have, want []ckptTensor) error {
	for i := 0; i < max(len(have), len(want)); i++ {
		switch {
		case i >= len(have):
			return fmt.Errorf("nn: %w: %s has %d tensors but the model needs %d; the first missing is %s %q %v (was it saved from another architecture?)",
				ErrMismatch, path, len(have), len(want), want[i].Kind, want[i].Name, want[i].Shape)
		case i >= len(want):
			return fmt.Errorf("nn: %w: %s has %d tensors, the model only %d; the first extra is %s %q %v (was it saved from another architecture?)",
				ErrMismatch, path, len(have), len(want), have[i].Kind, have[i].Name, have[i].Shape)
		case have[i].Name != want[i].Name || have[i].Kind != want[i].Kind || !slices.Equal(have[i].Shape, want[i].Shape):
			return fmt.Errorf("nn: %w: %s has %s %q with shape %v where the model has %s %q with shape %v (was it saved from another architecture?)",
				ErrMismatch, path, have[i].Kind, have[i].Name, have[i].Shape, want[i].Kind, want[i].Name, want[i].Shape)
		}
	}
	return nil
}

// parseCheckpoint checks magic, length and checksum and returns the header
// and the tensor data.
func parseCheckpoint(path string, data []byte) (*ckptHeader, []byte, error) {
	if len(data) < len(ckptMagic)+8 || string(data[:len(ckptMagic)]) != ckptMagic {
		return nil, nil, fmt.Errorf("nn: %w: %s is not a contrast checkpoint (no %q header)", ErrCorrupt, path, ckptMagic)
	}
	body, tail := data[:len(data)-4], data[len(data)-4:]
	stored := binary.LittleEndian.Uint32(tail)
	if got := crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)); got != stored {
		return nil, nil, fmt.Errorf("nn: %w: %s fails its checksum (stored %08x, computed %08x): the file is damaged or truncated; use another copy", ErrCorrupt, path, stored, got)
	}
	r := bytes.NewReader(body[len(ckptMagic):])
	var hlen uint32
	binary.Read(r, binary.LittleEndian, &hlen)
	if int(hlen) > r.Len() {
		return nil, nil, fmt.Errorf("nn: %w: %s header length %d exceeds the file", ErrCorrupt, path, hlen)
	}
	hj := make([]byte, hlen)
	io.ReadFull(r, hj)
	var h ckptHeader
	if err := json.Unmarshal(hj, &h); err != nil {
		return nil, nil, fmt.Errorf("nn: %w: %s header: %v", ErrCorrupt, path, err)
	}
	if h.Version != ckptVersion {
		return nil, nil, fmt.Errorf("nn: %s is checkpoint version %d; this build reads version %d", path, h.Version, ckptVersion)
	}
	rest := body[len(ckptMagic)+4+int(hlen):]
	n := 0
	for _, t := range h.Tensors {
		n += product(t.Shape)
	}
	if len(rest) != 4*n {
		return nil, nil, fmt.Errorf("nn: %w: %s holds %d bytes of tensor data, its header lists %d", ErrCorrupt, path, len(rest), 4*n)
	}
	return &h, rest, nil
}

// Save writes the trainer's model, optimiser and position to path.
func (t *Trainer) Save(path string, meta map[string]string) error {
	return SaveCheckpoint(path, t.Model, t.Opt, CheckpointInfo{Step: t.Step, BaseLR: t.BaseLR, Meta: meta})
}

// Load restores a checkpoint written by Save; Fit then continues from its
// step. The step history before the checkpoint is not restored.
func (t *Trainer) Load(path string) (map[string]string, error) {
	info, err := LoadCheckpoint(path, t.Model, t.Opt)
	if err != nil {
		return nil, err
	}
	t.Step, t.BaseLR = info.Step, info.BaseLR
	t.epochStart = time.Time{}
	return info.Meta, nil
}

// writeFileAtomic writes data to path atomically (see internal/atomicfile).
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("nn: %w", err)
	}
	return nil
}
