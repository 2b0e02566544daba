package kernel

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests in this file drive the real binary with Debian's Jupyter
// (/usr/bin/python3, not the python3 first on PATH). They skip when a
// module is missing, and fail instead when CONTRAST_REQUIRE_JUPYTER=1
// (as CI sets it).

const python = "/usr/bin/python3"

func requireJupyter(t *testing.T, modules ...string) {
	t.Helper()
	for _, m := range modules {
		out, err := exec.Command(python, "-c", "import "+m).CombinedOutput()
		if err == nil {
			continue
		}
		msg := "needs " + python + " with the Python module " + m + " (Debian: apt-get install python3-jupyter-client python3-jupyter-kernel-test python3-nbclient jupyter-nbconvert): " + strings.TrimSpace(string(out)) + err.Error()
		if os.Getenv("CONTRAST_REQUIRE_JUPYTER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// contrastBinary builds cmd/contrast once per test run.
func contrastBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "contrast-kernel-test-")
		if built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "contrast")
		cmd := exec.Command("go", "build", "-o", built.bin, "github.com/gocontrast/contrast/cmd/contrast")
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = err
			built.bin = string(out)
		}
	})
	if built.err != nil {
		t.Fatalf("go build ./cmd/contrast: %v\n%s", built.err, built.bin)
	}
	return built.bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// jupyterEnv installs the kernel spec of bin under a temporary JUPYTER_PATH
// with `contrast install --prefix` and returns the environment to run
// Jupyter in.
func jupyterEnv(t *testing.T, bin string) []string {
	t.Helper()
	dir := t.TempDir()
	prefix := filepath.Join(dir, "prefix")
	if out, err := exec.Command(bin, "install", "--prefix", prefix).CombinedOutput(); err != nil {
		t.Fatalf("contrast install: %v\n%s", err, out)
	}
	runtime := filepath.Join(dir, "runtime")
	os.MkdirAll(runtime, 0o700)
	return append(os.Environ(),
		"JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"),
		"JUPYTER_RUNTIME_DIR="+runtime,
		"JUPYTER_PLATFORM_DIRS=0",
		"PYDEVD_DISABLE_FILE_VALIDATION=1",
	)
}

// TestJupyterKernelSuite runs the jupyter_kernel_test suite with every
// optional sample filled (testdata/jupyter_suite.py).
func TestJupyterKernelSuite(t *testing.T) {
	requireJupyter(t, "jupyter_client", "jupyter_kernel_test")
	bin := contrastBinary(t)
	env := jupyterEnv(t, bin)
	summary := filepath.Join(t.TempDir(), "summary.json")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "testdata/jupyter_suite.py", summary)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	t.Logf("jupyter_kernel_test:\n%s", out)
	if err != nil {
		t.Fatalf("the suite failed: %v", err)
	}
	raw, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Run     int
		OK      bool
		Skipped []string
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	// Every sample is filled in: nothing skips.
	if !s.OK || len(s.Skipped) != 0 {
		t.Errorf("suite: ok=%v skipped=%v; want ok and nothing skipped", s.OK, s.Skipped)
	}
	if s.Run < 12 {
		t.Errorf("suite ran %d tests, want at least 12", s.Run)
	}
}

// TestNotebookExecutedByJupyter executes testdata/contrast.ipynb with
// `jupyter nbconvert --execute` and checks every output.
func TestNotebookExecutedByJupyter(t *testing.T) {
	requireJupyter(t, "jupyter_client", "nbclient", "nbconvert")
	jupyter, err := exec.LookPath("jupyter")
	if err != nil {
		jupyter = "/usr/bin/jupyter"
	}
	bin := contrastBinary(t)
	env := jupyterEnv(t, bin)
	outDir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, jupyter, "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.kernel_name=contrast", "--ExecutePreprocessor.timeout=120",
		"--output-dir", outDir, "--output", "executed.ipynb", "testdata/contrast.ipynb")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("jupyter nbconvert --execute: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join(outDir, "executed.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			CellType       string `json:"cell_type"`
			ExecutionCount *int   `json:"execution_count"`
			Outputs        []struct {
				OutputType     string                     `json:"output_type"`
				Name           string                     `json:"name"`
				Text           any                        `json:"text"`
				Data           map[string]json.RawMessage `json:"data"`
				ExecutionCount *int                       `json:"execution_count"`
				Ename          string                     `json:"ename"`
				Evalue         string                     `json:"evalue"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(raw, &nb); err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 6 {
		t.Fatalf("executed notebook has %d cells, want 6", len(nb.Cells))
	}
	code := nb.Cells[1:]
	for i, c := range code {
		if c.ExecutionCount == nil || *c.ExecutionCount != i+1 {
			t.Errorf("cell %d: execution_count %v want %d", i+1, c.ExecutionCount, i+1)
		}
	}
	if len(code[0].Outputs) != 0 {
		t.Errorf("declarations cell: outputs %+v, want none", code[0].Outputs)
	}
	if o := code[1].Outputs; len(o) != 1 || o[0].OutputType != "stream" || o[0].Name != "stdout" || joinText(o[0].Text) != "p is (1, 2)\n" {
		t.Errorf("cell using the declarations: outputs %+v, want stdout \"p is (1, 2)\\n\"", o)
	}
	if o := code[2].Outputs; len(o) != 1 || o[0].OutputType != "display_data" {
		t.Errorf("image cell: outputs %+v, want one display_data", o)
	} else {
		data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(mimeText(o[0].Data["image/png"])))
		if err != nil {
			t.Fatalf("image/png is not base64: %v", err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("image/png is not a PNG: %v", err)
		}
		if r, g, _, _ := img.At(5, 5).RGBA(); img.Bounds().Dx() != 16 || r != 0xffff || g != 0 {
			t.Errorf("the image is not the one the cell drew: %v, pixel (5,5) r=%x g=%x", img.Bounds(), r, g)
		}
	}
	if o := code[3].Outputs; len(o) != 1 || o[0].OutputType != "error" || o[0].Ename == "" || !strings.Contains(o[0].Evalue, "on purpose") {
		t.Errorf("raises-exception cell: outputs %+v, want one error saying \"on purpose\"", o)
	}
	if o := code[4].Outputs; len(o) != 1 || o[0].OutputType != "execute_result" || mimeText(o[0].Data["text/plain"]) != "41" ||
		o[0].ExecutionCount == nil || *o[0].ExecutionCount != 5 {
		t.Errorf("cell after the error: outputs %+v, want execute_result 41 with count 5", o)
	}
}

// mimeText is the text of a notebook's MIME data value.
func mimeText(raw json.RawMessage) string {
	var v any
	json.Unmarshal(raw, &v)
	return joinText(v)
}

// joinText joins a notebook's multiline string (a string or a list).
func joinText(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case []any:
		var b strings.Builder
		for _, p := range s {
			b.WriteString(p.(string))
		}
		return b.String()
	}
	return ""
}
