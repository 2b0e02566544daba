package notebooks

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/session"
)

// output is one thing a cell showed, in order.
type output struct {
	Kind   string // "stdout", "stderr", "display", "update", "clear", "result"
	Text   string // stream text
	Bundle display.Bundle
	ID     string // display id of a display or update
}

// cellRun is the record of one executed code cell.
type cellRun struct {
	Index   int // position among the notebook's cells
	Code    string
	Meta    CellMetadata
	Outputs []output
	Err     *session.Error
	Took    time.Duration
}

// stdout joins the cell's stdout stream.
func (c *cellRun) stdout() string {
	var sb strings.Builder
	for _, o := range c.Outputs {
		if o.Kind == "stdout" {
			sb.WriteString(o.Text)
		}
	}
	return sb.String()
}

// bundles returns the displayed bundles and the result, in order.
func (c *cellRun) bundles() []display.Bundle {
	var out []display.Bundle
	for _, o := range c.Outputs {
		if o.Bundle != nil {
			out = append(out, o.Bundle)
		}
	}
	return out
}

// result is the cell's value, or nil.
func (c *cellRun) result() display.Bundle {
	for _, o := range c.Outputs {
		if o.Kind == "result" {
			return o.Bundle
		}
	}
	return nil
}

// pngs counts the image/png outputs (displays, updates and the result).
func (c *cellRun) pngs() int {
	n := 0
	for _, b := range c.bundles() {
		if _, ok := b[display.MIMEPNG]; ok {
			n++
		}
	}
	return n
}

// describe prints the cell and its outputs for a failure message.
func (c *cellRun) describe() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "cell %d (%.1fs):\n%s\n", c.Index, c.Took.Seconds(), indent(c.Code))
	for i, o := range c.Outputs {
		// Show only the last of a run of updates of one display.
		if o.Kind == "update" && i+1 < len(c.Outputs) && c.Outputs[i+1].Kind == "update" && c.Outputs[i+1].ID == o.ID {
			continue
		}
		switch {
		case o.Bundle != nil:
			fmt.Fprintf(&sb, "  [%s %s] %s\n", o.Kind, strings.Join(o.Bundle.MIMETypes(), ","), firstLine(o.Bundle.String(display.MIMEText)))
		default:
			fmt.Fprintf(&sb, "  [%s] %s", o.Kind, o.Text)
		}
	}
	if c.Err != nil {
		fmt.Fprintf(&sb, "  error %s: %s\n%s\n", c.Err.Name, c.Err.Message, indent(strings.Join(c.Err.Traceback, "\n")))
	}
	return sb.String()
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

// recorder is the session's Sink and output streams; it files everything
// under the cell that runs.
type recorder struct {
	mu  sync.Mutex
	cur *cellRun
}

func (r *recorder) add(o output) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == nil {
		return
	}
	// Merge consecutive stream writes, as Jupyter front ends do.
	if n := len(r.cur.Outputs); n > 0 && o.Bundle == nil && o.Kind != "clear" && r.cur.Outputs[n-1].Kind == o.Kind {
		r.cur.Outputs[n-1].Text += o.Text
		return
	}
	r.cur.Outputs = append(r.cur.Outputs, o)
}

func (r *recorder) Display(data display.Bundle, _ map[string]any, id string) {
	r.add(output{Kind: "display", Bundle: data, ID: id})
}

func (r *recorder) Update(id string, data display.Bundle, _ map[string]any) {
	r.add(output{Kind: "update", Bundle: data, ID: id})
}

func (r *recorder) Clear(bool) { r.add(output{Kind: "clear"}) }

type streamWriter struct {
	r    *recorder
	kind string
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.r.add(output{Kind: w.kind, Text: string(p)})
	return len(p), nil
}

// cellTimeout bounds one cell; a notebook cell that takes longer in the
// short run is a bug in the notebook's sizes.
const cellTimeout = 5 * time.Minute

