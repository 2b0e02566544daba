package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/internal/atomicfile"
	"github.com/gocontrast/contrast/recipes/augment"
	"github.com/gocontrast/contrast/recipes/data"
	"github.com/gocontrast/contrast/recipes/nn"
	"github.com/gocontrast/contrast/recipes/probe"
	"github.com/gocontrast/contrast/recipes/simclr"
	"github.com/gocontrast/contrast/viz"
)

func init() {
	register(&command{
		name:    "demo",
		summary: "train SimCLR on Fashion-MNIST, evaluate it and write an HTML report",
		run:     runDemo,
	})
}

type demoOptions struct {
	out     string
	dataDir string
	epochs  int
	trainN  int
	evalN   int
	tsneN   int
	seed    uint64
	quiet   bool
}

func runDemo(args []string, stdout, stderr io.Writer) error {
	var o demoOptions
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.out, "out", "contrast-demo", "directory for the report (`DIR`/report.html, figures, metrics.json)")
	fs.StringVar(&o.dataDir, "data", "", "Fashion-MNIST directory (IDX files); default: Debian's copy, else the embedded subset")
	fs.IntVar(&o.epochs, "epochs", 3, "SimCLR training epochs")
	fs.IntVar(&o.trainN, "train", 25600, "training images to use (0: all)")
	fs.IntVar(&o.evalN, "eval", 5000, "test images to evaluate on (0: all)")
	fs.IntVar(&o.tsneN, "tsne", 2000, "test images to show in the t-SNE maps")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed (weights, batches, augmentations, subsets)")
	fs.BoolVar(&o.quiet, "q", false, "print only the summary")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: contrast demo [flags]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Trains SimCLR (ConvNet-S, NT-Xent, the reference recipe of DESIGN.md) on")
		fmt.Fprintln(stderr, "Fashion-MNIST, evaluates the encoder before and after training (weighted")
		fmt.Fprintln(stderr, "kNN, linear probe, alignment and uniformity) and writes an HTML report with")
		fmt.Fprintln(stderr, "the loss curve, t-SNE maps, similarity histograms, augmentations and")
		fmt.Fprintln(stderr, "retrievals. Uses Debian's dataset-fashion-mnist when installed, otherwise")
		fmt.Fprintln(stderr, "the subset embedded in the binary. Interrupt with Ctrl-C: the report is")
		fmt.Fprintln(stderr, "written from what has been trained so far.")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "contrast demo: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	if o.epochs < 0 || o.trainN < 0 || o.evalN < 0 || o.tsneN < 0 {
		fmt.Fprintln(stderr, "contrast demo: -epochs, -train, -eval and -tsne must not be negative")
		return errUsage
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("demo: cannot create the output directory: %w", err)
	}
	ctx, stop := interruptContext()
	defer stop()
	var log io.Writer = stderr
	if o.quiet {
		log = io.Discard
	}
	defer display.Bind(ctx, newTermSink(log))()
	return demo(o, stdout, log)
}

// demoReport collects the report as it is built.
type demoReport struct {
	Dataset   string             `json:"dataset"`
	TrainN    int                `json:"train_images"`
	EvalN     int                `json:"eval_images"`
	Epochs    int                `json:"epochs"`
	Steps     int                `json:"steps"`
	StepMs    float64            `json:"ms_per_step"`
	Threads   int                `json:"threads"`
	Before    map[string]float64 `json:"before"`
	After     map[string]float64 `json:"after"`
	Note      string             `json:"note,omitempty"`
	figures   []demoFigure
	started   time.Time
	TookSec   float64 `json:"seconds"`
	Generated string  `json:"generated"`
}

type demoFigure struct {
	name, title, caption string
	png                  []byte
}

