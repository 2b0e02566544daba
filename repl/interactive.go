package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode"
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

// promptText is the prompt; a cell's further lines are numbered instead.
const promptText = "go> "

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
	it.hist = hist
	it.rl = it.newShell(hist)
	r.scr.redraw = it.rl.Keys.RequestRefresh
	defer r.catchInterrupts(nil)()

	r.scr.println(r.scr.paint("1", "contrast") + ": Go, interpreted. :help for help, Ctrl-D to quit.")
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
	hist    *history
	reading bool // the editor reads a line for a cell, not a cell
	quit    bool
}

// newShell configures the line editor: Emacs keys (and the user's
// ~/.inputrc), a multi-line buffer continued while the session says the
// cell is incomplete, Tab completion from the session, the history.
//
// The editor does not ask the terminal where the cursor is (that query
// loses keys typed while its answer is on the way); instead the REPL keeps
// free rows below the input itself (reserveRows), so that the editor's
// relative cursor moves stay right at the bottom of the screen.
func (it *interactive) newShell(hist *history) *readline.Shell {
	rl := readline.NewShell()
	rl.Config.Set("cursor-position-probe", false)
	rl.Config.Set("multiline-column-numbered", true)
	rl.Config.Set("history-autosuggest", false)
	// A paste arrives whole: its lines are not typed Enters.
	rl.Config.Set("enable-bracketed-paste", true)
	rl.Config.Set("autocomplete", false)
	rl.Prompt.Primary(func() string { return it.r.scr.paint("32;1", promptText) })
	rl.History.Add("contrast", hist)
	rl.AcceptMultiline = it.acceptMultiline
	rl.Completer = it.complete
	if accept := rl.Keymap.Commands()["accept-line"]; accept != nil {
		rl.Keymap.Register(map[string]func(){"accept-line": func() { it.enter(accept) }})
	}
	rl.Keymap.Register(map[string]func(){"contrast-close": it.closeBracket})
	// Ctrl-C: the editor's own abort ignores a Ctrl-C that has more keys
	// behind it (typed quickly) and eats the next one.
	abort := rl.Keymap.Commands()["abort"]
	rl.Keymap.Register(map[string]func(){"contrast-interrupt": func() {
		if rl.Keymap.Local() != "" && abort != nil { // leave a search or a menu
			abort()
			return
		}
		os.Stdout.WriteString("^C")
		rl.Display.AcceptLine()
		rl.History.Accept(false, false, readline.ErrInterrupt)
	}})
	// Tab: insert what the candidates share and show them; Tab again
	// walks the menu.
	rl.Config.Set("menu-complete-display-prefix", true)
	for _, km := range []string{"emacs", "emacs-standard", "vi-insert"} {
		for _, c := range "})]" {
			rl.Config.Bind(km, string(c), "contrast-close", false)
		}
		rl.Config.Bind(km, "\t", "menu-complete", false)
		rl.Config.Bind(km, "\x03", "contrast-interrupt", false)
	}
	return rl
}

// closeBracket types a closing bracket, one indent level to the left when
// it is the first thing on its line.
func (it *interactive) closeBracket() {
	line, cur := it.rl.Line(), it.rl.Cursor()
	keys := it.rl.Keys.Caller()
	if len(keys) == 0 {
		return
	}
	pos := cur.Pos()
	if it.reading {
		line.Insert(pos, keys[0])
		cur.Set(pos + 1)
		return
	}
	start := pos
	for start > 0 && (*line)[start-1] != '\n' {
		start--
	}
	if lead := string((*line)[start:pos]); start > 0 && strings.TrimLeft(lead, " \t") == "" {
		switch {
		case strings.HasSuffix(lead, "\t"):
			line.Cut(pos-1, pos)
			pos--
		case strings.HasSuffix(lead, "    "):
			line.Cut(pos-4, pos)
			pos -= 4
		}
	}
	line.Insert(pos, keys[0])
	cur.Set(pos + 1)
}

// enter is the Enter key: it runs the cell when it is complete (or
// invalid: its error shows at once) and otherwise opens a new line,
// indented as the session says. Two empty lines at the end run the cell
// whatever it is: a way out of an unclosed string.
func (it *interactive) enter(accept func()) {
	if it.reading || it.rl.Keymap.Local() != "" { // input for a cell, history search, completion menu
		accept()
		return
	}
	line, cur := it.rl.Line(), it.rl.Cursor()
	code := string(*line)
	if it.acceptMultiline(*line) {
		accept()
		return
	}
	_, indent := it.r.eng.isComplete(code, enterWait)
	// The Tab key completes: indent with spaces.
	indent = strings.ReplaceAll(indent, "\t", "    ")
	pos := cur.Pos()
	below := strings.Count(string((*line)[min(pos, len(*line)):]), "\n")
	reserveRows(below + 2)
	line.Insert(pos, []rune("\n"+indent)...)
	cur.Set(pos + 1 + len([]rune(indent)))
}

