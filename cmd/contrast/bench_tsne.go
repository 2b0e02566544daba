package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/gocontrast/contrast/viz/tsne"
)

func init() {
	registerBench(&benchmark{
		name:    "tsne",
		summary: "t-SNE of Fashion-MNIST (PCA-50): contrast vs scikit-learn TSNE(n_jobs=2): time, KL, 10-NN preservation",
		run:     benchTSNE,
	})
}

// benchTSNE runs contrast's t-SNE and scikit-learn's on the same
// Fashion-MNIST PCA-50 data (prepared by bench/tsne.py) and scores both
// embeddings with the same Python code.
func benchTSNE(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench tsne", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 10000, "number of Fashion-MNIST images (train then test; at most 70000)")
	dir := fs.String("dir", "", "working directory for the data and embeddings (default: a temporary directory)")
	script := fs.String("script", "bench/tsne.py", "the reference script (run from the repository root)")
	python := fs.String("python", "/usr/bin/python3", "Python with Debian's python3-sklearn")
	skipSK := fs.Bool("skip-sklearn", false, "run contrast only (for example at N = 70000)")
	threads := fs.Int("threads", 2, "goroutines for contrast (scikit-learn runs with n_jobs=2)")
	seed := fs.Uint64("seed", 0, "contrast's seed")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: contrast bench tsne [--n 10000] [--skip-sklearn] [flags]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Embeds the first N Fashion-MNIST images (PCA to 50 dimensions by scikit-learn)")
		fmt.Fprintln(stderr, "with contrast's t-SNE and with scikit-learn's TSNE(n_jobs=2) in one run, scores")
		fmt.Fprintln(stderr, "both with the same code (bench/tsne.py) and prints the speed ratio. Needs Debian's")
		fmt.Fprintln(stderr, "python3-sklearn and dataset-fashion-mnist.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage // -h included, as the other commands do
	}
	if *n < 100 || *n > 70000 {
		fmt.Fprintln(stderr, "contrast bench tsne: --n must be between 100 and 70000")
		return errUsage
	}
	if _, err := os.Stat(*script); err != nil {
		return fmt.Errorf("%s not found: run from the repository root or pass --script", *script)
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "contrast-bench-tsne-")
		if err != nil {
			return err
		}
		*dir = d
	}
	py := func(args ...string) ([]byte, error) {
		cmd := exec.Command(*python, append([]string{*script}, args...)...)
		cmd.Stderr = stderr
		out, err := cmd.Output()
		if err != nil {
			return out, fmt.Errorf("%s %s: %w", *script, strings.Join(args, " "), err)
		}
		return out, nil
	}

	fmt.Fprintf(stdout, "preparing Fashion-MNIST, N = %d, PCA to 50 (scikit-learn) in %s\n", *n, *dir)
	if _, err := py("prepare", "--n", fmt.Sprint(*n), "--dir", *dir); err != nil {
		return err
	}
	x, rows, d, err := readMatrix(filepath.Join(*dir, "x.npy"))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "contrast t-SNE (Threads %d, GOMAXPROCS %d)...\n", *threads, runtime.GOMAXPROCS(0))
	start := time.Now()
	res, err := tsne.Embed(x, rows, d, tsne.Config{Seed: *seed, Threads: *threads})
	if err != nil {
		return err
	}
	ours := time.Since(start)
	ourPath := filepath.Join(*dir, "contrast.npy")
	if err := writeEmbedding(ourPath, res.Float32(), res.N, res.Dims); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "  %.1fs (neighbours and P %.1fs, %d iterations %.1fs; %s neighbours, %s repulsion)\n",
		ours.Seconds(), res.AffinityTime.Seconds(), res.Iterations, res.OptimizeTime.Seconds(), res.Neighbors, res.Method)

	var sk struct {
		Seconds float64 `json:"seconds"`
		KL      float64 `json:"kl"`
	}
	if !*skipSK {
		fmt.Fprintln(stdout, "scikit-learn TSNE(n_jobs=2)...")
		if _, err := py("sklearn", "--dir", *dir); err != nil {
			return err
		}
		raw, err := os.ReadFile(filepath.Join(*dir, "sklearn.json"))
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &sk); err != nil {
			return fmt.Errorf("sklearn.json: %w", err)
		}
		fmt.Fprintf(stdout, "  %.1fs\n", sk.Seconds)
	}

	type scores struct {
		NN10   float64  `json:"nn10"`
		Label5 float64  `json:"label5"`
		KL     *float64 `json:"kl"`
	}
	score := func(emb string) (scores, error) {
		args := []string{"score", "--dir", *dir, "--emb", emb}
		if *n > 20000 {
			args = append(args, "--no-kl") // the common KL is O(N^2)
		}
		out, err := py(args...)
		if err != nil {
			return scores{}, err
		}
		var s scores
		if err := json.Unmarshal(out, &s); err != nil {
			return scores{}, fmt.Errorf("score output %q: %w", out, err)
		}
		return s, nil
	}
	fmt.Fprintln(stdout, "scoring (bench/tsne.py score)...")
	so, err := score(ourPath)
	if err != nil {
		return err
	}
	klCol := func(s scores) string {
		if s.KL == nil {
			return "-"
		}
		return fmt.Sprintf("%.4f", *s.KL)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "t-SNE, Fashion-MNIST PCA-50, N = %d\n", rows)
	fmt.Fprintf(stdout, "%-26s %9s %9s %11s %11s %11s\n", "", "time", "KL (own)", "KL (common)", "10-NN pres.", "5-NN label")
	fmt.Fprintf(stdout, "%-26s %8.1fs %9.4f %11s %11.4f %11.4f\n", "contrast", ours.Seconds(), res.KL, klCol(so), so.NN10, so.Label5)
	if !*skipSK {
		ss, err := score(filepath.Join(*dir, "sklearn.npy"))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%-26s %8.1fs %9.4f %11s %11.4f %11.4f\n", "scikit-learn (n_jobs=2)", sk.Seconds, sk.KL, klCol(ss), ss.NN10, ss.Label5)
		fmt.Fprintf(stdout, "speed-up: %.2fx\n", sk.Seconds/ours.Seconds())
	}
	fmt.Fprintln(stdout, "KL (own): each tool's reported KL (its own P, approximate Z); KL (common): the same")
	fmt.Fprintln(stdout, "P (scikit-learn's) and exact Z for both. Embeddings are in", *dir)
	return nil
}