// runNotebook executes the code cells of the notebook at path in order in
// a fresh session, inserting extra (if not empty) as a cell after the one
// tagged "parameters", as papermill injects parameters.
func runNotebook(t *testing.T, path, extra string) []*cellRun {
	t.Helper()
	nb, err := ReadNotebook(path)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	s, err := session.New(session.Options{
		Stdout:     streamWriter{rec, "stdout"},
		Stderr:     streamWriter{rec, "stderr"},
		Sink:       rec,
		CaptureFDs: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var runs []*cellRun
	exec := func(index int, code string, meta CellMetadata) *cellRun {
		run := &cellRun{Index: index, Code: code, Meta: meta}
		rec.mu.Lock()
		rec.cur = run
		rec.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), cellTimeout)
		start := time.Now()
		res := s.Execute(ctx, code, true)
		run.Took = time.Since(start)
		cancel()
		rec.mu.Lock()
		rec.cur = nil
		rec.mu.Unlock()
		run.Err = res.Err
		if res.Value != nil {
			run.Outputs = append(run.Outputs, output{Kind: "result", Bundle: res.Value})
		}
		if testing.Verbose() {
			t.Logf("%s", run.describe())
		}
		saveOutputs(t, path, run)
		return run
	}
	for i, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		runs = append(runs, exec(i, string(c.Source), c.Metadata))
		if extra != "" && c.Metadata.Has("parameters") {
			runs = append(runs, exec(i, extra, CellMetadata{Tags: []string{"injected-parameters"}}))
		}
	}
	return runs
}

// checkCells asserts what every notebook must satisfy: only cells tagged
// raises-exception fail (and they must), and every PNG decodes.
func checkCells(t *testing.T, runs []*cellRun) {
	t.Helper()
	for _, c := range runs {
		want := c.Meta.Has("raises-exception")
		switch {
		case c.Err != nil && !want:
			t.Errorf("unexpected error in %s", c.describe())
		case c.Err == nil && want:
			t.Errorf("cell tagged raises-exception ran without error: %s", c.describe())
		}
		for _, b := range c.bundles() {
			raw, ok := b[display.MIMEPNG].([]byte)
			if !ok {
				if _, there := b[display.MIMEPNG]; there {
					t.Errorf("image/png is %T, want []byte, in %s", b[display.MIMEPNG], c.describe())
				}
				continue
			}
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Errorf("image/png does not decode (%v) in %s", err, c.describe())
				continue
			}
			if r := img.Bounds(); r.Dx() < 16 || r.Dy() < 16 {
				t.Errorf("image/png is only %dx%d in %s", r.Dx(), r.Dy(), c.describe())
			}
		}
		// A cell that ends in a call of package viz shows a figure.
		if c.Err == nil && strings.HasPrefix(lastLine(c.Code), "viz.") {
			if r := c.result(); r == nil || r[display.MIMEPNG] == nil {
				t.Errorf("cell ends in a viz call but shows no image/png: %s", c.describe())
			}
		}
	}
}

// lastLine is the last line of code that is not blank or a comment.
func lastLine(code string) string {
	lines := strings.Split(strings.TrimSpace(code), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l != "" && !strings.HasPrefix(l, "//") {
			return l
		}
	}
	return ""
}

// checkClean asserts the notebook is stored without outputs, so that
// diffs stay readable and the repository small.
func checkClean(t *testing.T, path string) {
	t.Helper()
	nb, err := ReadNotebook(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		if c.Count != nil || (len(c.Outputs) > 0 && string(c.Outputs) != "[]") {
			t.Errorf("%s: cell %d is stored with outputs; clear them (Jupyter: Edit > Clear All Outputs)", path, i)
		}
	}
}

// longRun reports whether the longer variant was asked for.
func longRun() bool { return os.Getenv("CONTRAST_NOTEBOOKS_LONG") == "1" }

// notebookPaths lists the notebooks of this folder.
func notebookPaths(t *testing.T) []string {
	paths, err := filepath.Glob("*.ipynb")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no notebooks found (%v)", err)
	}
	return paths
}

// saveOutputs writes the cell's images and HTML to the directory named by
// $CONTRAST_NOTEBOOKS_OUT, when set, to look at them:
// tour.ipynb-cell07-1.png, ...
func saveOutputs(t *testing.T, path string, c *cellRun) {
	dir := os.Getenv("CONTRAST_NOTEBOOKS_OUT")
	if dir == "" {
		return
	}
	for k, b := range c.bundles() {
		name := filepath.Join(dir, fmt.Sprintf("%s-cell%02d-%d", filepath.Base(path), c.Index, k))
		if raw, ok := b[display.MIMEPNG].([]byte); ok {
			if err := os.WriteFile(name+".png", raw, 0o644); err != nil {
				t.Error(err)
			}
		} else if h := b.String(display.MIMEHTML); h != "" {
			if err := os.WriteFile(name+".html", []byte(h), 0o644); err != nil {
				t.Error(err)
			}
		}
	}
}
