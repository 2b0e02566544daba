package notebooks

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/display"
)

// shortParameters are injected after each notebook's "parameters" cell in
// the default (short) run, as papermill injects parameters, so that the
// whole folder runs in well under a minute on a loaded 2-core machine.
// CONTRAST_NOTEBOOKS_LONG=1 runs the notebooks as they are written.
var shortParameters = map[string]string{
	"tour.ipynb": "trainN = 1024\ntestN = 500\nepochs = 1",
}

// parameters returns the cell to inject into the notebook at path.
func parameters(path string) string {
	if longRun() {
		return ""
	}
	return shortParameters[path]
}

// notebookChecks holds the checks particular to one notebook, run after
// the common ones.
var notebookChecks = map[string]func(t *testing.T, runs []*cellRun){
	"tour.ipynb": checkTour,
}

// TestNotebooks executes every code cell of every notebook in this folder,
// in order, in a fresh session per notebook.
func TestNotebooks(t *testing.T) {
	for _, path := range notebookPaths(t) {
		t.Run(path, func(t *testing.T) {
			checkClean(t, path)
			runs := runNotebook(t, path, parameters(path))
			checkCells(t, runs)
			if check := notebookChecks[path]; check != nil && !t.Failed() {
				check(t, runs)
			}
		})
	}
}

// number finds "label: 0.1234" in text and returns the number.
func number(t *testing.T, text, label string) float64 {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(label) + `\s*([-+0-9.eE]+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("the notebook printed no %q; its output:\n%s", label, text)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("%q is followed by %q, not a number", label, m[1])
	}
	return v
}

// findCell returns the first run whose code contains fragment.
func findCell(t *testing.T, runs []*cellRun, fragment string) *cellRun {
	t.Helper()
	for _, c := range runs {
		if strings.Contains(c.Code, fragment) {
			return c
		}
	}
	t.Fatalf("no cell contains %q", fragment)
	return nil
}

// tourFacts is what both ways of running tour.ipynb (a session here,
// Jupyter in jupyter_test.go) must agree on.
type tourFacts struct {
	stdout      string // all stream output, joined
	pngs        int    // image/png outputs
	errors      []string
	knnBefore   float64
	knnAfter    float64
	knnSupCon   float64
	nmi         float64
	datasetHTML string // the text/html of the cell showing the dataset
}

// checkTourFacts asserts that the numbers the tour prints are sane. Chance
// is 0.1 with ten classes; even the untrained encoder's features reach
// about 0.6 with 1,024 training images.
func checkTourFacts(t *testing.T, f tourFacts) {
	t.Helper()
	for name, v := range map[string]float64{"kNN before": f.knnBefore, "kNN after": f.knnAfter, "kNN of SupCon": f.knnSupCon} {
		if !(v >= 0.35 && v <= 1) {
			t.Errorf("%s training: top-1 %v, want a sane accuracy in [0.35, 1]", name, v)
		}
	}
	if !(f.nmi >= 0 && f.nmi <= 1) {
		t.Errorf("NMI %v outside [0, 1]", f.nmi)
	}
	if longRun() && !(f.knnAfter > f.knnBefore+0.01) {
		t.Errorf("kNN top-1 %.4f after training, %.4f before: want training to help", f.knnAfter, f.knnBefore)
	}
	// 9 figures: the labelled images, 2 augmentation grids, 3 loss
	// curves, 2 t-SNE maps and the similarity histograms (a dataset's
	// thumbnails are inside its HTML, not separate images).
	if f.pngs != 9 {
		t.Errorf("%d image/png outputs, want 9", f.pngs)
	}
	if !strings.Contains(f.datasetHTML, "<img") || !strings.Contains(f.datasetHTML, "T-shirt/top") {
		t.Errorf("the dataset cell's HTML shows no thumbnails or class names:\n%.500s", f.datasetHTML)
	}
	if len(f.errors) != 1 || !strings.Contains(f.errors[0], "NTXent needs an even number of rows") {
		t.Errorf("errors %q, want only the one of the cell tagged raises-exception", f.errors)
	}
}

func checkTour(t *testing.T, runs []*cellRun) {
	var f tourFacts
	for _, c := range runs {
		f.stdout += c.stdout()
		f.pngs += c.pngs()
		if c.Err != nil {
			f.errors = append(f.errors, c.Err.Message)
		}
	}
	f.knnBefore = number(t, f.stdout, "kNN top-1 before training:")
	f.knnAfter = number(t, f.stdout, "kNN top-1 after training:")
	f.knnSupCon = number(t, f.stdout, "kNN top-1 of the SupCon encoder:")
	f.nmi = number(t, f.stdout, "NMI")
	if r := findCell(t, runs, "data.FashionMNIST()").result(); r != nil {
		f.datasetHTML = r.String(display.MIMEHTML)
	}
	t.Logf("kNN top-1 %.4f before and %.4f after SimCLR, %.4f with SupCon; DBSCAN NMI %.3f", f.knnBefore, f.knnAfter, f.knnSupCon, f.nmi)
	checkTourFacts(t, f)

	// What only a session run shows in detail.
	if r := findCell(t, runs, "run.Continue(").result(); r == nil || strings.Contains(r.String(display.MIMEHTML), "color:#b00") ||
		!strings.Contains(r.String(display.MIMEText), "SimCLR run:") {
		t.Errorf("the training cell shows %v, want the run's summary without an error", r)
	}
	if r := findCell(t, runs, "run.Config").result(); !strings.Contains(r.String(display.MIMEText), "LR          0.001") {
		t.Errorf("run.Config shows %q, want the filled-in settings", r.String(display.MIMEText))
	}
	if r := findCell(t, runs, "memory.NewQueue").result(); r.String(display.MIMEText) != "Queue: 4096 of 4096 keys of dimension 64" {
		t.Errorf("the queue shows %q", r.String(display.MIMEText))
	}
	// The progress bar: one display, updated in place to 20/20.
	bar := findCell(t, runs, "display.NewProgress")
	var id, last string
	for _, o := range bar.Outputs {
		switch o.Kind {
		case "display":
			id = o.ID
		case "update":
			if o.ID != id || id == "" {
				t.Errorf("progress update for display %q, want %q", o.ID, id)
			}
			last = o.Bundle.String(display.MIMEText)
		}
	}
	if !strings.Contains(last, "20/20") {
		t.Errorf("the progress bar's last state is %q, want 20/20", last)
	}
}
