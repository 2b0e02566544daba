package repl

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHistoryFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "contrast")
	path := filepath.Join(dir, "repl_history")
	h, err := openHistory(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	cell := "func f(n int) int {\n\treturn n + 1\n}"
	for _, e := range []string{"x := 1", cell, cell, "  ", "f(x)\n"} {
		if _, err := h.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("history directory: %v, mode %v want 0700", err, st.Mode().Perm())
	}
	st, err = os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("history file: %v, mode %v want 0600", err, st.Mode().Perm())
	}
	again, err := openHistory(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"x := 1", cell, "f(x)"}
	if got := again.Dump().([]string); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("reloaded %q want %q (a multi-line cell is one entry, repeats and blanks are dropped)", got, want)
	}
	if l, _ := again.GetLine(1); l != cell || again.Len() != 3 {
		t.Errorf("GetLine(1) = %q, Len %d", l, again.Len())
	}
	if _, err := again.GetLine(3); err == nil {
		t.Errorf("GetLine past the end should fail")
	}
}

// TestHistoryBounded: the file keeps at most max entries, rewritten when
// it reaches twice that.
func TestHistoryBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h")
	h, _ := openHistory(path, 10)
	for i := 0; i < 45; i++ {
		h.Write(fmt.Sprintf("x := %d", i))
	}
	if h.Len() != 10 {
		t.Errorf("in memory: %d entries want 10", h.Len())
	}
	data, _ := os.ReadFile(path)
	if n := strings.Count(string(data), "\n"); n >= 20 {
		t.Errorf("file has %d lines, want fewer than twice the bound", n)
	}
	again, _ := openHistory(path, 10)
	got := again.Dump().([]string)
	if len(got) != 10 || got[0] != "x := 35" || got[9] != "x := 44" {
		t.Errorf("reloaded %q want the last 10", got)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("rewritten file mode %v", st.Mode().Perm())
	}
}

func TestHistoryUnwritable(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o600)
	if _, err := openHistory(filepath.Join(blocker, "h"), 10); err == nil || !strings.Contains(err.Error(), "will not be saved") {
		t.Errorf("an unreadable history should say it will not be saved, got %v", err)
	}
	path := filepath.Join(dir, "later", "h")
	h, err := openHistory(path, 10)
	if err != nil {
		t.Fatalf("a missing history file is not an error: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "later"), nil, 0o600) // a file where the directory should be
	if _, err := h.Write("x"); err == nil || !strings.Contains(err.Error(), "history not saved") {
		t.Errorf("write error should say the history is not saved, got %v", err)
	}
	if _, err := h.Write("y"); err != nil {
		t.Errorf("the error is reported once, got %v", err)
	}
	if h.Len() != 2 {
		t.Errorf("entries are kept in memory: %d", h.Len())
	}
}

func TestDefaultHistoryFile(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg")
	if p, _ := DefaultHistoryFile(); p != "/xdg/contrast/repl_history" {
		t.Errorf("got %s", p)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/u")
	if p, _ := DefaultHistoryFile(); p != "/home/u/.local/share/contrast/repl_history" {
		t.Errorf("got %s", p)
	}
}
