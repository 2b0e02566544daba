package repl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocontrast/contrast/display"
)

// plainProgressEvery is how often a progress bar prints a line when the
// output is not a terminal (besides its first and last state).
const plainProgressEvery = 5 * time.Second

// screen is the REPL's output: it writes stream text, rich displays and
// results to the terminal (or the pipes of a script run), and implements
// display.Sink.
//
// On a terminal, progress bars that are still running stay in a live
// region at the bottom, redrawn in place; other output is printed above it
// (whole lines only, so a partial line never lands inside a bar). Images
// are written to a folder and their path printed; when the terminal speaks
// an inline image protocol they are drawn too. HTML and Markdown are shown
// as readable text. Off a terminal no escape sequence is ever written and
// progress bars print a plain line now and then.
//
// A screen is safe for concurrent use: goroutines a cell starts may print
// at any time.
type screen struct {
	mu     sync.Mutex
	out    io.Writer   // stdout: results, displays, progress
	errw   io.Writer   // stderr: errors and the cell's stderr stream
	tty    bool        // out is a terminal: escape sequences allowed
	color  bool        // colours on out
	ecolor bool        // colours on errw
	raw    atomic.Bool // the line editor has the terminal (raw mode: \n does not return)
	redraw func()      // asks the line editor to draw its input again
	inline string      // inline image protocol, "" for none
	width  func() int  // terminal columns, 0 when unknown
	images *imageDir   // where images are written
	now    func() time.Time

	live  []*liveBar // progress bars drawn in place (tty only)
	held  [2][]byte  // per stream, text after the last newline, held while bars are live
	atBOL bool       // out's cursor is at the start of a line, as far as we know
	tail  []byte     // what out's current line shows, when !atBOL (tty only)
	plain map[string]time.Time

	cell  int // execution count of the running cell, for image names
	shown int // images shown by the running cell
}

type liveBar struct {
	id, text string
}

func newScreen(out, errw io.Writer, tty, color bool, inline string, width func() int, images *imageDir) *screen {
	if width == nil {
		width = func() int { return 0 }
	}
	return &screen{out: out, errw: errw, tty: tty, color: color, ecolor: color && isTerminal(errw), inline: inline, width: width,
		images: images, now: time.Now, atBOL: true, plain: map[string]time.Time{}}
}

// stream returns a writer for the cell's stdout (stderr=false) or stderr.
func (s *screen) stream(stderr bool) io.Writer { return streamWriter{s, stderr} }

type streamWriter struct {
	s      *screen
	stderr bool
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	w.s.write(p, w.stderr)
	return len(p), nil
}

// write prints p on a stream. s.mu is held.
func (s *screen) write(p []byte, stderr bool) {
	if len(p) == 0 {
		return
	}
	k := 0
	w := s.out
	if stderr {
		k, w = 1, s.errw
	}
	if s.raw.Load() {
		// Output of a goroutine a cell left running, while the line
		// editor has the terminal: it replaces the input line (returning
		// the carriage at each newline) and the editor draws the input
		// again below it.
		s.held[k] = append(s.held[k], p...)
		i := bytes.LastIndexByte(s.held[k], '\n')
		if i < 0 {
			return // a partial line waits for its end, or for the next cell
		}
		lines := bytes.ReplaceAll(s.held[k][:i+1], []byte("\n"), []byte("\r\n"))
		s.held[k] = append([]byte(nil), s.held[k][i+1:]...)
		w.Write(append([]byte("\r\x1b[2K"), lines...))
		if s.redraw != nil {
			s.redraw()
		}
		return
	}
	if len(s.live) == 0 {
		w.Write(p)
		if s.tty || !stderr {
			s.atBOL = p[len(p)-1] == '\n'
			if i := bytes.LastIndexByte(p, '\n'); i >= 0 {
				s.tail = append(s.tail[:0], p[i+1:]...)
			} else {
				s.tail = append(s.tail, p...)
			}
		}
		return
	}
	s.held[k] = append(s.held[k], p...)
	i := bytes.LastIndexByte(s.held[k], '\n')
	if i < 0 {
		return
	}
	s.eraseLive()
	w.Write(s.held[k][:i+1])
	s.held[k] = append([]byte(nil), s.held[k][i+1:]...)
	s.drawLive()
}

// println prints a line of the REPL's own (results, messages) on stdout.
func (s *screen) println(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.printlnLocked(text, false)
}

// eprintln prints a line on stderr.
func (s *screen) eprintln(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.printlnLocked(text, true)
}

