package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The REPL's end-to-end tests run the contrast binary, built once per run
// with -tags contrasttest (cells may then import "contrast.test/helper", a
// compiled helper) and with -race when the tests run under it: through
// pipes for the non-interactive mode, and in a real terminal (tmux) as a
// user types for the interactive one.

// buildContrast builds the binary into dir.
func buildContrast(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "contrast")
	args := []string{"build", "-tags", "contrasttest", "-o", bin}
	if replRace {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// slow scales timeouts for race builds and loaded machines.
func slow(d time.Duration) time.Duration {
	if replRace {
		return 4 * d
	}
	return d
}

func TestReplEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := buildContrast(t, dir)
	t.Run("RunPipes", func(t *testing.T) { testRunPipes(t, bin) })
	t.Run("ReplPipe", func(t *testing.T) { testReplPipe(t, bin) })
	t.Run("Startup", func(t *testing.T) { testStartup(t, bin) })
	t.Run("Terminal", func(t *testing.T) { testTerminal(t, bin) })
}

// pipeRun runs the binary with stdin and returns stdout, stderr and the
// exit code.
func pipeRun(t *testing.T, bin, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+t.TempDir())
	var out, errw bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errw
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errw.String(), code
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodScript = `import "fmt"

total := 0
for i := 1; i <= 10; i++ {
	total += i
}
fmt.Println("total", total)
func half(n int) float64 { return float64(n) / 2 }
half(total)
`

const badScript = `import "fmt"
fmt.Println("before")
x := 1
y := x + missing
fmt.Println("after")
`

func testRunPipes(t *testing.T, bin string) {
	out, errs, code := pipeRun(t, bin, "", "run", writeFile(t, "good.go", goodScript))
	if code != 0 || out != "total 55\n27.5\n" || errs != "" {
		t.Errorf("good script: exit %d, stdout %q, stderr %q", code, out, errs)
	}

	path := writeFile(t, "bad.go", badScript)
	out, errs, code = pipeRun(t, bin, "", "run", path)
	if code != 1 {
		t.Errorf("bad script: exit %d want 1", code)
	}
	if out != "before\n" {
		t.Errorf("bad script: stdout %q, want only what ran before the error", out)
	}
	if !strings.Contains(errs, path+":4") || !strings.Contains(errs, "missing") ||
		!strings.Contains(errs, "contrast: "+path+":4: stopped at the first error") {
		t.Errorf("bad script: stderr %q should give the error at line 4 and one summary line", errs)
	}

	prog := "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"from main\")\n\tpanic(\"boom\")\n}\n"
	out, errs, code = pipeRun(t, bin, "", "run", writeFile(t, "prog.go", prog))
	if code != 1 || out != "from main\n" || !strings.Contains(errs, "boom") {
		t.Errorf("program with a panic: exit %d, stdout %q, stderr %q", code, out, errs)
	}

	nb := `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
	 {"cell_type": "code", "source": ["x := 6\n", "x * 7"], "metadata": {}, "outputs": [], "execution_count": null}]}`
	out, errs, code = pipeRun(t, bin, "", "run", writeFile(t, "nb.ipynb", nb))
	if code != 0 || out != "42\n" {
		t.Errorf("notebook: exit %d, stdout %q, stderr %q", code, out, errs)
	}

	out, _, code = pipeRun(t, bin, "x := 2\nx + 1\n", "run", "-")
	if code != 0 || out != "3\n" {
		t.Errorf("run - (stdin): exit %d, stdout %q", code, out)
	}

	// Ctrl-C (SIGINT) interrupts the running cell, compiled helper
	// included, and ends the script with the error.
	spin := writeFile(t, "spin.go", "import (\"contrast.test/helper\"; \"time\")\nhelper.Spin(time.Minute)\nprintln(\"not reached\")\n")
	cmd := exec.Command(bin, "run", spin)
	var sout, serr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &sout, &serr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(slow(500 * time.Millisecond))
	start := time.Now()
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(serr.String(), "Interrupted") ||
		strings.Contains(serr.String()+sout.String(), "not reached") {
		t.Errorf("SIGINT: %v, stdout %q, stderr %q", err, sout.String(), serr.String())
	}
	if d := time.Since(start); d > slow(2*time.Second) {
		t.Errorf("SIGINT took %v to stop the script", d)
	}

	_, errs, code = pipeRun(t, bin, "", "run", filepath.Join(t.TempDir(), "absent.go"))
	if code != 1 || !strings.Contains(errs, "absent.go") {
		t.Errorf("missing file: exit %d, stderr %q", code, errs)
	}
	_, errs, code = pipeRun(t, bin, "", "run")
	if code != 2 || !strings.Contains(errs, "Usage: contrast run") {
		t.Errorf("no file: exit %d, stderr %q", code, errs)
	}
}