// reserveRows makes sure n rows are free below the cursor line, scrolling
// the screen up when the cursor is near the bottom, and leaves the cursor
// where it was relative to the text: n index (ESC D) then n reverse index
// (ESC M) sequences, which move the cursor down and up, scrolling only at
// the bottom margin.
func reserveRows(n int) {
	if n <= 0 {
		return
	}
	os.Stdout.WriteString(strings.Repeat("\x1bD", n) + strings.Repeat("\x1bM", n))
}

// acceptMultiline reports whether the buffer is a cell to run: complete,
// invalid (its error shows at once), a :command, or ending in two empty
// lines.
func (it *interactive) acceptMultiline(line []rune) bool {
	if it.reading {
		return true
	}
	code := string(line)
	trimmed := strings.TrimSpace(code)
	if trimmed == "" || strings.HasPrefix(trimmed, ":") && !strings.Contains(trimmed, "\n") {
		return true
	}
	if lines := strings.Split(code, "\n"); len(lines) >= 3 &&
		strings.TrimSpace(lines[len(lines)-1]) == "" && strings.TrimSpace(lines[len(lines)-2]) == "" {
		return true
	}
	status, _ := it.r.eng.isComplete(code, enterWait)
	return status != session.Incomplete
}

// complete answers Tab from the session, without waiting long for it.
func (it *interactive) complete(line []rune, cursor int) readline.Completions {
	if it.reading {
		return readline.Completions{}
	}
	code := string(line)
	bcur := len(string(line[:min(cursor, len(line))]))
	c := it.r.eng.complete(code, bcur, completeTimeout)
	if len(c.Matches) == 0 || c.Start < 0 || c.Start > bcur || c.End < bcur || c.End > len(code) {
		return readline.Completions{}
	}
	// Room for the menu below the input (see newShell): the editor lays
	// the candidates out in columns.
	width, height, err := term.GetSize(int(os.Stdout.Fd()))
	if err == nil && width > 0 && height > 2 {
		longest := 1
		for _, m := range c.Matches {
			longest = max(longest, utf8.RuneCountInString(m))
		}
		cols := max(1, width/(longest+2))
		rows := (len(c.Matches) + cols - 1) / cols
		below := strings.Count(code[bcur:], "\n")
		reserveRows(min(below+rows+2, height-1-strings.Count(code, "\n")))
	}
	// The editor replaces the blank-delimited word before the cursor, and
	// takes an empty prefix to mean "find the word yourself": candidates
	// are whole words, shown as the session's matches.
	word := bcur
	for word > 0 && !unicode.IsSpace(rune(code[word-1])) {
		word--
	}
	lead := ""
	if word <= c.Start {
		lead = code[word:c.Start]
	} else {
		word = c.Start
	}
	cands := make([]readline.Completion, len(c.Matches))
	for i, m := range c.Matches {
		cands[i] = readline.Completion{Value: lead + m, Display: m}
	}
	comps := readline.CompleteRaw(cands)
	comps.PREFIX = code[word:bcur]
	comps.SUFFIX = code[bcur:c.End]
	return comps
}

// loop reads and runs cells until the user quits.
func (it *interactive) loop() error {
	ctx := context.Background()
	for !it.quit {
		reserveRows(2)
		it.r.scr.raw.Store(true)
		line, err := it.rl.Readline()
		it.r.scr.raw.Store(false)
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
		restore := noEcho()
		if cmd, ok := strings.CutPrefix(strings.TrimSpace(code), ":"); ok && !strings.Contains(cmd, "\n") {
			it.command(ctx, cmd)
		} else {
			res, _ := it.r.execute(ctx, code)
			it.r.show(ctx, code, res)
		}
		restore()
	}
	return nil
}

// input answers a cell's request for a line of input with a prompt on the
// terminal. Ctrl-C there interrupts the cell.
func (it *interactive) input(prompt string, password bool) (string, error) {
	prompt = it.r.scr.takeLine() + prompt
	var line string
	var err error
	if password {
		line, err = readPassword(prompt)
	} else {
		line, err = it.readInput(prompt)
	}
	if errors.Is(err, readline.ErrInterrupt) {
		it.r.interrupt()
		return "", errors.New("input interrupted")
	}
	return line, err
}

// readInput reads a line for a cell with the same editor as cells (keys
// typed ahead stay in its buffer for what comes next), without completion
// or history.
func (it *interactive) readInput(prompt string) (string, error) {
	rl := it.rl
	it.reading = true
	it.r.scr.raw.Store(true)
	rl.History.Delete("contrast")
	rl.Prompt.Primary(func() string { return prompt })
	defer func() {
		it.reading = false
		it.r.scr.raw.Store(false)
		rl.History.Add("contrast", it.hist)
		rl.Prompt.Primary(func() string { return it.r.scr.paint("32;1", promptText) })
	}()
	return rl.Readline()
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
