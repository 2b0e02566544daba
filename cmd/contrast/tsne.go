package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/gocontrast/contrast/recipes/data"
	"github.com/gocontrast/contrast/viz"
	"github.com/gocontrast/contrast/viz/tsne"
)

func init() {
	register(&command{
		name:    "tsne",
		summary: "embed a data file with t-SNE and write the embedding (.npy) and a scatter plot",
		run:     runTSNE,
	})
}

func tsneFlags(stderr io.Writer) (*flag.FlagSet, *tsneOpts) {
	o := &tsneOpts{}
	fs := flag.NewFlagSet("tsne", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.in, "in", "", "input data: .npy (2-D float32/float64/int), .csv (numeric, optional header) or IDX (.idx, -ubyte, optionally .gz; images are flattened)")
	fs.StringVar(&o.labels, "labels", "", "optional labels (.npy, .csv or IDX of integers) to colour the plot")
	fs.StringVar(&o.out, "out", "", "where to write the N x dims embedding as float32 .npy (required)")
	fs.StringVar(&o.png, "png", "", "optional scatter plot coloured by label (2-D only; .png, or .svg/.pdf/.jpg by extension)")
	fs.IntVar(&o.cfg.Dims, "dims", 2, "embedding dimension")
	fs.Float64Var(&o.cfg.Perplexity, "perplexity", 30, "perplexity (neighbours used: 3x this)")
	fs.StringVar(&o.cfg.Metric, "metric", "euclidean", "input distance: euclidean or cosine")
	fs.IntVar(&o.cfg.Iterations, "iters", 750, "gradient steps in all, early exaggeration included")
	fs.IntVar(&o.cfg.EarlyIterations, "early-iters", 250, "early exaggeration steps")
	fs.Float64Var(&o.cfg.EarlyExaggeration, "exaggeration", 12, "early exaggeration factor")
	fs.Float64Var(&o.cfg.LearningRate, "lr", 0, "learning rate (0: N/exaggeration per phase)")
	fs.StringVar(&o.cfg.Method, "method", "auto", "repulsion: auto, exact, barnes-hut or fft")
	fs.StringVar(&o.cfg.Neighbors, "neighbors", "auto", "neighbour search: auto, exact or approx")
	fs.StringVar(&o.cfg.Init, "init", "pca", "initialisation: pca or random")
	fs.Uint64Var(&o.cfg.Seed, "seed", 0, "random seed")
	fs.IntVar(&o.cfg.Threads, "threads", 0, "goroutines (0: GOMAXPROCS)")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: contrast tsne --in FILE --out emb.npy [--labels FILE] [--png plot.png] [flags]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Embeds the rows of FILE with t-SNE (openTSNE's defaults) and writes the")
		fmt.Fprintln(stderr, "embedding as a float32 .npy array, optionally with a scatter plot coloured")
		fmt.Fprintln(stderr, "by label.")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Flags:")
		fs.PrintDefaults()
	}
	return fs, o
}

type tsneOpts struct {
	in, labels, out, png string
	quiet                bool
	cfg                  tsne.Config
}

func runTSNE(args []string, stdout, stderr io.Writer) error {
	fs, o := tsneFlags(stderr)
	if err := fs.Parse(args); err != nil {
		return errUsage // -h included, as the other commands do
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "contrast tsne: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	if o.in == "" || o.out == "" {
		fmt.Fprintln(stderr, "contrast tsne: --in and --out are required")
		fs.Usage()
		return errUsage
	}
	if o.png != "" && o.cfg.Dims != 2 {
		fmt.Fprintln(stderr, "contrast tsne: --png needs --dims 2")
		return errUsage
	}
	x, n, d, err := readMatrix(o.in)
	if err != nil {
		return err
	}
	var labels []int
	if o.labels != "" {
		labels, err = readLabels(o.labels)
		if err != nil {
			return err
		}
		if len(labels) != n {
			return fmt.Errorf("%s has %d labels but %s has %d rows", o.labels, len(labels), o.in, n)
		}
	}
	o.cfg.Progress = !o.quiet
	start := time.Now()
	res, err := tsne.Embed(x, n, d, o.cfg)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	if err := writeEmbedding(o.out, res.Float32(), res.N, res.Dims); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "t-SNE of %d x %d: %s repulsion, %s neighbours (k=%d, perplexity %.4g), %d iterations, KL %.4f, %.1fs (affinities %.1fs)\n",
		n, d, res.Method, res.Neighbors, res.K, res.Perplexity, res.Iterations, res.KL, elapsed.Seconds(), res.AffinityTime.Seconds())
	fmt.Fprintf(stdout, "wrote %s\n", o.out)
	if o.png != "" {
		if err := scatterPlot(o.png, res.Y, labels, fmt.Sprintf("t-SNE of %s (KL %.3f)", filepath.Base(o.in), res.KL)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", o.png)
	}
	return nil
}

