package repl

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/gocontrast/contrast/display"
)

// helpText lists the REPL's commands and keys.
const helpText = `Enter Go: statements, declarations, imports; a trailing expression prints
its value. An unfinished func, {, ( or string continues on the next line.

Commands:
  :help            this help
  :reset           forget all variables, functions and imports
  :load FILE       run a .go file, or a notebook's code cells, in this session
  :save FILE       save this session's cells that ran as FILE (.go, or .ipynb)
  :time CODE       run CODE and print how long it took
  :doc SYMBOL      show the documentation of SYMBOL (fmt.Println, x.Method)
  :type EXPR       show the type of EXPR
  :types on|off    show the type of every result
  :quit            leave (so does Ctrl-D on an empty line)

Keys: Tab completes; Up and Down walk the history, Ctrl-R searches it;
Ctrl-C clears the line, or interrupts the running cell; Home/End, Alt-B/F
(words) and the rest of Emacs' keys edit.`

// command runs a :command line (without the colon).
func (it *interactive) command(ctx context.Context, line string) {
	r := it.r
	name, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case "help", "h", "?":
		r.scr.println(helpText)
		r.scr.println("Images are written to " + r.scr.images.dir + ".")
	case "quit", "q", "exit":
		it.quit = true
	case "reset":
		if err := r.reset(); err != nil {
			r.scr.eprintln(r.scr.epaint("31", err.Error()))
			return
		}
		r.scr.println("The session is reset: every variable, function and import is gone.")
	case "load":
		if arg == "" {
			r.scr.eprintln("usage: :load FILE (a .go file or a .ipynb notebook)")
			return
		}
		r.load(ctx, arg)
	case "save":
		if arg == "" {
			r.scr.eprintln("usage: :save FILE (FILE.go or FILE.ipynb)")
			return
		}
		r.save(arg)
	case "time":
		if arg == "" {
			r.scr.eprintln("usage: :time CODE")
			return
		}
		res, took := r.execute(ctx, arg)
		r.show(ctx, arg, res)
		r.scr.println(r.scr.paint("2", "time: "+formatTook(took)))
	case "doc":
		if arg == "" {
			r.scr.eprintln("usage: :doc SYMBOL, such as :doc fmt.Println")
			return
		}
		r.doc(arg)
	case "type":
		if arg == "" {
			r.scr.eprintln("usage: :type EXPR")
			return
		}
		eng, err := r.eng.get()
		if err != nil {
			r.scr.eprintln(err.Error())
			return
		}
		if t := staticType(eng, arg); t != "" {
			r.scr.println(t)
		} else {
			r.scr.eprintln("cannot tell the type of " + arg + ": it does not compile, or has no value")
		}
	case "types":
		switch arg {
		case "on", "":
			r.opts.ShowTypes = true
		case "off":
			r.opts.ShowTypes = false
		default:
			r.scr.eprintln("usage: :types on|off")
		}
	default:
		r.scr.eprintln(fmt.Sprintf("unknown command :%s; :help lists them", name))
	}
}

// formatTook formats a duration with three significant digits.
func formatTook(d time.Duration) string {
	switch {
	case d < time.Microsecond:
		return d.String()
	case d < time.Millisecond:
		return fmt.Sprintf("%.3g µs", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.3g ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.3g s", d.Seconds())
}

// reset starts a fresh interpreter.
func (r *runner) reset() error {
	eng, err := r.eng.get()
	if err != nil {
		return err
	}
	if err := eng.Reset(); err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	r.count = eng.Count() // the count goes on across a reset
	r.resetAt = r.count
	return nil
}

// load runs a file's cells in the session, stopping at the first error.
func (r *runner) load(ctx context.Context, path string) {
	chunks, err := r.loadFile(path)
	if err != nil {
		r.scr.eprintln(r.scr.epaint("31", err.Error()))
		return
	}
	if len(chunks) == 0 {
		r.scr.println(path + " has no code")
		return
	}
	ran := 0
	for _, c := range chunks {
		res, _ := r.execute(ctx, c.code)
		if !r.show(ctx, c.code, res) {
			where := path
			if c.line > 0 {
				where = fmt.Sprintf("%s:%d", path, c.line)
			}
			r.scr.eprintln(fmt.Sprintf("stopped at the error in the cell at %s (%d of %d cells ran)", where, ran, len(chunks)))
			return
		}
		ran++
	}
}

// cells returns the session's cells since the last reset, leaving out the
// ones that failed (so that the file runs again), and how many those were.
func (r *runner) cells() ([]savedCell, int, error) {
	eng, err := r.eng.get()
	if err != nil {
		return nil, 0, err
	}
	var out []savedCell
	failed := 0
	for _, h := range eng.History("range", 0, "", 0, r.resetAt+1, 0) {
		if r.failed[h.Line] {
			failed++
			continue
		}
		out = append(out, savedCell{count: h.Line, input: h.Input, output: h.Output})
	}
	return out, failed, nil
}

// save writes the session's cells to path as Go source or a notebook.
func (r *runner) save(path string) {
	cells, failed, err := r.cells()
	if err != nil {
		r.scr.eprintln(err.Error())
		return
	}
	var data []byte
	switch strings.ToLower(filepath.Ext(path)) {
	case ".go":
		data = goSource(cells, time.Now())
	case ".ipynb":
		if data, err = notebookJSON(cells); err != nil {
			r.scr.eprintln(err.Error())
			return
		}
	default:
		r.scr.eprintln(":save writes FILE.go or FILE.ipynb; " + path + " is neither")
		return
	}
	if err := writeFileAtomic(path, data, 0o644); err != nil {
		r.scr.eprintln(r.scr.epaint("31", err.Error()))
		return
	}
	msg := fmt.Sprintf("saved %d cells to %s", len(cells), path)
	if failed > 0 {
		msg += fmt.Sprintf(" (leaving out %d that failed)", failed)
	}
	r.scr.println(msg)
}

// doc prints the documentation of a symbol.
func (r *runner) doc(sym string) {
	eng, err := r.eng.get()
	if err != nil {
		r.scr.eprintln(err.Error())
		return
	}
	in := eng.Inspect(sym, len(sym), 1)
	if !in.Found {
		r.scr.eprintln("no documentation for " + sym + " (is it imported? try :doc fmt.Println)")
		return
	}
	text := in.Data.String(display.MIMEText)
	if text == "" {
		text = in.Data.String(display.MIMEMarkdown)
	}
	r.scr.println(strings.TrimRight(text, "\n"))
}
