package session

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// historyMax bounds the entries kept from earlier sessions; the file is
// compacted to it when it grows to twice as many lines.
const historyMax = 10000

// maxHistoryOutput bounds the output stored with an entry.
const maxHistoryOutput = 2000

// history is the list of executed cells: this session's in memory and,
// with a file, earlier sessions' too. The file holds one JSON object a
// line ({"session":1,"line":3,"input":"...","output":"..."}), appended as
// cells run.
type history struct {
	mu      sync.Mutex
	session int
	past    []HistoryEntry // earlier sessions, oldest first
	cur     []HistoryEntry // this session
	f       *os.File       // nil without a file
}

type historyLine struct {
	Session int    `json:"session"`
	Line    int    `json:"line"`
	Input   string `json:"input"`
	Output  string `json:"output,omitempty"`
}

func openHistory(file string) (*history, error) {
	h := &history{session: 1}
	if file == "" {
		return h, nil
	}
	lines := 0
	if f, err := os.Open(file); err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			lines++
			var l historyLine
			if json.Unmarshal(sc.Bytes(), &l) != nil || l.Session <= 0 {
				continue // a torn or foreign line: skip it
			}
			h.past = append(h.past, HistoryEntry(l))
			if l.Session >= h.session {
				h.session = l.Session + 1
			}
			if len(h.past) > 2*historyMax {
				h.past = append(h.past[:0:0], h.past[len(h.past)-historyMax:]...)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("session: reading history %s: %w", file, err)
		}
	} else if !os.IsNotExist(err) {
		return nil, fmt.Errorf("session: opening history: %w", err)
	}
	if len(h.past) > historyMax {
		h.past = h.past[len(h.past)-historyMax:]
	}
	if lines > 2*historyMax {
		if err := writeHistory(file, h.past); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("session: opening history: %w", err)
	}
	h.f = f
	return h, nil
}

// writeHistory replaces file atomically with entries.
func writeHistory(file string, entries []HistoryEntry) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), ".history-*")
	if err != nil {
		return fmt.Errorf("session: compacting history: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	for _, e := range entries {
		b, _ := json.Marshal(historyLine(e))
		w.Write(append(b, '\n'))
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

func (h *history) add(line int, input, output string) {
	if len(output) > maxHistoryOutput {
		output = truncateAt(output, maxHistoryOutput)
	}
	e := HistoryEntry{Session: h.session, Line: line, Input: input, Output: output}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cur = append(h.cur, e)
	if h.f != nil {
		b, err := json.Marshal(historyLine(e))
		if err == nil {
			h.f.Write(append(b, '\n')) // one write: appends stay whole
		}
	}
}

// truncateAt cuts s to n bytes at a rune boundary, marking the cut.
func truncateAt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

func (h *history) close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.f == nil {
		return nil
	}
	err := h.f.Close()
	h.f = nil
	return err
}

// query answers History.
func (h *history) query(kind string, n int, pattern string, session, start, stop int) []HistoryEntry {
	h.mu.Lock()
	all := make([]HistoryEntry, 0, len(h.past)+len(h.cur))
	all = append(all, h.past...)
	all = append(all, h.cur...)
	cur := h.session
	h.mu.Unlock()
	last := func(es []HistoryEntry) []HistoryEntry {
		if n > 0 && len(es) > n {
			return es[len(es)-n:]
		}
		return es
	}
	switch kind {
	case "tail":
		return last(all)
	case "range":
		if session <= 0 {
			session += cur // 0 is this session, -1 the one before
		}
		var out []HistoryEntry
		for _, e := range all {
			if e.Session == session && e.Line >= start && (stop <= 0 || e.Line < stop) {
				out = append(out, e)
			}
		}
		return out
	case "search":
		return search(all, pattern, n, true)
	}
	return nil
}

// search returns the last n entries (all with n <= 0) whose input matches
// the glob pattern, oldest first; with unique, only the last entry of each
// distinct input.
func search(all []HistoryEntry, pattern string, n int, unique bool) []HistoryEntry {
	re := globRE(pattern)
	var out []HistoryEntry
	seen := map[string]bool{}
	for i := len(all) - 1; i >= 0; i-- {
		e := all[i]
		if !re.MatchString(e.Input) || unique && seen[e.Input] {
			continue
		}
		seen[e.Input] = true
		out = append(out, e)
		if n > 0 && len(out) == n {
			break
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func (h *history) all() []HistoryEntry {
	h.mu.Lock()
	defer h.mu.Unlock()
	all := make([]HistoryEntry, 0, len(h.past)+len(h.cur))
	all = append(all, h.past...)
	return append(all, h.cur...)
}

// globRE compiles a glob (* any text, ? one character, [...] a class) that
// must match a whole input, across lines.
func globRE(glob string) *regexp.Regexp {
	if glob == "" {
		glob = "*"
	}
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			if j := strings.IndexByte(glob[i+1:], ']'); j > 0 {
				class := glob[i+1 : i+1+j]
				if strings.HasPrefix(class, "!") {
					class = "^" + class[1:]
				}
				b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
				i += j + 1
				continue
			}
			b.WriteString(`\[`)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return regexp.MustCompile(regexp.QuoteMeta(glob))
	}
	return re
}

// History returns executed cells; see Engine. Kinds: "tail" (the last n,
// all with n <= 0), "range" (lines start <= line < stop of session, stop
// <= 0 meaning to the end; session 0 is the current one, -1 the one
// before), "search" (inputs matching the glob pattern, most recent n,
// without repeats).
func (s *Session) History(kind string, n int, pattern string, session, start, stop int) []HistoryEntry {
	return s.hist.query(kind, n, pattern, session, start, stop)
}

// HistorySearch returns the last n executed cells (all with n <= 0) whose
// input matches the glob pattern (* and ? match any text, newlines
// included; [...] a class), oldest first, across sessions with a history
// file. With unique, an input that ran several times appears once, at its
// last run; without, every run appears, as Jupyter's history_request with
// unique=false asks.
func (s *Session) HistorySearch(pattern string, n int, unique bool) []HistoryEntry {
	return search(s.hist.all(), pattern, n, unique)
}
