package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/gocontrast/contrast/recipes/nn"
	"github.com/gocontrast/contrast/viz"
)

func init() {
	registerBench(&benchmark{
		name:    "scatter",
		summary: "viz.Scatter to PNG against matplotlib (and gonum's plotter.Scatter), 70,000 points",
		run:     benchScatter,
	})
}

func benchScatter(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench scatter", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 70000, "points (10 classes)")
	rounds := fs.Int("rounds", 5, "renders per side")
	python := fs.String("python", "/usr/bin/python3", "Python with matplotlib (Debian python3-matplotlib)")
	script := fs.String("script", "bench/scatter.py", "the matplotlib side; run from the repository root or give its path")
	gonum := fs.Bool("gonum", true, "also time gonum/plot's own plotter.Scatter (one vector glyph per point)")
	noRef := fs.Bool("noref", false, "time viz alone, without matplotlib")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: contrast bench scatter [flags]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Renders the same labelled scatter plot (10 Gaussian classes, 7.4 x 5.6 in")
		fmt.Fprintln(stderr, "at 96 DPI, PNG encoding included) with viz.Scatter, gonum/plot's")
		fmt.Fprintln(stderr, "plotter.Scatter and matplotlib on this machine, and prints the median and")
		fmt.Fprintln(stderr, "best time of each and the ratios.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if err == nil {
			fs.Usage()
		}
		return errUsage
	}
	if *n < 1 || *rounds < 1 {
		return fmt.Errorf("bench scatter: -n and -rounds must be positive")
	}
	xy, labels := scatterData(*n)

	vizTimes := make([]float64, *rounds)
	var size int
	for r := range vizTimes {
		t := time.Now()
		png, err := viz.Scatter(xy, labels).PNG()
		if err != nil {
			return err
		}
		vizTimes[r] = time.Since(t).Seconds()
		size = len(png)
	}
	fmt.Fprintf(stdout, "%d points, 10 classes, 7.4x5.6 in at 96 DPI, PNG; %d rounds\n", *n, *rounds)
	fmt.Fprintf(stdout, "%-26s median %8.1f ms  best %8.1f ms  (%d bytes)\n", "viz.Scatter", scatterMedian(vizTimes)*1e3, slices.Min(vizTimes)*1e3, size)

	if *gonum {
		gt := make([]float64, min(*rounds, 3))
		for r := range gt {
			t := time.Now()
			b, err := gonumScatter(xy, labels)
			if err != nil {
				return err
			}
			gt[r] = time.Since(t).Seconds()
			size = b
		}
		fmt.Fprintf(stdout, "%-26s median %8.1f ms  best %8.1f ms  (%d bytes)  viz is %.1fx faster\n", "gonum plotter.Scatter", scatterMedian(gt)*1e3, slices.Min(gt)*1e3, size, scatterMedian(gt)/scatterMedian(vizTimes))
	}
	if *noRef {
		return nil
	}
	dir, err := os.MkdirTemp("", "contrast-bench-scatter")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	pts, labs := filepath.Join(dir, "xy.f32"), filepath.Join(dir, "labels.i32")
	if err := writeLE(pts, xy.Data); err != nil {
		return err
	}
	l32 := make([]int32, len(labels))
	for i, l := range labels {
		l32[i] = int32(l)
	}
	if err := writeLE(labs, l32); err != nil {
		return err
	}
	cmd := exec.Command(*python, *script, pts, labs, fmt.Sprint(*rounds))
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("bench scatter: running %s %s: %w (install python3-matplotlib, or pass -noref)", *python, *script, err)
	}
	var ref struct {
		Seconds []float64 `json:"seconds"`
		Bytes   int       `json:"bytes"`
	}
	if err := json.Unmarshal(out, &ref); err != nil || len(ref.Seconds) == 0 {
		return fmt.Errorf("bench scatter: cannot read %s's answer %q: %v", *script, out, err)
	}
	fmt.Fprintf(stdout, "%-26s median %8.1f ms  best %8.1f ms  (%d bytes)  viz is %.1fx faster\n", "matplotlib", scatterMedian(ref.Seconds)*1e3, slices.Min(ref.Seconds)*1e3, ref.Bytes, scatterMedian(ref.Seconds)/scatterMedian(vizTimes))
	return nil
}

// scatterData returns n points around 10 class centres (seeded).
func scatterData(n int) (*nn.Tensor, []int) {
	r := rand.New(rand.NewPCG(2, 7))
	var centres [10][2]float64
	for c := range centres {
		centres[c] = [2]float64{r.NormFloat64(), r.NormFloat64()}
	}
	xy := nn.New(n, 2)
	labels := make([]int, n)
	for i := range labels {
		c := i % 10
		labels[i] = c
		xy.Data[2*i] = float32(centres[c][0] + 0.15*r.NormFloat64())
		xy.Data[2*i+1] = float32(centres[c][1] + 0.15*r.NormFloat64())
	}
	return xy, labels
}

// gonumScatter draws the same picture with plotter.Scatter and returns
// the PNG size.
func gonumScatter(xy *nn.Tensor, labels []int) (int, error) {
	p := plot.New()
	for c := 0; c < 10; c++ {
		var pts plotter.XYs
		for i, l := range labels {
			if l == c {
				pts = append(pts, plotter.XY{X: float64(xy.Data[2*i]), Y: float64(xy.Data[2*i+1])})
			}
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return 0, err
		}
		col := viz.Palette[c]
		col.A = 128
		s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(1.15), Shape: draw.CircleGlyph{}}
		p.Add(s)
		p.Legend.Add(fmt.Sprint(c), s)
	}
	c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(7.4*vg.Inch, 5.6*vg.Inch), vgimg.UseDPI(96))}
	p.Draw(draw.New(c))
	var cw countWriter
	if _, err := c.WriteTo(&cw); err != nil {
		return 0, err
	}
	return int(cw), nil
}

type countWriter int

func (w *countWriter) Write(p []byte) (int, error) { *w += countWriter(len(p)); return len(p), nil }

func writeLE(path string, data any) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := binary.Write(f, binary.LittleEndian, data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// scatterMedian is the median of v (v is sorted in place).
func scatterMedian(v []float64) float64 {
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
