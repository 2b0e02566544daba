package nn

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func smallModel(seed uint64) *Sequential {
	return NewSequential(ConvNetS(ConvNetConfig{Widths: []int{4, 8}, Seed: seed}), NewLinear(8, 3, true, nil))
}

// trainABit runs two steps so that weights, running stats and optimiser
// state are all non-trivial.
func trainABit(t *testing.T, m *Sequential, opt Optimizer) {
	t.Helper()
	tr := NewTrainer(m, opt)
	x := randTensor(randFor(1), 6, 1, 8, 8)
	in := func(idx []int) *Tensor { return FromSlice(x.Data[:len(idx)*64], len(idx), 1, 8, 8) }
	loss := func(out *Tensor, _ []int) (float64, *Tensor) { return sumLoss(out) }
	if err := tr.Fit(in, loss, FitOptions{N: 6, BatchSize: 3, Quiet: true}); err != nil {
		t.Fatal(err)
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.ckpt")
	m := smallModel(1)
	opt := NewAdam(m.Params(), AdamOptions{})
	trainABit(t, m, opt)
	if err := SaveCheckpoint(path, m, opt, CheckpointInfo{Step: 2, BaseLR: 1e-3, Meta: map[string]string{"recipe": "test"}}); err != nil {
		t.Fatal(err)
	}
	m2 := smallModel(99) // other initial weights
	opt2 := NewAdam(m2.Params(), AdamOptions{})
	info, err := LoadCheckpoint(path, m2, opt2)
	if err != nil {
		t.Fatal(err)
	}
	if info.Step != 2 || info.BaseLR != 1e-3 || info.Meta["recipe"] != "test" {
		t.Errorf("info = %+v", info)
	}
	same := func(what string, a, b []*Param) {
		for i := range a {
			for j := range a[i].Value.Data {
				if a[i].Value.Data[j] != b[i].Value.Data[j] {
					t.Fatalf("%s %s[%d]: saved %v, loaded %v", what, a[i].Name, j, a[i].Value.Data[j], b[i].Value.Data[j])
				}
			}
		}
	}
	same("param", m.Params(), m2.Params())
	same("buffer", m.Buffers(), m2.Buffers())
	same("optimiser state", opt.State(), opt2.State())
	// Weights only.
	m3 := smallModel(98)
	if _, err := LoadCheckpoint(path, m3, nil); err != nil {
		t.Fatal(err)
	}
	same("param (no optimiser)", m.Params(), m3.Params())
	// No temporary files left behind.
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("directory holds %d entries after save, want only the checkpoint", len(ents))
	}
}

func TestCheckpointCorruption(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.ckpt")
	m := smallModel(1)
	if err := SaveCheckpoint(path, m, nil, CheckpointInfo{}); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	for _, pos := range []int{0, 20, len(good) / 2, len(good) - 1} {
		bad := append([]byte(nil), good...)
		bad[pos] ^= 0x40
		os.WriteFile(path, bad, 0o644)
		before := m.Params()[0].Value.Clone()
		_, err := LoadCheckpoint(path, m, nil)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("byte %d flipped: err = %v, want ErrCorrupt", pos, err)
		}
		if !bytes.Equal(f32bytes(before.Data), f32bytes(m.Params()[0].Value.Data)) {
			t.Errorf("byte %d flipped: a failed load changed the weights", pos)
		}
	}
	os.WriteFile(path, good[:len(good)-10], 0o644)
	if _, err := LoadCheckpoint(path, m, nil); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("truncated file: err = %v, want a checksum error", err)
	}
	os.WriteFile(path, []byte("hello"), 0o644)
	if _, err := LoadCheckpoint(path, m, nil); !errors.Is(err, ErrCorrupt) {
		t.Errorf("not a checkpoint: err = %v", err)
	}
}

func TestCheckpointMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.ckpt")
	m := smallModel(1)
	opt := NewAdam(m.Params(), AdamOptions{})
	if err := SaveCheckpoint(path, m, opt, CheckpointInfo{}); err != nil {
		t.Fatal(err)
	}
	other := NewSequential(ConvNetS(ConvNetConfig{Widths: []int{4, 16}}), NewLinear(16, 3, true, nil))
	_, err := LoadCheckpoint(path, other, nil)
	if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "shape") {
		t.Errorf("other widths: err = %v, want a shape mismatch", err)
	}
	deeper := smallModel(1).Append(NewLinear(3, 2, true, nil))
	if _, err := LoadCheckpoint(path, deeper, nil); !errors.Is(err, ErrMismatch) {
		t.Errorf("deeper model: err = %v, want ErrMismatch", err)
	}
	if _, err := LoadCheckpoint(path, m, NewSGD(m.Params(), SGDOptions{})); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "adam") {
		t.Errorf("SGD loading Adam state: err = %v", err)
	}
	if err := SaveCheckpoint(path, m, nil, CheckpointInfo{}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCheckpoint(path, m, opt); !errors.Is(err, ErrMismatch) {
		t.Errorf("optimiser state requested from a weights-only file: err = %v", err)
	}
}

func TestAtomicWriteKeepsOldFileOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keep.ckpt")
	m := smallModel(1)
	if err := SaveCheckpoint(path, m, nil, CheckpointInfo{Step: 1}); err != nil {
		t.Fatal(err)
	}
	// A path whose directory does not exist fails before touching anything.
	if err := SaveCheckpoint(filepath.Join(dir, "missing", "x.ckpt"), m, nil, CheckpointInfo{}); err == nil {
		t.Error("saving into a missing directory succeeded")
	}
	// Renaming over a directory fails: the temporary file must be removed.
	if err := os.Mkdir(filepath.Join(dir, "adir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := SaveCheckpoint(filepath.Join(dir, "adir"), m, nil, CheckpointInfo{}); err == nil {
		t.Error("saving over a directory succeeded")
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	if info, err := LoadCheckpoint(path, m, nil); err != nil || info.Step != 1 {
		t.Errorf("old checkpoint damaged: %+v, %v", info, err)
	}
}

func TestNPYMatchesNumPy(t *testing.T) {
	for _, c := range []struct {
		file  string
		shape []int
	}{{"arange_2x3.npy", []int{2, 3}}, {"arange_5.npy", []int{5}}} {
		want, err := os.ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		x := New(c.shape...)
		for i := range x.Data {
			x.Data[i] = float32(i)
		}
		if got := EncodeNPY(x); !bytes.Equal(got, want) {
			t.Errorf("%s: EncodeNPY differs from numpy.save:\n got %q\nwant %q", c.file, got[:min(80, len(got))], want[:min(80, len(want))])
		}
	}
}

func TestExportNPZ(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.npz")
	m := smallModel(1)
	if err := ExportNPZ(path, m); err != nil {
		t.Fatal(err)
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	names := map[string]bool{}
	for _, f := range z.File {
		names[f.Name] = true
	}
	for _, p := range append(m.Params(), m.Buffers()...) {
		if !names[p.Name+".npy"] {
			t.Errorf("%s.npy missing from the archive", p.Name)
		}
	}
	// The first conv weight comes back in PyTorch's layout.
	conv := m.Layers[0].(*Sequential).Layers[1].(*Conv2d)
	f, _ := z.Open(conv.Weight.Name + ".npy")
	b, _ := io.ReadAll(f)
	back := New(conv.Weight.Value.Shape...)
	torch := b[len(b)-4*back.Len():]
	vals := make([]float32, back.Len())
	for i := range vals {
		vals[i] = f32frombytes(torch[4*i:])
	}
	ConvWeightFromTorch(&Conv2d{InC: conv.InC, OutC: conv.OutC, KH: conv.KH, KW: conv.KW, Weight: &Param{Value: back}}, vals)
	if !bytes.Equal(f32bytes(back.Data), f32bytes(conv.Weight.Value.Data)) {
		t.Error("conv weight does not survive export to PyTorch layout and back")
	}
	if !strings.Contains(string(b[:128]), "'shape': (4, 1, 3, 3)") {
		t.Errorf("conv weight header %q, want PyTorch shape (4, 1, 3, 3)", b[:128])
	}
}
