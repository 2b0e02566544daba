package tsne

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// readNPY reads a little-endian float32 or float64 .npy file (C order)
// as float64 with its shape.
func readNPY(t *testing.T, name string) ([]float64, []int) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	hlen := int(binary.LittleEndian.Uint16(raw[8:10]))
	header := string(raw[10 : 10+hlen])
	body := raw[10+hlen:]
	m := regexp.MustCompile(`'shape': \(([^)]*)\)`).FindStringSubmatch(header)
	var shape []int
	for _, f := range strings.Split(m[1], ",") {
		if f = strings.TrimSpace(f); f != "" {
			v, _ := strconv.Atoi(f)
			shape = append(shape, v)
		}
	}
	var out []float64
	switch {
	case strings.Contains(header, "'<f8'"):
		for i := 0; i+8 <= len(body); i += 8 {
			out = append(out, math.Float64frombits(binary.LittleEndian.Uint64(body[i:])))
		}
	case strings.Contains(header, "'<f4'"):
		for i := 0; i+4 <= len(body); i += 4 {
			out = append(out, float64(math.Float32frombits(binary.LittleEndian.Uint32(body[i:]))))
		}
	default:
		t.Fatalf("%s: unsupported header %q", name, header)
	}
	return out, shape
}

// TestMatchesScikitLearn checks P, the KL divergence and its gradient
// against scikit-learn's own functions on the same data (test vectors made
// by testdata/make_sklearn_reference.py).
func TestMatchesScikitLearn(t *testing.T) {
	xs, shape := readNPY(t, "x.npy")
	n, d := shape[0], shape[1]
	x := make([]float32, len(xs))
	for i, v := range xs {
		x[i] = float32(v)
	}
	wantP, _ := readNPY(t, "p.npy")
	y, _ := readNPY(t, "y.npy")
	wantKL, _ := readNPY(t, "kl.npy")
	wantGrad, _ := readNPY(t, "grad.npy")

	// scikit-learn uses k = 3*perplexity + 1 neighbours.
	nb, err := knnExact(context.Background(), x, n, d, 31, 2)
	if err != nil {
		t.Fatal(err)
	}
	p := symmetrize(nb, conditionalP(nb, 10, 2), 2)
	got := make([]float64, n*n)
	for i := range n {
		for s := p.ptr[i]; s < p.ptr[i+1]; s++ {
			got[i*n+int(p.col[s])] = p.val[s]
		}
	}
	// Both bisections stop within 1e-5 of the target entropy (and
	// scikit-learn's runs on float32 distances), so the entries agree to
	// about 1e-4 relative (measured: 1.2e-4 at worst).
	const pTol = 3e-4
	var worst float64
	for i := range got {
		if wantP[i] == 0 && got[i] == 0 {
			continue
		}
		if (wantP[i] == 0) != (got[i] == 0) {
			t.Fatalf("P[%d,%d]: got %v want %v (sparsity differs)", i/n, i%n, got[i], wantP[i])
		}
		worst = math.Max(worst, math.Abs(got[i]-wantP[i])/wantP[i])
	}
	if worst > pTol {
		t.Errorf("P: worst relative difference from scikit-learn %.2e > %.0e", worst, pTol)
	}

	// KL and gradient at the stored embedding, with scikit-learn's P so
	// that only the objective is compared.
	sp := &sparseP{n: n, ptr: make([]int, n+1)}
	for i := range n {
		for j := range n {
			if v := wantP[i*n+j]; v > 0 {
				sp.col = append(sp.col, int32(j))
				sp.val = append(sp.val, v)
			}
		}
		sp.ptr[i+1] = len(sp.col)
	}
	obj := newObjective(sp, 2, 2, newExactRepulsion(n, 2, 2))
	grad := make([]float64, 2*n)
	kl := obj.gradient(y, grad, 1, true)
	const tol = 1e-9
	if math.Abs(kl-wantKL[0]) > tol*wantKL[0] {
		t.Errorf("KL: got %.12g want %.12g (scikit-learn)", kl, wantKL[0])
	}
	for i, g := range grad {
		if want := wantGrad[i] / 4; math.Abs(g-want) > tol*(math.Abs(want)+1e-3) {
			t.Fatalf("gradient[%d]: got %.12g want %.12g (scikit-learn's / 4)", i, g, want)
		}
	}
}