func demo(o demoOptions, stdout, log io.Writer) error {
	rep := &demoReport{started: time.Now(), Threads: runtime.GOMAXPROCS(0),
		Before: map[string]float64{}, After: map[string]float64{}}
	say := func(format string, args ...any) { fmt.Fprintf(log, format+"\n", args...) }

	var train, test *data.Dataset
	if o.dataDir != "" {
		var err error
		if train, test, err = data.LoadFashionMNIST(o.dataDir); err != nil {
			return err
		}
	} else {
		train, test = data.FashionMNIST()
	}
	rep.Dataset = train.Name
	train = head(train, o.trainN, o.seed)
	test = head(test, o.evalN, o.seed+1)
	rep.TrainN, rep.EvalN = train.Len(), test.Len()
	say("data: %s, training on %d images, evaluating on %d", rep.Dataset, train.Len(), test.Len())

	cfg := simclr.Defaults()
	cfg.Epochs = o.epochs
	cfg.Seed = o.seed
	cfg.Quiet = o.quiet

	// The untrained encoder is the baseline every metric is compared to.
	base := simclr.New(train, cfg)
	if base.Err != nil {
		return base.Err
	}
	say("evaluating the untrained encoder")
	zTrain0, zTest0, err := embedBoth(base, train, test)
	if err != nil {
		return err
	}
	if err := evaluate(rep.Before, zTrain0, train, zTest0, test); err != nil {
		return err
	}

	say("training SimCLR for %d epochs (batch %d, %d views per step)", cfg.Epochs, cfg.BatchSize, 2*cfg.BatchSize)
	t0 := time.Now()
	run := simclr.Train(train, cfg)
	took := time.Since(t0)
	if run.Err != nil {
		if !isInterrupt(run.Err) {
			return run.Err
		}
		rep.Note = "Training was interrupted; the report shows the encoder as it was then."
		say("interrupted after %d steps: writing the report from what was trained", run.Trainer.Step)
	}
	rep.Epochs, rep.Steps = cfg.Epochs, run.Trainer.Step
	if rep.Steps > 0 {
		rep.StepMs = float64(took.Milliseconds()) / float64(rep.Steps)
	}

	say("evaluating the trained encoder")
	// Evaluation must finish even after an interrupted training run.
	unbind := display.Bind(nil, newTermSink(log))
	zTrain, zTest, err := embedBoth(run, train, test)
	if err != nil {
		unbind()
		return err
	}
	if err := evaluate(rep.After, zTrain, train, zTest, test); err != nil {
		unbind()
		return err
	}

	say("drawing figures")
	figs := []struct {
		name, title, caption string
		fig                  *viz.Figure
	}{
		{"loss", "Training loss", "NT-Xent (both directions summed, tau 0.5) per step, smoothed.",
			viz.Curves(viz.Curve("NT-Xent", run.Losses()).Smooth(0.9))},
		{"augmentations", "Augmented views", "Each row: an original test image and two views from augment.Reference().",
			augmentations(test, o.seed)},
		{"similarity", "Cosine similarities, before and after training", "Positive pairs share a class. Training pushes positives up and negatives down; the legend gives the AUC.",
			viz.SimilarityHistBeforeAfter(zTest0, zTest, test.Labels)},
	}
	tsneIdx := firstN(test.Len(), o.tsneN)
	sub := test.Subset(tsneIdx)
	for _, s := range []struct {
		name string
		z    *nn.Tensor
	}{{"before", zTest0}, {"after", zTest}} {
		f := viz.TSNEWith(rows(s.z, tsneIdx), sub.Labels, viz.TSNEOptions{ClassNames: sub.Classes, Quiet: o.quiet})
		figs = append(figs, struct {
			name, title, caption string
			fig                  *viz.Figure
		}{"tsne-" + s.name, "t-SNE of the test features, " + s.name + " training",
			fmt.Sprintf("%d test images, encoder features (128-d), perplexity 30.", len(tsneIdx)), f})
	}
	figs = append(figs, struct {
		name, title, caption string
		fig                  *viz.Figure
	}{"retrieval", "Nearest neighbours after training", "Queries from the test set and their 8 most similar test images (green: same class).",
		viz.Retrieval(test.Batch(firstN(min(test.Len(), 2000), 2000)), rows(zTest, firstN(min(test.Len(), 2000), 2000)),
			test.Labels[:min(test.Len(), 2000)], []int{0, 1, 2, 3, 4, 5}, 8, test.Classes...)})
	for _, f := range figs {
		png, err := f.fig.PNG()
		if err != nil {
			return fmt.Errorf("demo: drawing %s: %w", f.name, err)
		}
		if err := atomicfile.WriteFile(filepath.Join(o.out, f.name+".png"), png, 0o644); err != nil {
			return err
		}
		rep.figures = append(rep.figures, demoFigure{f.name, f.title, f.caption, png})
	}
	unbind()

	rep.TookSec = time.Since(rep.started).Seconds()
	rep.Generated = time.Now().Format(time.RFC3339)
	js, _ := json.MarshalIndent(rep, "", "  ")
	if err := atomicfile.WriteFile(filepath.Join(o.out, "metrics.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	reportPath := filepath.Join(o.out, "report.html")
	if err := atomicfile.WriteFile(reportPath, rep.html(), 0o644); err != nil {
		return err
	}
	rep.summary(stdout, reportPath)
	return nil
}

func isInterrupt(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "interrupt") || display.Interrupted())
}

// head returns a stratified-looking random subset of n items of ds (all of
// them when n is 0 or too large).
func head(ds *data.Dataset, n int, seed uint64) *data.Dataset {
	if n == 0 || n >= ds.Len() {
		return ds
	}
	return ds.Shuffle(seed).Subset(firstN(ds.Len(), n))
}

