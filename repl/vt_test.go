package repl

import (
	"strconv"
	"strings"
	"testing"
)

// vt is a minimal terminal emulator for tests: enough of VT100 to see what
// the screen shows after the REPL's output (cursor moves, erase in line and
// display, index and reverse index, scrolling). Colours are ignored.
type vt struct {
	w, h   int
	rows   [][]rune
	x, y   int
	pend   []byte // an escape sequence in progress
	strict *testing.T
}

func newVT(t *testing.T, w, h int) *vt {
	v := &vt{w: w, h: h, strict: t}
	for i := 0; i < h; i++ {
		v.rows = append(v.rows, v.blank())
	}
	return v
}

func (v *vt) blank() []rune { return []rune(strings.Repeat(" ", v.w)) }

func (v *vt) Write(p []byte) (int, error) {
	s := string(append(v.pend, p...))
	v.pend = nil
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			n, ok := v.escape(s[i:])
			if !ok {
				v.pend = []byte(s[i:])
				return len(p), nil
			}
			i += n
			continue
		case c == '\r':
			v.x = 0
		case c == '\n':
			v.lf()
			v.x = 0 // the tests' pipes are cooked: ONLCR
		case c == '\b':
			v.x = max(v.x-1, 0)
		case c == '\a':
		default:
			r, size := []rune(s[i:])[0], len(string([]rune(s[i:])[0]))
			if v.x >= v.w {
				v.x = 0
				v.lf()
			}
			v.rows[v.y][v.x] = r
			v.x++
			i += size
			continue
		}
		i++
	}
	return len(p), nil
}

// lf moves down a line, scrolling at the bottom.
func (v *vt) lf() {
	if v.y == v.h-1 {
		v.rows = append(v.rows[1:], v.blank())
		return
	}
	v.y++
}

// escape interprets the sequence at the start of s and returns its length.
func (v *vt) escape(s string) (int, bool) {
	if len(s) < 2 {
		return 0, false
	}
	switch s[1] {
	case 'D': // index
		v.lf()
		return 2, true
	case 'M': // reverse index
		if v.y == 0 {
			v.rows = append([][]rune{v.blank()}, v.rows[:v.h-1]...)
		} else {
			v.y--
		}
		return 2, true
	case '_', ']', 'P': // APC, OSC, DCS: skip to ST or BEL
		for j := 2; j < len(s); j++ {
			if s[j] == '\a' {
				return j + 1, true
			}
			if s[j] == '\\' && s[j-1] == 0x1b {
				return j + 1, true
			}
		}
		return 0, false
	case '[':
		j := 2
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == '?') {
			j++
		}
		if j == len(s) {
			return 0, false
		}
		args := strings.Split(strings.TrimPrefix(s[2:j], "?"), ";")
		n, _ := strconv.Atoi(args[0])
		one := max(n, 1)
		switch s[j] {
		case 'A':
			v.y = max(v.y-one, 0)
		case 'B':
			v.y = min(v.y+one, v.h-1)
		case 'C':
			v.x = min(v.x+one, v.w-1)
		case 'D':
			v.x = max(v.x-one, 0)
		case 'K':
			from, to := v.x, v.w
			if n == 2 {
				from = 0
			} else if n == 1 {
				from, to = 0, v.x+1
			}
			for k := from; k < to && k < v.w; k++ {
				v.rows[v.y][k] = ' '
			}
		case 'J':
			for k := v.x; k < v.w; k++ {
				v.rows[v.y][k] = ' '
			}
			for r := v.y + 1; r < v.h; r++ {
				v.rows[r] = v.blank()
			}
		case 'm', 'h', 'l', 'q':
		default:
			v.strict.Errorf("vt: unexpected escape %q", s[:j+1])
		}
		return j + 1, true
	}
	v.strict.Errorf("vt: unexpected escape %q", s[:2])
	return 2, true
}

// screen returns the visible lines, trailing blanks trimmed.
func (v *vt) screen() string {
	var lines []string
	for _, r := range v.rows {
		lines = append(lines, strings.TrimRight(string(r), " "))
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

func TestVT(t *testing.T) {
	v := newVT(t, 10, 3)
	v.Write([]byte("ab\ncd\nef\ngh"))
	if got, want := v.screen(), "cd\nef\ngh"; got != want {
		t.Errorf("scroll: got %q want %q", got, want)
	}
	v.Write([]byte("\r\x1b[1A\x1b[J"))
	if got, want := v.screen(), "cd"; got != want {
		t.Errorf("erase: got %q want %q", got, want)
	}
	v.Write([]byte("\x1bD\x1bD\x1bD\x1bM"))
	if v.y != 1 {
		t.Errorf("index/reverse index: row %d want 1", v.y)
	}
}
