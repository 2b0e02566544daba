package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDemoEndToEnd runs the main job at a tiny size and checks what a
// newcomer gets: a summary on stdout, a self-contained report with every
// figure, and metrics that are accuracies.
func TestDemoEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model for a few seconds")
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	args := []string{"demo", "-out", out, "-epochs", "1", "-train", "512", "-eval", "300", "-tsne", "200", "-q"}
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "weighted kNN top-1") || !strings.Contains(stdout.String(), "report: ") {
		t.Errorf("summary lacks the metrics table or the report path:\n%s", stdout.String())
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	imgs := regexp.MustCompile(`src="data:image/png;base64,[A-Za-z0-9+/=]{100,}"`).FindAll(html, -1)
	if len(imgs) != 6 {
		t.Errorf("report embeds %d PNG figures, want 6 (loss, augmentations, similarity, 2 t-SNE, retrieval)", len(imgs))
	}
	for _, name := range []string{"loss", "augmentations", "similarity", "tsne-before", "tsne-after", "retrieval"} {
		b, err := os.ReadFile(filepath.Join(out, name+".png"))
		if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("%s.png: missing or not a PNG (%v)", name, err)
		}
	}
	var m struct {
		Steps  int                `json:"steps"`
		Before map[string]float64 `json:"before"`
		After  map[string]float64 `json:"after"`
	}
	js, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	if m.Steps != 2 {
		t.Errorf("512 images at batch 256 for 1 epoch: %d steps, want 2", m.Steps)
	}
	for _, side := range []map[string]float64{m.Before, m.After} {
		for _, k := range []string{"knn_top1", "knn_top5", "linear_probe"} {
			if v := side[k]; !(v > 0.1 && v <= 1) {
				t.Errorf("%s = %v: not a plausible accuracy on 10 classes", k, v)
			}
		}
		if side["knn_top5"] < side["knn_top1"] {
			t.Errorf("top-5 %v below top-1 %v", side["knn_top5"], side["knn_top1"])
		}
	}
}

// TestDemoFailureKeepsReport: a run that fails (here, a data directory
// that does not exist) says why and leaves the previous report intact.
func TestDemoFailureKeepsReport(t *testing.T) {
	out := t.TempDir()
	prev := filepath.Join(out, "report.html")
	if err := os.WriteFile(prev, []byte("previous report"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"demo", "-out", out, "-data", filepath.Join(out, "no-such-dir"), "-q"}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit %d want 1", code)
	}
	if !strings.Contains(stderr.String(), "no-such-dir") {
		t.Errorf("the error should name the missing directory, got %q", stderr.String())
	}
	if b, _ := os.ReadFile(prev); string(b) != "previous report" {
		t.Errorf("a failed run changed the previous report: %q", b)
	}
}
