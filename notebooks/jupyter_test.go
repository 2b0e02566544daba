package notebooks

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// python is Debian's Python, which has Jupyter; the python3 first on PATH
// may be another one.
const python = "/usr/bin/python3"

// requireJupyter skips the test unless python can import the modules,
// and fails it instead when CONTRAST_REQUIRE_JUPYTER=1 (as CI sets it).
func requireJupyter(t *testing.T, modules ...string) {
	t.Helper()
	for _, m := range modules {
		out, err := exec.Command(python, "-c", "import "+m).CombinedOutput()
		if err == nil {
			continue
		}
		msg := fmt.Sprintf("needs %s with the Python module %s (Debian: apt-get install python3-nbclient jupyter-nbconvert python3-jupyter-client): %s %v",
			python, m, strings.TrimSpace(string(out)), err)
		if os.Getenv("CONTRAST_REQUIRE_JUPYTER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// withParameters writes a copy of the notebook at path into dir with
// extra (if not empty) as a code cell after the cell tagged "parameters",
// and returns the copy's path.
func withParameters(t *testing.T, path, dir, extra string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb map[string]any
	if err := json.Unmarshal(raw, &nb); err != nil {
		t.Fatal(err)
	}
	if extra != "" {
		cells, _ := nb["cells"].([]any)
		var out []any
		injected := false
		for _, c := range cells {
			out = append(out, c)
			cell, _ := c.(map[string]any)
			meta, _ := cell["metadata"].(map[string]any)
			tags, _ := meta["tags"].([]any)
			for _, tag := range tags {
				if tag == "parameters" {
					out = append(out, map[string]any{
						"cell_type": "code", "execution_count": nil, "id": "injected-parameters",
						"metadata": map[string]any{"tags": []any{"injected-parameters"}},
						"outputs":  []any{}, "source": extra,
					})
					injected = true
				}
			}
		}
		if !injected {
			t.Fatalf("%s has no cell tagged parameters", path)
		}
		nb["cells"] = out
	}
	b, err := json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, filepath.Base(path))
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestTourExecutedByJupyter executes tour.ipynb with `jupyter nbconvert
// --execute` and the contrast kernel (built from this tree and installed
// under a temporary JUPYTER_PATH), then checks the outputs as
// TestNotebooks does.
func TestTourExecutedByJupyter(t *testing.T) {
	requireJupyter(t, "jupyter_client", "nbclient", "nbconvert")
	jupyter, err := exec.LookPath("jupyter")
	if err != nil {
		jupyter = "/usr/bin/jupyter"
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "contrast")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/gocontrast/contrast/cmd/contrast").CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/contrast: %v\n%s", err, out)
	}
	prefix := filepath.Join(dir, "prefix")
	if out, err := exec.Command(bin, "install", "--prefix", prefix).CombinedOutput(); err != nil {
		t.Fatalf("contrast install --prefix: %v\n%s", err, out)
	}
	runtimeDir := filepath.Join(dir, "runtime")
	if err := os.MkdirAll(runtimeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	nbPath := withParameters(t, "tour.ipynb", dir, parameters("tour.ipynb"))

	limit := 5 * time.Minute
	if longRun() {
		limit = 20 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, jupyter, "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.kernel_name=contrast", "--ExecutePreprocessor.timeout=600",
		"--output-dir", dir, "--output", "executed.ipynb", nbPath)
	cmd.Env = append(os.Environ(),
		"JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"),
		"JUPYTER_RUNTIME_DIR="+runtimeDir,
		"JUPYTER_PLATFORM_DIRS=0",
		"PYDEVD_DISABLE_FILE_VALIDATION=1",
	)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("jupyter nbconvert --execute: %v\n%s", err, out)
	}
	t.Logf("executed by Jupyter in %.1fs", time.Since(start).Seconds())

	raw, err := os.ReadFile(filepath.Join(dir, "executed.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			CellType string `json:"cell_type"`
			Source   Source `json:"source"`
			Count    *int   `json:"execution_count"`
			Outputs  []struct {
				OutputType string                     `json:"output_type"`
				Name       string                     `json:"name"`
				Text       Source                     `json:"text"`
				Data       map[string]json.RawMessage `json:"data"`
				Ename      string                     `json:"ename"`
				Evalue     string                     `json:"evalue"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(raw, &nb); err != nil {
		t.Fatal(err)
	}
	var f tourFacts
	count := 0
	for _, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		count++
		if c.Count == nil || *c.Count != count {
			t.Errorf("cell %q: execution_count %v, want %d", firstLine(string(c.Source)), c.Count, count)
		}
		for _, o := range c.Outputs {
			switch o.OutputType {
			case "stream":
				if o.Name == "stdout" {
					f.stdout += string(o.Text)
				}
			case "error":
				f.errors = append(f.errors, o.Evalue)
			case "display_data", "execute_result":
				if _, ok := o.Data["image/png"]; ok {
					f.pngs++
				}
				if strings.Contains(string(c.Source), "data.FashionMNIST()") {
					var h Source
					json.Unmarshal(o.Data["text/html"], &h)
					f.datasetHTML = string(h)
				}
			}
		}
	}
	f.knnBefore = number(t, f.stdout, "kNN top-1 before training:")
	f.knnAfter = number(t, f.stdout, "kNN top-1 after training:")
	f.knnSupCon = number(t, f.stdout, "kNN top-1 of the SupCon encoder:")
	f.nmi = number(t, f.stdout, "NMI")
	t.Logf("kNN top-1 %.4f before and %.4f after SimCLR, %.4f with SupCon; DBSCAN NMI %.3f", f.knnBefore, f.knnAfter, f.knnSupCon, f.nmi)
	checkTourFacts(t, f)
}
