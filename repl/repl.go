package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/session"
)

// Options configures the REPL. Zero fields mean defaults.
type Options struct {
	// NewEngine starts the session engine; nil means session.New.
	NewEngine func(session.Options) (session.Engine, error)

	// ImagesDir is the folder images (plots) are written to; "" means a
	// new temporary folder, shown in the banner and removed at exit when
	// no image was written.
	ImagesDir string

	// HistoryFile is the line editor's history; "" means
	// DefaultHistoryFile(). NoHistory keeps history in memory only.
	HistoryFile string
	NoHistory   bool

	// NoColor turns colours off. They are also off when NO_COLOR is set
	// or the output is not a terminal.
	NoColor bool

	// ShowTypes prints the type of each result beside its value.
	ShowTypes bool

	// Stdin, Stdout and Stderr are the script runner's streams (nil means
	// the process's). The interactive REPL always uses the terminal.
	Stdin          io.Reader
	Stdout, Stderr io.Writer

	// Getenv reads the environment (terminal detection, NO_COLOR); nil
	// means os.Getenv.
	Getenv func(string) string
}

// ErrFailed is wrapped by the error Run returns when a cell failed; the
// cell's error has been printed on Stderr by then.
var ErrFailed = errors.New("stopped at the first error")

func (o *Options) defaults() {
	if o.NewEngine == nil {
		o.NewEngine = newSession
	}
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// termWidth returns a function giving the columns of the terminal f.
func termWidth(f *os.File) func() int {
	return func() int {
		w, _, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0
		}
		return w
	}
}

// runner runs cells on the engine and prints their results; both the
// interactive REPL and the script runner use one.
type runner struct {
	opts Options
	eng  *lazyEngine
	scr  *screen

	count     int          // execution count of the last cell
	resetAt   int          // count when the session was last reset
	failed    map[int]bool // counts of the cells that failed
	mu        sync.Mutex
	cancel    context.CancelFunc // of the running cell
	sigs      int                // interrupts received while it runs
	cellStart map[int]int        // script mode: count -> line the cell starts on
	fileName  string             // script mode: the file's name for error lines
}

// cellError is the text of a failed cell's error.
func cellError(e *session.Error) string {
	if len(e.Traceback) > 0 {
		return strings.TrimRight(strings.Join(e.Traceback, "\n"), "\n")
	}
	return e.Name + ": " + e.Message
}

// execute runs one cell under ctx; interrupt (Ctrl-C) cancels it.
func (r *runner) execute(ctx context.Context, code string) (session.Result, time.Duration) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.mu.Lock()
	r.cancel, r.sigs = cancel, 0
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.cancel = nil
		r.mu.Unlock()
	}()

	r.scr.beginCell(r.count + 1)
	start := time.Now()
	res := r.eng.execute(ctx, code)
	took := time.Since(start)
	r.scr.endCell()
	if res.Count > 0 {
		r.count = res.Count
	}
	return res, took
}

// catchInterrupts turns SIGINT (Ctrl-C while a cell runs: the terminal is
// then in its normal mode) into interrupting the running cell, for as long
// as the REPL runs, so that a Ctrl-C never kills it. Compiled helpers see
// display.Context cancelled. A third Ctrl-C while the same cell still runs
// ends the process. onIdle, if set, is called for a Ctrl-C when no cell
// runs. The returned function stops catching.
func (r *runner) catchInterrupts(onIdle func()) (stop func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sig:
				r.mu.Lock()
				cancel := r.cancel
				r.sigs++
				n := r.sigs
				r.mu.Unlock()
				switch {
				case cancel == nil:
					if onIdle != nil {
						onIdle()
					}
				case n >= 3:
					r.scr.eprintln("contrast: the cell does not stop; exiting")
					os.Exit(130)
				default:
					cancel()
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sig)
		close(done)
	}
}

// interrupt cancels the running cell, if any.
func (r *runner) interrupt() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel != nil {
		r.cancel()
	}
}

// show prints a cell's result or error and reports whether it succeeded.
func (r *runner) show(ctx context.Context, code string, res session.Result) bool {
	if res.Err != nil {
		r.scr.eprintln(r.scr.epaint("31", r.mapLines(cellError(res.Err), res.Count)))
		if res.Count > 0 {
			r.failed[res.Count] = true
		}
		return false
	}
	if res.Value == nil {
		return true
	}
	r.scr.mu.Lock()
	text, img := r.scr.render(res.Value, "")
	r.scr.mu.Unlock()
	typ := ""
	if r.opts.ShowTypes {
		typ = res.Type
	}
	switch {
	case typ == "":
	case strings.Contains(text, "\n"):
		r.scr.println(r.scr.paint("2", "// "+typ))
	default:
		text += r.scr.paint("2", "  // "+typ)
	}
	if text != "" {
		r.scr.println(text)
	}
	if img != "" {
		r.scr.println(img)
	}
	return true
}

var cellLineRE = regexp.MustCompile(`cell (?:\[(\d+)\] )?line (\d+)`)