// testReplPipe: contrast repl < script.go runs without prompts.
func testReplPipe(t *testing.T, bin string) {
	out, errs, code := pipeRun(t, bin, goodScript, "repl")
	if code != 0 || out != "total 55\n27.5\n" || errs != "" {
		t.Errorf("repl < good.go: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	out, errs, code = pipeRun(t, bin, badScript, "repl")
	if code != 1 || out != "before\n" || !strings.Contains(errs, "<stdin>:4") {
		t.Errorf("repl < bad.go: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	out, _, code = pipeRun(t, bin, "x := 3\nx\n", "repl", "--type")
	if code != 0 || out != "3  // int\n" {
		t.Errorf("repl --type: exit %d, stdout %q", code, out)
	}
}

// tmuxSession is a terminal driven through tmux, which keeps a real
// screen that tests read back.
type tmuxSession struct {
	t    *testing.T
	sock string
}

func newTmux(t *testing.T, command string, cols, rows int) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CONTRAST_REQUIRE_JUPYTER") == "1" || os.Getenv("CONTRAST_REQUIRE_TMUX") == "1" {
			t.Fatal("tmux is not installed (Debian package tmux) but CI requires the terminal tests: .ci/run installs it")
		}
		t.Skip("tmux is not installed (Debian package tmux): the terminal tests need a real terminal")
	}
	s := &tmuxSession{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	s.tmux("new-session", "-d", "-x", fmt.Sprint(cols), "-y", fmt.Sprint(rows),
		// The shell outlives Ctrl-C (a trap, which the REPL does not
		// inherit) to report the exit code.
		"sh -c 'trap : INT; "+command+"; echo EXIT=$?; sleep 60'")
	s.tmux("set-option", "-t", "0", "remain-on-exit", "on")
	t.Cleanup(func() { exec.Command("tmux", "-S", s.sock, "kill-server").Run() })
	return s
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys types keys (tmux key names such as Enter, Tab, C-c, or text).
func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", "0"}, keys...)...)
}

// typeLine types text literally and presses Enter.
func (s *tmuxSession) typeLine(text string) {
	s.t.Helper()
	s.tmux("send-keys", "-t", "0", "-l", text)
	s.keys("Enter")
}

func (s *tmuxSession) screen() string {
	s.t.Helper()
	return strings.TrimRight(s.tmux("capture-pane", "-p", "-t", "0"), "\n ")
}

// waitFor polls the screen until re matches and returns the screen.
func (s *tmuxSession) waitFor(re string, timeout time.Duration) string {
	s.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(slow(timeout))
	for {
		scr := s.screen()
		if rx.MatchString(scr) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q; the terminal shows (with its scrollback):\n%s",
				re, strings.TrimRight(s.tmux("capture-pane", "-p", "-S", "-", "-t", "0"), "\n "))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitPrompt waits until the REPL shows an empty prompt on its last line:
// keys typed then reach the line editor, not a running cell.
func (s *tmuxSession) waitPrompt() {
	s.t.Helper()
	deadline := time.Now().Add(slow(10 * time.Second))
	for !lastPrompt(s.screen()) {
		if time.Now().After(deadline) {
			s.t.Fatalf("no prompt; the screen shows:\n%s", s.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lastPrompt reports whether the screen ends with an empty prompt.
func lastPrompt(scr string) bool {
	lines := strings.Split(strings.TrimRight(scr, "\n "), "\n")
	return strings.TrimSpace(lines[len(lines)-1]) == "go>"
}

func testTerminal(t *testing.T, bin string) {
	data := t.TempDir()
	images := filepath.Join(t.TempDir(), "plots")
	s := newTmux(t, fmt.Sprintf("env XDG_DATA_HOME=%s %s repl --images %s", data, bin, images), 100, 40)
	s.waitFor(`(?m)^go>$`, 10*time.Second)

	// A multi-line function: continuation lines are numbered and indented,
	// the closing brace dedents, and the call prints its value.
	s.typeLine("func add(a, b int) int {")
	s.typeLine("return a + b")
	s.typeLine("}")
	s.typeLine("add(40, 2)")
	scr := s.waitFor(`(?m)^42$`, 10*time.Second)
	if !strings.Contains(scr, "go> func add(a, b int) int {\n2       return a + b\n3   }\n") {
		t.Errorf("multi-line function as shown:\n%s", scr)
	}

	// A paste (bracketed by the terminal) arrives as one multi-line cell;
	// Enter runs it.
	paste := filepath.Join(t.TempDir(), "paste.go")
	os.WriteFile(paste, []byte("func sq(n int) int {\n\treturn n * n\n}\nsq(7)"), 0o644)
	s.waitPrompt()
	s.tmux("load-buffer", paste)
	s.tmux("paste-buffer", "-p", "-t", "0")
	s.waitFor(`(?m)^4   sq\(7\)$`, 5*time.Second)
	s.keys("Enter")
	s.waitFor(`(?m)^49$`, 5*time.Second)

	// Completion by Tab: package members and variables in scope.
	s.typeLine(`import "strings"`)
	s.waitPrompt()
	s.keys("-l", "strings.ToU")
	s.keys("Tab")
	s.waitFor(`go> strings\.ToUpper`, 5*time.Second)
	s.keys("-l", `("go")`)
	s.keys("Enter")
	s.waitFor(`(?m)^"GO"$`, 5*time.Second)
	s.typeLine("longVariableName := 7")
	s.waitPrompt()
	s.keys("-l", "longVar")
	s.keys("Tab")
	s.waitFor(`go> longVariableName`, 5*time.Second)
	s.keys("-l", " * 6")
	s.keys("Enter")
	s.waitFor(`(?m)^go> longVariableName \* 6\n42$`, 5*time.Second)

	// Fields and methods of a cell's own types.
	s.typeLine("type point struct{ X, Y int }")
	s.typeLine("func (p point) Norm1() int { return p.X + p.Y }")
	s.typeLine("pt := point{3, 4}")
	s.waitPrompt()
	s.keys("-l", "pt.No")
	s.keys("Tab")
	s.waitFor(`go> pt\.Norm1`, 5*time.Second)
	s.keys("-l", "() * 6")
	s.keys("Enter")
	s.waitFor(`(?m)^go> pt\.Norm1\(\) \* 6\n42$`, 5*time.Second)

	// An invalid line is reported at once, not continued.
	s.typeLine("x := )")
	s.waitFor(`(?m)^CompileError: cell line 1: expected operand, found '\)'`, 5*time.Second)

	// Ctrl-C at the prompt drops the line.
	s.waitPrompt()
	s.keys("-l", "notACell")
	s.keys("C-c")
	s.typeLine("1 + 1")
	scr = s.waitFor(`(?m)^go> 1 \+ 1\n2$`, 5*time.Second)
	if strings.Contains(scr, "undefined: notACell") {
		t.Errorf("Ctrl-C at the prompt should drop the line:\n%s", scr)
	}

	// Ctrl-C during a long loop in a compiled helper interrupts it (the
	// helper sees display.Context cancelled and returns) and the prompt
	// comes back, with the session's state.
	s.typeLine(`import ("contrast.test/helper"; "time")`)
	s.typeLine("kept := 99")
	s.typeLine("helper.Spin(time.Minute)")
	time.Sleep(slow(700 * time.Millisecond))
	if lastPrompt(s.screen()) {
		t.Fatalf("the loop is not running:\n%s", s.screen())
	}
	start := time.Now()
	s.keys("C-c")
	s.waitFor(`Interrupted`, 5*time.Second)
	if d := time.Since(start); d > slow(2*time.Second) {
		t.Errorf("the interrupt took %v (the session gives up waiting after 3 s: the helper did not stop)", d)
	}
	s.typeLine("helper.Spinning()")
	s.typeLine("kept")
	scr = s.waitFor(`(?m)^go> kept\n99$`, 5*time.Second)
	if !strings.Contains(scr, "go> helper.Spinning()\nfalse\n") {
		t.Errorf("the compiled loop should have stopped:\n%s", scr)
	}

	// The same with a real compiled helper: t-SNE's optimisation loop
	// watches display.Context and returns its error.
	s.typeLine(`import ("math/rand/v2"; "github.com/gocontrast/contrast/viz/tsne")`)
	s.typeLine("r := rand.New(rand.NewPCG(1, 2)); x := make([]float32, 2000*20); for i := range x { x[i] = float32(r.NormFloat64()) }")
	s.typeLine("res, err := tsne.Embed(x, 2000, 20, tsne.Config{Iterations: 1000000})")
	time.Sleep(slow(1500 * time.Millisecond))
	if lastPrompt(s.screen()) {
		t.Fatalf("t-SNE is not running:\n%s", s.screen())
	}
	s.keys("C-c")
	s.waitPrompt()
	s.typeLine("err")
	s.waitFor(`(?m)^tsne: interrupted (after \d+ of 1000000 iterations|during)`, 5*time.Second)

	// A progress bar draws in place: one line, at 100%.
	s.typeLine(`helper.Progress("train", 12, 20*time.Millisecond)`)
	scr = s.waitFor(`train 100%.*12/12`, 10*time.Second)
	if n := strings.Count(scr, "train "); n != 1 {
		t.Errorf("progress bar drawn %d times, want once, in place:\n%s", n, scr)
	}

	// A plot is written to the images folder and its path shown.
	s.typeLine("helper.Plot(40, 30)")
	scr = s.waitFor(`\[image 40×30: \S+\]`, 10*time.Second)
	m := regexp.MustCompile(`\[image 40×30: (\S+)\]`).FindStringSubmatch(scr)
	if st, err := os.Stat(m[1]); err != nil || filepath.Dir(m[1]) != images || st.Size() == 0 {
		t.Errorf("image file %s: %v", m[1], err)
	}

	// Output of a goroutine while the prompt waits goes above it.
	s.typeLine(`go func() { time.Sleep(300 * time.Millisecond); println("late output") }()`)
	s.waitPrompt()
	s.keys("-l", "7 * 7")
	scr = s.waitFor(`(?m)^late output\ngo> 7 \* 7$`, 5*time.Second)
	s.keys("Enter")
	s.waitFor(`(?m)^go> 7 \* 7\n49$`, 5*time.Second)

	// Errors name the cell's lines; a panic does not end the REPL.
	s.typeLine("var xs []int")
	s.typeLine("xs[5]")
	s.waitFor(`index out of range`, 5*time.Second)
	s.typeLine("func broken() {")
	s.typeLine("return undefinedName")
	s.typeLine("}")
	s.waitFor(`cell line 2.*undefinedName`, 5*time.Second)

	// Commands.
	s.typeLine(":help")
	s.waitFor(`:load FILE`, 5*time.Second)
	s.typeLine(":doc strings.Fields")
	s.waitFor(`func Fields\(s string\) \[\]string`, 5*time.Second)
	saved := filepath.Join(t.TempDir(), "session.go")
	s.typeLine(":save " + saved)
	s.waitFor(`saved \d+ cells to`, 5*time.Second)
	s.typeLine(":time add(1, 2)")
	s.waitFor(`time: [0-9.]+ (µs|ms|s)`, 5*time.Second)
	s.typeLine(":type add(1, 2)")
	s.typeLine(":type add")
	s.waitFor(`(?m)^int\ngo> :type add\nfunc\(int, int\) int$`, 5*time.Second)
	s.typeLine(":reset")
	s.waitFor(`The session is reset`, 5*time.Second)
	s.typeLine("kept")
	s.waitFor(`undefined: kept`, 5*time.Second)
	s.typeLine(":load " + saved)
	s.typeLine("add(2, 3)")
	s.waitFor(`(?m)^go> add\(2, 3\)\n5$`, 10*time.Second)

	// A cell reads a line from the terminal.
	s.typeLine(`import "fmt"`)
	s.typeLine("var name string")
	s.typeLine(`fmt.Print("name? "); fmt.Scanln(&name)`)
	s.waitFor(`(?m)^name\?$`, 5*time.Second)
	s.typeLine("gopher")
	s.typeLine("name")
	s.waitFor(`(?m)^name\? gopher\n1\ngo> name\n"gopher"$`, 5*time.Second)

	// Ctrl-R searches the history.
	s.waitPrompt()
	s.keys("C-r")
	s.keys("-l", "longVariableName *")
	s.waitFor(`longVariableName \* 6`, 5*time.Second)
	s.keys("Enter")
	s.waitFor(`(?m)^42\n\S*go>\s*$`, 5*time.Second)

	// Ctrl-D on an empty line quits.
	s.waitPrompt()
	s.keys("C-d")
	s.waitFor(`EXIT=0`, 5*time.Second)

	// The history persists: directory 0700, file 0600, the function as one
	// entry.
	hist := filepath.Join(data, "contrast", "repl_history")
	st, err := os.Stat(hist)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("history file: %v", err)
	}
	if dst, _ := os.Stat(filepath.Dir(hist)); dst.Mode().Perm() != 0o700 {
		t.Errorf("history directory mode %v", dst.Mode().Perm())
	}
	raw, _ := os.ReadFile(hist)
	var entries []string
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var e string
		json.Unmarshal([]byte(line), &e)
		entries = append(entries, e)
	}
	if entries[0] != "func add(a, b int) int {\n    return a + b\n}" {
		t.Errorf("first history entry %q", entries[0])
	}
}
