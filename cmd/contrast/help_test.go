package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden help files in testdata")

// TestHelpGolden keeps `contrast help` and each of the kernel's subcommands'
// -h output under golden files (regenerate with go test -update).
func TestHelpGolden(t *testing.T) {
	cases := []struct {
		golden string
		args   []string
		code   int
	}{
		{"help.golden", []string{"help"}, 0},
		{"kernel.golden", []string{"kernel", "-h"}, 0},
		{"install.golden", []string{"install", "-h"}, 0},
		{"version.golden", []string{"version", "-h"}, 0},
		{"bench_kernel.golden", []string{"bench", "kernel", "-h"}, 0},
		{"demo.golden", []string{"demo", "-h"}, 0},
		{"help_demo.golden", []string{"help", "demo"}, 0},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		if code := run(c.args, &stdout, &stderr); code != c.code {
			t.Errorf("%v: exit code %d want %d", c.args, code, c.code)
		}
		got := append(stdout.Bytes(), stderr.Bytes()...)
		path := filepath.Join("testdata", c.golden)
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%v output changed (go test -update accepts it):\n--- got\n%s\n--- want\n%s", c.args, got, want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"kernel"},
		{"kernel", "-f", "x.json", "extra"},
		{"install", "--user", "--prefix", "/tmp/x"},
		{"install", "extra"},
		{"version", "extra"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit code %d want 2", args, code)
		}
		if !bytes.Contains(stderr.Bytes(), []byte("Usage:")) {
			t.Errorf("%v: usage not printed: %s", args, stderr.Bytes())
		}
	}
}

func TestKernelBadConnectionFile(t *testing.T) {
	var stdout, stderr bytes.Buffer
	p := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(p, []byte(`{"transport":"udp"}`), 0o600)
	if code := run([]string{"kernel", "-f", p}, &stdout, &stderr); code != 1 {
		t.Errorf("exit code %d want 1", code)
	}
	if !bytes.Contains(stderr.Bytes(), []byte("transport")) {
		t.Errorf("the error should name the problem: %s", stderr.Bytes())
	}
}

func TestInstallPrefix(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"install", "--prefix", dir, "--name", "ctest"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.Bytes())
	}
	spec, err := os.ReadFile(filepath.Join(dir, "share", "jupyter", "kernels", "ctest", "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	if !bytes.Contains(spec, []byte(exe)) {
		t.Errorf("kernel.json should start this binary %s:\n%s", exe, spec)
	}
	if code := run([]string{"install", "--prefix", dir, "--name", "bad/name"}, &stdout, &stderr); code != 1 {
		t.Errorf("bad name: exit %d want 1", code)
	}
}

func TestInstallUser(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", dir)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"install"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.Bytes())
	}
	if _, err := os.Stat(filepath.Join(dir, "kernels", "contrast", "kernel.json")); err != nil {
		t.Error(err)
	}
}

// TestUsageErrorsExit2 pins the other half of the convention: a bad command
// line prints the usage and exits 2, asking for help exits 0.
func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"no-such-command"},
		{"demo", "-no-such-flag"},
		{"demo", "extra-argument"},
		{"install", "--user", "--prefix", "/tmp/x"},
		{"bench", "no-such-benchmark"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit code %d want 2", args, code)
		}
		if stderr.Len() == 0 {
			t.Errorf("%q: nothing on stderr; a usage error must say what was wrong", args)
		}
	}
	for _, args := range [][]string{{"demo", "--help"}, {"demo", "-help"}, {"help", "install"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Errorf("%q: exit code %d want 0", args, code)
		}
	}
}