// mapLines rewrites "cell line N" and "cell [k] line N" in a script's
// errors to the file's own lines, "script.go:12".
func (r *runner) mapLines(text string, count int) string {
	if r.cellStart == nil {
		return text
	}
	return cellLineRE.ReplaceAllStringFunc(text, func(m string) string {
		sm := cellLineRE.FindStringSubmatch(m)
		c := count
		if sm[1] != "" {
			c, _ = strconv.Atoi(sm[1])
		}
		start, ok := r.cellStart[c]
		n, _ := strconv.Atoi(sm[2])
		if !ok {
			return m
		}
		return fmt.Sprintf("%s:%d", r.fileName, start+n-1)
	})
}

// runChunks runs cells in order and stops at the first error, which it
// returns (wrapping ErrFailed) after printing it.
func (r *runner) runChunks(ctx context.Context, name string, chunks []chunk) error {
	for _, c := range chunks {
		if r.cellStart != nil {
			r.cellStart[r.count+1] = c.line
		}
		res, _ := r.execute(ctx, c.code)
		if !r.show(ctx, c.code, res) {
			where := name
			if c.line > 0 {
				where = fmt.Sprintf("%s:%d", name, c.line)
			}
			return fmt.Errorf("%s: %w", where, ErrFailed)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// loadFile reads a .go file or a notebook into cells.
func (r *runner) loadFile(path string) ([]chunk, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(filepath.Ext(path), ".ipynb") {
		cells, err := notebookCells(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		chunks := make([]chunk, len(cells))
		for i, c := range cells {
			chunks[i] = chunk{code: c}
		}
		return chunks, nil
	}
	return r.split(string(data)), nil
}

// split cuts Go source into cells with the session's completeness check.
func (r *runner) split(src string) []chunk {
	return splitScript(src, func(code string) (string, string) {
		return r.eng.isComplete(code, time.Minute)
	})
}

// newRunner prepares the screen and starts the engine.
func newRunner(opts Options, out, errw io.Writer, tty bool, width func() int, input func(string, bool) (string, error)) (*runner, error) {
	images, err := newImageDir(opts.ImagesDir)
	if err != nil {
		return nil, err
	}
	color := tty && !opts.NoColor && opts.Getenv("NO_COLOR") == "" && opts.Getenv("TERM") != "dumb"
	inline := inlineNone
	if tty {
		inline = detectInline(opts.Getenv)
	}
	r := &runner{opts: opts, failed: map[int]bool{}}
	r.scr = newScreen(out, errw, tty, color, inline, width, images)
	r.eng = startEngine(opts.NewEngine, session.Options{
		Stdout: r.scr.stream(false),
		Stderr: r.scr.stream(true),
		Sink:   r.scr,
		Input:  input,
	})
	return r, nil
}

// close closes the engine and removes an unused image folder.
func (r *runner) close() {
	r.eng.close()
	r.scr.images.cleanup()
}

var _ display.Sink = (*screen)(nil)

// Run runs Go source from src without prompts, cell by cell (see
// splitScript for how it is cut), printing outputs on Stdout; at the first
// error it prints the error on Stderr and returns an error wrapping
// ErrFailed. name names the source in messages. A notebook (name ending in
// .ipynb) runs its code cells.
func Run(ctx context.Context, src io.Reader, name string, opts Options) error {
	opts.defaults()
	data, err := io.ReadAll(src)
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	var width func() int
	tty := isTerminal(opts.Stdout)
	if tty {
		width = termWidth(opts.Stdout.(*os.File))
	}
	r, err := newRunner(opts, opts.Stdout, opts.Stderr, tty, width, scriptInput(opts.Stdin, src, opts.Stdout))
	if err != nil {
		return err
	}
	defer r.close()
	var chunks []chunk
	if strings.EqualFold(filepath.Ext(name), ".ipynb") {
		cells, err := notebookCells(data)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, c := range cells {
			chunks = append(chunks, chunk{code: c})
		}
	} else {
		r.cellStart = map[int]int{}
		r.fileName = name
		chunks = r.split(string(data))
	}
	if _, err := r.eng.get(); err != nil {
		return fmt.Errorf("the session did not start: %w", err)
	}
	// Ctrl-C interrupts the running cell, which ends the script.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer r.catchInterrupts(cancel)()
	return r.runChunks(ctx, name, chunks)
}

// scriptInput answers a cell's request for input in a script run: a line
// of stdin, unless stdin is the script itself.
func scriptInput(stdin, script io.Reader, out io.Writer) func(string, bool) (string, error) {
	if stdin == script {
		return func(string, bool) (string, error) {
			return "", errors.New("input is not available: standard input is the script (use contrast run FILE)")
		}
	}
	var mu sync.Mutex
	var buf []byte
	return func(prompt string, _ bool) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		io.WriteString(out, prompt)
		one := make([]byte, 1)
		for {
			n, err := stdin.Read(one)
			if n == 1 {
				if one[0] == '\n' {
					line := strings.TrimSuffix(string(buf), "\r")
					buf = buf[:0]
					return line, nil
				}
				buf = append(buf, one[0])
			}
			if err != nil {
				if err == io.EOF && len(buf) > 0 {
					line := string(buf)
					buf = buf[:0]
					return line, nil
				}
				return "", err
			}
		}
	}
}