func (s *screen) printlnLocked(text string, stderr bool) {
	k := 0
	if stderr {
		k = 1
	}
	if len(s.held[k]) > 0 || (!s.atBOL && len(s.live) == 0 && (s.tty || !stderr)) {
		s.write([]byte("\n"), stderr)
	}
	s.write([]byte(text+"\n"), stderr)
}

// paint wraps text for out in an SGR colour when colour is on.
func (s *screen) paint(sgr, text string) string {
	if !s.color || text == "" {
		return text
	}
	return "\x1b[" + sgr + "m" + text + "\x1b[0m"
}

// epaint is paint for the error stream.
func (s *screen) epaint(sgr, text string) string {
	if !s.ecolor || text == "" {
		return text
	}
	return "\x1b[" + sgr + "m" + text + "\x1b[0m"
}

// eraseLive removes the live bars from the screen, leaving the cursor where
// the first one was. s.mu is held.
func (s *screen) eraseLive() {
	if len(s.live) == 0 {
		return
	}
	fmt.Fprintf(s.out, "\r\x1b[%dA\x1b[J", len(s.live))
}

// drawLive draws the live bars, one a line. s.mu is held.
func (s *screen) drawLive() {
	if len(s.live) == 0 {
		return
	}
	var b strings.Builder
	w := s.width()
	for _, l := range s.live {
		b.WriteString(truncateWidth(l.text, w-1))
		b.WriteString("\n")
	}
	io.WriteString(s.out, b.String())
	s.atBOL = true
}

// takeLine erases the current line of a terminal and returns the text it
// showed (such as a cell's "name? " before it reads input), so that a line
// editor can show it again as its prompt. It settles the live region first.
func (s *screen) takeLine() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.tty {
		return ""
	}
	s.live = nil
	for k := range s.held {
		if len(s.held[k]) > 0 {
			s.write(s.held[k], k == 1)
			s.held[k] = nil
		}
	}
	if s.atBOL {
		return ""
	}
	line := string(s.tail)
	io.WriteString(s.out, "\r\x1b[2K")
	s.atBOL, s.tail = true, s.tail[:0]
	return line
}

// beginCell starts the output of cell number n.
func (s *screen) beginCell(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cell, s.shown = n, 0
}

// endCell flushes held text and leaves the bars that are still live on the
// screen as they are (the next output starts below them), with the cursor
// at the start of a line, ready for the prompt.
func (s *screen) endCell() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle()
}

// settle empties the live region. s.mu is held.
func (s *screen) settle() {
	s.live = nil
	for k := range s.held {
		if len(s.held[k]) > 0 {
			w := s.out
			if k == 1 {
				w = s.errw
			}
			w.Write(s.held[k])
			if k == 0 {
				s.atBOL = false
			}
			s.held[k] = nil
		}
	}
	if !s.atBOL {
		io.WriteString(s.out, "\n")
		s.atBOL = true
	}
}

// Display implements display.Sink.
func (s *screen) Display(b display.Bundle, meta map[string]any, id string) {
	s.show(b, meta, id, false)
}

// Update implements display.Sink.
func (s *screen) Update(id string, b display.Bundle, meta map[string]any) {
	s.show(b, meta, id, true)
}

// Clear implements display.Sink: bars in place are erased; other output,
// already scrolled by, stays.
func (s *screen) Clear(wait bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tty {
		s.eraseLive()
		s.live = nil
	}
}

// isProgress reports whether metadata marks a progress bar, and whether it
// is finished.
func isProgress(meta map[string]any) (progress, done bool) {
	c, ok := meta["contrast"].(map[string]any)
	if !ok {
		return false, false
	}
	p, _ := c["progress"].(bool)
	d, _ := c["done"].(bool)
	return p, d
}

