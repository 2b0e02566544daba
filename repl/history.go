package repl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// MaxHistory is how many entries the history file keeps: the oldest are
// dropped when it grows past that.
const MaxHistory = 10000

// DefaultHistoryFile returns $XDG_DATA_HOME/contrast/repl_history, or
// ~/.local/share/contrast/repl_history when XDG_DATA_HOME is not set.
func DefaultHistoryFile() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no history file: %w (set XDG_DATA_HOME or pass --history FILE)", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "contrast", "repl_history"), nil
}

// history is the line editor's persistent history: one entry per cell
// (multi-line cells are one entry), kept in a file of JSON strings, one a
// line, appended as cells are entered. The directory is created 0700 and
// the file 0600. At most max entries are kept; the file is rewritten
// (atomically) without the oldest when it holds twice that.
//
// It implements the line editor's history source (Write, GetLine, Len,
// Dump).
type history struct {
	mu      sync.Mutex
	path    string // "" keeps the history in memory only
	max     int
	entries []string
	inFile  int   // lines in the file, counting any that did not parse
	err     error // the first write error, reported once
}

// openHistory loads path (which may not exist yet). An empty path gives an
// in-memory history.
func openHistory(path string, max int) (*history, error) {
	h := &history{path: path, max: max}
	if path == "" {
		return h, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		h.path = ""
		return h, fmt.Errorf("history %s: %w; history will not be saved", path, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		h.inFile++
		var s string
		if json.Unmarshal(sc.Bytes(), &s) == nil && strings.TrimSpace(s) != "" {
			h.entries = append(h.entries, s)
		}
	}
	if len(h.entries) > max {
		h.entries = h.entries[len(h.entries)-max:]
	}
	return h, nil
}

// Write appends an entry; it implements the editor's history source.
func (h *history) Write(s string) (int, error) {
	s = strings.TrimRight(s, " \t\n")
	h.mu.Lock()
	defer h.mu.Unlock()
	if strings.TrimSpace(s) == "" {
		return len(h.entries), nil
	}
	if n := len(h.entries); n > 0 && h.entries[n-1] == s {
		return n, nil
	}
	h.entries = append(h.entries, s)
	if len(h.entries) > h.max {
		h.entries = h.entries[len(h.entries)-h.max:]
	}
	if h.path == "" {
		return len(h.entries), nil
	}
	err := h.append(s)
	if err == nil && h.inFile >= 2*h.max {
		err = h.rewrite()
	}
	if err != nil && h.err == nil {
		h.err = err
		return len(h.entries), fmt.Errorf("history not saved: %w", err)
	}
	return len(h.entries), nil
}

// append adds one line to the file, creating it (and its directory).
func (h *history) append(s string) error {
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return err
	}
	line, _ := json.Marshal(s)
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(line, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	h.inFile++
	return err
}

// rewrite replaces the file with the entries kept in memory.
func (h *history) rewrite() error {
	var buf bytes.Buffer
	for _, e := range h.entries {
		line, _ := json.Marshal(e)
		buf.Write(line)
		buf.WriteByte('\n')
	}
	if err := writeFileAtomic(h.path, buf.Bytes(), 0o600); err != nil {
		return err
	}
	h.inFile = len(h.entries)
	return nil
}

// GetLine returns entry i (0 is the oldest).
func (h *history) GetLine(i int) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if i < 0 || i >= len(h.entries) {
		return "", fmt.Errorf("history: no entry %d", i)
	}
	return h.entries[i], nil
}

// Len is the number of entries.
func (h *history) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.entries)
}

// Dump returns a copy of the entries.
func (h *history) Dump() any {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.entries...)
}

// writeFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path.
func writeFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