func firstN(total, n int) []int {
	n = min(total, n)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

func rows(z *nn.Tensor, idx []int) *nn.Tensor {
	out := nn.New(len(idx), z.Cols())
	for i, j := range idx {
		copy(out.Row(i), z.Row(j))
	}
	return out
}

func embedBoth(run *simclr.Run, train, test *data.Dataset) (*nn.Tensor, *nn.Tensor, error) {
	a, err := run.EmbedErr(train)
	if err != nil {
		return nil, nil, err
	}
	b, err := run.EmbedErr(test)
	return a, b, err
}

// evaluate fills m with the frozen-feature metrics of DESIGN.md's recipe.
func evaluate(m map[string]float64, zTrain *nn.Tensor, train *data.Dataset, zTest *nn.Tensor, test *data.Dataset) error {
	k, err := probe.KNN(zTrain, train.Labels, zTest, test.Labels)
	if err != nil {
		return err
	}
	lin, err := probe.Linear(zTrain, train.Labels, zTest, test.Labels)
	if err != nil {
		return err
	}
	align, unif, err := probe.AlignUniform(zTest)
	if err != nil {
		return err
	}
	std, _, err := probe.CollapseStd(zTest)
	if err != nil {
		return err
	}
	m["knn_top1"], m["knn_top5"], m["linear_probe"] = k.Top1, k.Top5, lin.TestAcc
	m["alignment"], m["uniformity"], m["feature_std"] = align, unif, std
	return nil
}

func augmentations(ds *data.Dataset, seed uint64) *viz.Figure {
	imgs := ds.Batch(firstN(ds.Len(), 6))
	p := augment.Reference()
	return viz.Augmentations(imgs, augment.Views(imgs, p.Apply, 1, seed), augment.Views(imgs, p.Apply, 1, seed+1))
}

var demoMetrics = []struct{ key, name, better string }{
	{"knn_top1", "weighted kNN top-1 (k=20, T=0.07)", "higher"},
	{"knn_top5", "weighted kNN top-5", "higher"},
	{"linear_probe", "linear probe accuracy", "higher"},
	{"alignment", "alignment (Wang & Isola)", "lower"},
	{"uniformity", "uniformity (Wang & Isola)", "lower"},
	{"feature_std", "std of normalised features (collapse at 0)", "about 1/sqrt(d)"},
}

func (r *demoReport) summary(w io.Writer, path string) {
	fmt.Fprintf(w, "contrast demo: SimCLR on %s (%d training images, %d epochs, %d steps, %.0f ms/step on %d threads)\n",
		r.Dataset, r.TrainN, r.Epochs, r.Steps, r.StepMs, r.Threads)
	fmt.Fprintf(w, "  %-44s %8s %8s\n", "metric (on "+fmt.Sprint(r.EvalN)+" test images)", "before", "after")
	for _, m := range demoMetrics {
		fmt.Fprintf(w, "  %-44s %8.4f %8.4f\n", m.name, r.Before[m.key], r.After[m.key])
	}
	if r.Note != "" {
		fmt.Fprintln(w, "  "+r.Note)
	}
	fmt.Fprintf(w, "report: %s (%.0f s)\n", path, r.TookSec)
}

func (r *demoReport) html() []byte {
	var b bytes.Buffer
	esc := html.EscapeString
	fmt.Fprintf(&b, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>contrast demo: SimCLR on %s</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}figure{margin:2em 0}img{max-width:100%%}figcaption{color:#555}
.note{background:#fff4d6;padding:.5em 1em}
</style></head><body>
<h1>SimCLR on %s</h1>
`, esc(r.Dataset), esc(r.Dataset))
	fmt.Fprintf(&b, "<p>ConvNet-S encoder and SimCLR projection head trained with NT-Xent (tau 0.5) and Adam (lr 1e-3), "+
		"batch 256 images (512 views), augment.Reference(). %d training images, %d epochs, %d steps, %.0f ms per step on %d threads. "+
		"Evaluated on %d test images with frozen encoder features.</p>\n", r.TrainN, r.Epochs, r.Steps, r.StepMs, r.Threads, r.EvalN)
	if r.Note != "" {
		fmt.Fprintf(&b, "<p class=note>%s</p>\n", esc(r.Note))
	}
	b.WriteString("<table><tr><th>metric</th><th>untrained</th><th>trained</th><th>better</th></tr>\n")
	for _, m := range demoMetrics {
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%.4f</td><td>%.4f</td><td>%s</td></tr>\n", esc(m.name), r.Before[m.key], r.After[m.key], esc(m.better))
	}
	b.WriteString("</table>\n")
	for _, f := range r.figures {
		fmt.Fprintf(&b, "<figure><h2>%s</h2><img alt=\"%s\" src=\"data:image/png;base64,%s\"><figcaption>%s</figcaption></figure>\n",
			esc(f.title), esc(f.title), base64.StdEncoding.EncodeToString(f.png), esc(f.caption))
	}
	fmt.Fprintf(&b, "<p><small>Generated by <code>contrast demo</code> on %s in %.0f s.</small></p>\n</body></html>\n", esc(r.Generated), r.TookSec)
	return b.Bytes()
}
