package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/reeflective/readline"
	"golang.org/x/term"

	"github.com/gocontrast/contrast/session"
)

// Timings that keep typing responsive.
const (
	// completeTimeout bounds how long Tab waits for the session (which may
	// still be starting, or busy): then there are no completions.
	completeTimeout = 300 * time.Millisecond
	// enterWait is how long Enter waits for a starting session to judge
	// whether the cell is complete before the REPL judges it itself.
	enterWait = 50 * time.Millisecond
)

// Prompts: the primary prompt and the one continuing a cell, of the same
// width so that indentation lines up.
const (
	promptText = "go> "
	contText   = "... "
)

// ErrNotTerminal is returned by Interactive when standard input is not a
// terminal; Run is the non-interactive mode.
var ErrNotTerminal = errors.New("standard input is not a terminal")

// Interactive runs the REPL on the terminal until :quit or Ctrl-D on an
// empty line. The prompt appears at once; the session starts meanwhile
// and the first cell waits for it.
func Interactive(opts Options) error {
	opts.defaults()
	if !isTerminal(os.Stdin) || !isTerminal(os.Stdout) {
		return ErrNotTerminal
	}
	it := &interactive{}
	r, err := newRunner(opts, os.Stdout, os.Stderr, true, termWidth(os.Stdout), it.input)
	if err != nil {
		return err
	}
	defer r.close()
	it.r = r

	hfile := ""
	if !opts.NoHistory {
		hfile = opts.HistoryFile
		if hfile == "" {
			if hfile, err = DefaultHistoryFile(); err != nil {
				r.scr.eprintln(err.Error())
			}
		}
	}
	hist, herr := openHistory(hfile, MaxHistory)
	it.rl = it.newShell(hist)

	r.scr.println(r.scr.paint("1", "contrast") + " — Go cells, interpreted. :help for commands, Ctrl-D to quit.")
	r.scr.println("Images are written to " + r.scr.images.dir)
	if herr != nil {
		r.scr.eprintln(herr.Error())
	}
	return it.loop()
}

// interactive is the terminal front end.
type interactive struct {
	r       *runner
	rl      *readline.Shell
	inputRL *readline.Shell // prompts for a cell's input requests
	quit    bool
}

// newShell configures the line editor: Emacs keys (and the user's
// ~/.inputrc), a multi-line buffer continued while the session says the
// cell is incomplete, Tab completion from the session, the history.
func (it *interactive) newShell(hist *history) *readline.Shell {
	rl := readline.NewShell()
	// Our prompt starts at column 0 (endCell sees to it): no need to ask
	// the terminal where the cursor is.
	rl.Config.Set("cursor-position-probe", false)
	rl.Config.Set("multiline-column", false)
	rl.Config.Set("multiline-column-custom", it.r.scr.paint("2", contText))
	rl.Config.Set("history-autosuggest", false)
	rl.Config.Set("autocomplete", false)
	rl.Prompt.Primary(func() string { return it.r.scr.paint("32;1", promptText) })
	rl.Prompt.Secondary(func() string { return it.r.scr.paint("2", contText) })
	rl.History.Add("contrast", hist)
	rl.AcceptMultiline = it.acceptMultiline
	rl.Completer = it.complete
	return rl
}

// acceptMultiline decides, on Enter, whether the buffer is a cell to run
// (complete, or invalid: its error shows at once) or continues on the next
// line, indented as the session says. Two empty lines at the end run it
// whatever it is: a way out of an unclosed string.
func (it *interactive) acceptMultiline(line []rune) bool {
	code := string(line)
	trimmed := strings.TrimSpace(code)
	if trimmed == "" || strings.HasPrefix(trimmed, ":") && !strings.Contains(trimmed, "\n") {
		return true
	}
	if lines := strings.Split(code, "\n"); len(lines) >= 3 &&
		strings.TrimSpace(lines[len(lines)-1]) == "" && strings.TrimSpace(lines[len(lines)-2]) == "" {
		return true
	}
	status, indent := it.r.eng.isComplete(code, enterWait)
	if status != session.Incomplete {
		return true
	}
	// The Tab key completes: indent with spaces.
	indent = strings.ReplaceAll(indent, "\t", "    ")
	if indent != "" {
		it.rl.Keys.Feed(false, []rune(indent)...)
	}
	return false
}

// complete answers Tab from the session, without waiting long for it.
func (it *interactive) complete(line []rune, cursor int) readline.Completions {
	code := string(line)
	bcur := len(string(line[:min(cursor, len(line))]))
	c := it.r.eng.complete(code, bcur, completeTimeout)
	if len(c.Matches) == 0 || c.Start < 0 || c.Start > bcur || c.End < bcur || c.End > len(code) {
		return readline.Completions{}
	}
	comps := readline.CompleteValues(c.Matches...)
	comps.PREFIX = code[c.Start:bcur]
	comps.SUFFIX = code[bcur:c.End]
	return comps.NoSpace()
}

// loop reads and runs cells until the user quits.
func (it *interactive) loop() error {
	ctx := context.Background()
	for !it.quit {
		line, err := it.rl.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			continue // Ctrl-C at the prompt: the line is dropped
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("reading the terminal: %w", err)
		}
		code := strings.TrimRight(line, " \t\n")
		if strings.TrimSpace(code) == "" {
			continue
		}
		if cmd, ok := strings.CutPrefix(strings.TrimSpace(code), ":"); ok && !strings.Contains(cmd, "\n") {
			it.command(ctx, cmd)
			continue
		}
		res, _ := it.r.execute(ctx, code)
		it.r.show(ctx, code, res)
	}
	return nil
}

// input answers a cell's request for a line of input with a prompt on the
// terminal. Ctrl-C there interrupts the cell.
func (it *interactive) input(prompt string, password bool) (string, error) {
	it.r.scr.mu.Lock()
	it.r.scr.settle()
	it.r.scr.mu.Unlock()
	var line string
	var err error
	if password {
		line, err = readPassword(prompt)
	} else {
		if it.inputRL == nil {
			it.inputRL = readline.NewShell()
			it.inputRL.Config.Set("cursor-position-probe", false)
		}
		it.inputRL.Prompt.Primary(func() string { return prompt })
		line, err = it.inputRL.Readline()
	}
	if errors.Is(err, readline.ErrInterrupt) {
		it.r.interrupt()
		return "", errors.New("input interrupted")
	}
	return line, err
}

// readPassword reads a line from the terminal without echo. Ctrl-C gives
// readline.ErrInterrupt, Ctrl-D on an empty line io.EOF.
func readPassword(prompt string) (string, error) {
	fd := int(os.Stdin.Fd())
	state, err := term.MakeRaw(fd)
	if err != nil {
		return "", err
	}
	defer term.Restore(fd, state)
	os.Stdout.WriteString(prompt)
	defer os.Stdout.WriteString("\r\n")
	var buf []byte
	one := make([]byte, 1)
	for {
		n, err := os.Stdin.Read(one)
		if err != nil {
			return "", err
		}
		if n == 0 {
			continue
		}
		switch c := one[0]; c {
		case '\r', '\n':
			return string(buf), nil
		case 3: // Ctrl-C
			return "", readline.ErrInterrupt
		case 4: // Ctrl-D
			if len(buf) == 0 {
				return "", io.EOF
			}
		case 127, 8: // Backspace
			if len(buf) > 0 {
				_, size := utf8.DecodeLastRune(buf)
				buf = buf[:len(buf)-size]
			}
		case 21: // Ctrl-U
			buf = buf[:0]
		default:
			buf = append(buf, c)
		}
	}
}