func (s *screen) show(b display.Bundle, meta map[string]any, id string, update bool) {
	if progress, done := isProgress(meta); progress {
		s.progress(id, b.String(display.MIMEText), done, update)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	text, img := s.render(b, id)
	if text != "" {
		s.printlnLocked(text, false)
	}
	if img != "" {
		s.eraseLive()
		io.WriteString(s.out, img+"\n")
		s.atBOL = true
		s.drawLive()
	}
}

// progress shows a progress bar's state.
func (s *screen) progress(id, text string, done, update bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.tty {
		now := s.now()
		last, seen := s.plain[id]
		if seen && !done && now.Sub(last) < plainProgressEvery {
			return
		}
		s.plain[id] = now
		if done {
			delete(s.plain, id)
		}
		s.printlnLocked(text, false)
		return
	}
	i := -1
	for k, l := range s.live {
		if l.id == id {
			i = k
		}
	}
	if done {
		// A finished bar leaves the live region and stays above it.
		s.eraseLive()
		if i >= 0 {
			s.live = append(s.live[:i], s.live[i+1:]...)
		}
		if !s.atBOL {
			io.WriteString(s.out, "\n")
		}
		io.WriteString(s.out, truncateWidth(text, s.width()-1)+"\n")
		s.atBOL = true
		s.drawLive()
		return
	}
	if i < 0 {
		if len(s.live) == 0 && !s.atBOL {
			io.WriteString(s.out, "\n")
			s.atBOL = true
		}
		s.eraseLive()
		s.live = append(s.live, &liveBar{id: id, text: text})
		s.drawLive()
		return
	}
	s.live[i].text = text
	s.eraseLive()
	s.drawLive()
}

// render returns the text to print for a bundle and, for images on a
// terminal with an inline protocol, the escape that draws it. s.mu is held.
func (s *screen) render(b display.Bundle, id string) (text, inline string) {
	for _, mime := range b.MIMETypes() {
		switch mime {
		case display.MIMEPNG, display.MIMEJPEG, display.MIMESVG:
			data := bundleBytes(b, mime)
			if len(data) == 0 {
				continue
			}
			s.shown++
			path, err := s.images.save(id, s.cell, s.shown, mime, data)
			if err != nil {
				return s.paint("31", "image not saved: "+err.Error()), ""
			}
			desc := "image"
			if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
				desc = fmt.Sprintf("image %d×%d", cfg.Width, cfg.Height)
			} else if mime == display.MIMESVG {
				desc = "SVG image"
			}
			text = s.paint("36", fmt.Sprintf("[%s: %s]", desc, path))
			if s.tty && s.inline != inlineNone && mime != display.MIMESVG {
				inline = inlineImage(s.inline, data, mime, filepath.Base(path), s.width())
			}
			return text, inline
		case display.MIMEHTML:
			h := b.String(display.MIMEHTML)
			if t, ok := b[display.MIMEText].(string); ok && t != "" && t != display.StripTags(h) {
				return t, "" // the value's own text form
			}
			return htmlText(h), ""
		case display.MIMEMarkdown, display.MIMELaTeX, display.MIMEText:
			return strings.TrimRight(b.String(mime), "\n"), ""
		case display.MIMEJSON:
			if t := b.String(display.MIMEText); t != "" {
				return t, ""
			}
			out, err := json.MarshalIndent(b[mime], "", "  ")
			if err != nil {
				return b.String(mime), ""
			}
			return string(out), ""
		}
	}
	return b.String(display.MIMEText), ""
}

// bundleBytes returns the data of an image type in b as bytes.
func bundleBytes(b display.Bundle, mime string) []byte {
	switch d := b[mime].(type) {
	case []byte:
		return d
	case string:
		if mime == display.MIMESVG {
			return []byte(d)
		}
		return nil
	}
	return nil
}

// imageDir is the folder images are written to.
type imageDir struct {
	mu     sync.Mutex
	dir    string
	temp   bool   // made by us; removed at exit when empty
	prefix string // file name prefix: a time stamp in a folder the user named
	byID   map[string]string
	err    error
}

// newImageDir prepares dir, or a new temporary folder when dir is "".
func newImageDir(dir string) (*imageDir, error) {
	d := &imageDir{dir: dir, byID: map[string]string{}}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "contrast-images-")
		if err != nil {
			return nil, fmt.Errorf("cannot make a folder for images: %w (pass --images DIR)", err)
		}
		d.dir, d.temp = tmp, true
		return d, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("images folder: %w", err)
	}
	d.prefix = time.Now().Format("20060102-150405-")
	return d, nil
}

// save writes an image and returns its path: <prefix><cell>-<n>.<ext>, or
// the file already used by display id when it is updated.
func (d *imageDir) save(id string, cell, n int, mime string, data []byte) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	path := ""
	if id != "" {
		path = d.byID[id]
	}
	if path == "" {
		ext := map[string]string{display.MIMEPNG: "png", display.MIMEJPEG: "jpg", display.MIMESVG: "svg"}[mime]
		path = filepath.Join(d.dir, fmt.Sprintf("%s%d-%d.%s", d.prefix, cell, n, ext))
		if id != "" {
			d.byID[id] = path
		}
	}
	if err := writeFileAtomic(path, data, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// cleanup removes a temporary folder that stayed empty.
func (d *imageDir) cleanup() {
	if d != nil && d.temp {
		os.Remove(d.dir) // fails, harmlessly, when images were written
	}
}
