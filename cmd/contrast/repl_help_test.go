package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateReplHelp = flag.Bool("update-repl-help", false, "rewrite the golden help files of repl and run in testdata")

// TestReplHelpGolden keeps `contrast repl -h` and `contrast run -h` under
// golden files (regenerate with go test -update-repl-help).
func TestReplHelpGolden(t *testing.T) {
	for _, c := range []struct {
		golden string
		args   []string
	}{
		{"repl.golden", []string{"repl", "-h"}},
		{"run.golden", []string{"run", "-h"}},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(c.args, &stdout, &stderr); code != 0 {
			t.Errorf("%v: exit code %d want 0 (help was asked for)", c.args, code)
		}
		got := append(stdout.Bytes(), stderr.Bytes()...)
		path := filepath.Join("testdata", c.golden)
		if *updateReplHelp {
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
			t.Fatalf("%v (run go test -update-repl-help to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%v output changed (go test -update-repl-help accepts it):\n--- got\n%s\n--- want\n%s", c.args, got, want)
		}
	}
}

func TestReplUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"repl", "extra"},
		{"repl", "--bogus"},
		{"run"},
		{"run", "a.go", "b.go"},
		{"run", "--history", "x", "a.go"},
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
