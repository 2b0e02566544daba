package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestBenchGemmNoRef runs `contrast bench gemm` on one small size without
// PyTorch and checks that it reports a figure for it.
func TestBenchGemmNoRef(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"bench", "gemm", "-noref", "-sizes", "64^3", "-rounds", "1", "-seconds", "0.01"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[2], "64^3") || !strings.Contains(lines[2], "/") {
		t.Errorf("output %q: want a header, a column line and one line for 64^3", out.String())
	}
}

func TestBenchGemmBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "gemm", "-rounds", "0"},
		{"bench", "gemm", "extra"},
		{"bench", "gemm", "-nosuchflag"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage)", args, code)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"bench", "gemm", "-noref", "-sizes", "nosuchsize"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "no size matches") {
		t.Errorf("unknown size: exit %d, stderr %q", code, errb.String())
	}
	if code := run([]string{"bench", "gemm", "-script", "/nonexistent/gemm.py", "-sizes", "64^3"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "not found") {
		t.Errorf("missing script: exit %d, stderr %q", code, errb.String())
	}
}
