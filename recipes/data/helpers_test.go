package data

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// expect is testdata/expect.json, written by testdata/gen_fixtures.py.
type expectFile struct {
	IDX struct {
		Images  [][][]int   `json:"images"`
		Labels  []int       `json:"labels"`
		Float32 [][]float64 `json:"float32"`
		Int16   []int       `json:"int16"`
	} `json:"idx"`
	CIFAR10 map[string]struct {
		Labels    []int `json:"labels"`
		PixelSums []int `json:"pixel_sums"`
		First     []int `json:"first"`
	} `json:"cifar10"`
	CIFAR100 map[string]struct {
		Coarse    []int `json:"coarse"`
		Fine      []int `json:"fine"`
		PixelSums []int `json:"pixel_sums"`
	} `json:"cifar100"`
	Folder map[string][][][]int `json:"folder"`
	NPY    map[string]struct {
		Shape  []int     `json:"shape"`
		Dtype  string    `json:"dtype"`
		Values []float64 `json:"values"`
	} `json:"npy"`
}

func loadExpect(t *testing.T) *expectFile {
	t.Helper()
	b, err := os.ReadFile("testdata/expect.json")
	if err != nil {
		t.Fatal(err)
	}
	var e expectFile
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return &e
}

// wantErr fails unless err is non-nil and mentions every fragment.
func wantErr(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one mentioning %q", fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not mention %q", err, f)
		}
	}
}