// scatterPlot draws a 2-D embedding as viz's scatter plot coloured by
// label and saves it (atomically) in the format path's extension names.
func scatterPlot(path string, y []float64, labels []int, title string) error {
	n := len(y) / 2
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		xs[i], ys[i] = y[2*i], y[2*i+1]
	}
	return viz.ScatterXY(xs, ys, labels).WithTitle(title).Save(path)
}

// writeEmbedding writes the n x dims embedding as a float32 .npy,
// atomically.
func writeEmbedding(path string, y []float32, n, dims int) error {
	return data.WriteNPY(path, data.Float32Array(y, n, dims))
}

// readValues reads a numeric array from .npy, .csv or IDX (optionally
// gzipped), with recipes/data's readers; it returns the values, the
// number of rows and the values per row (later axes flattened).
func readValues(path string) (vals []float64, n, d int, err error) {
	lower := strings.ToLower(strings.TrimSuffix(path, ".gz"))
	switch {
	case strings.HasSuffix(lower, ".npy"):
		a, err := data.ReadNPY(path)
		if err != nil {
			return nil, 0, 0, err
		}
		vals, shape := a.Float64s(), a.Shape
		if len(shape) == 0 {
			shape = []int{1}
		}
		return vals, shape[0], prodInts(shape[1:]), nil
	case strings.HasSuffix(lower, ".csv"):
		ds, err := data.LoadCSV(path, data.CSVOptions{})
		if err != nil {
			return nil, 0, 0, err
		}
		t := ds.Images()
		vals = make([]float64, len(t.Data))
		for i, v := range t.Data {
			vals[i] = float64(v)
		}
		return vals, ds.Len(), prodInts(ds.Shape()), nil
	default: // IDX, as MNIST ships (train-images-idx3-ubyte.gz)
		a, err := data.ReadIDX(path)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("%w (want .npy, .csv or an IDX file)", err)
		}
		if len(a.Dims) == 0 {
			return nil, 0, 0, fmt.Errorf("%s: IDX file without dimensions", path)
		}
		return a.Float64s(), a.Dims[0], prodInts(a.Dims[1:]), nil
	}
}

func prodInts(s []int) int {
	p := 1
	for _, v := range s {
		p *= v
	}
	return p
}

// readMatrix reads a data file as n x d float32 rows.
func readMatrix(path string) ([]float32, int, int, error) {
	vals, n, d, err := readValues(path)
	if err != nil {
		return nil, 0, 0, err
	}
	if n == 0 || d == 0 {
		return nil, 0, 0, fmt.Errorf("%s: no data (%d rows of %d values)", path, n, d)
	}
	x := make([]float32, len(vals))
	for i, v := range vals {
		x[i] = float32(v)
	}
	return x, n, d, nil
}

// readLabels reads integer labels: one per row of a one-column file.
func readLabels(path string) ([]int, error) {
	vals, _, d, err := readValues(path)
	if err != nil {
		return nil, err
	}
	if d != 1 {
		return nil, fmt.Errorf("%s: labels must be one value per row, got %d per row", path, d)
	}
	out := make([]int, len(vals))
	for i, v := range vals {
		if v != math.Trunc(v) || math.Abs(v) > 1<<31 {
			return nil, fmt.Errorf("%s: label %d is %v, not an integer", path, i, v)
		}
		out[i] = int(v)
	}
	return out, nil
}
