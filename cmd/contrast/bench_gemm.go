package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gocontrast/contrast/blas"
)

func init() {
	registerBench(&benchmark{
		name:    "gemm",
		summary: "blas.Sgemm against PyTorch's torch.mm, float32, GFLOP/s per size",
		run:     benchGemm,
	})
}

// gemmShape is one product timed by `contrast bench gemm`.
type gemmShape struct {
	name           string
	m, n, k        int
	transA, transB bool
}

// gemmShapes: squares, then the shapes the training engine runs
// (ConvNet-S's third conv on 512 views via im2col: forward, weight
// gradient, input gradient; a SimCLR/MoCo similarity matrix; a 512-row
// batch against a 65,536 x 128 memory-bank queue; a linear layer; the
// products recipes/nn's Conv2d runs per chunk of about 512 output pixels
// (NHWC); the convs of one 28 x 28 image in NCHW).
var gemmShapes = []gemmShape{
	{"64^3", 64, 64, 64, false, false},
	{"128^3", 128, 128, 128, false, false},
	{"256^3", 256, 256, 256, false, false},
	{"512^3", 512, 512, 512, false, false},
	{"1024^3", 1024, 1024, 1024, false, false},
	{"512^3 A^T", 512, 512, 512, true, false},
	{"512^3 B^T", 512, 512, 512, false, true},
	{"conv fwd 128x25088x576", 128, 25088, 576, false, false},
	{"conv dW 128x576x25088 B^T", 128, 576, 25088, false, true},
	{"conv dX 576x25088x128 A^T", 576, 25088, 128, true, false},
	{"sim 512x512x128 B^T", 512, 512, 128, false, true},
	{"queue 256x4096x128 B^T", 256, 4096, 128, false, true},
	{"queue 512x65536x128 B^T", 512, 65536, 128, false, true},
	{"linear 512x128x128", 512, 128, 128, false, false},
	{"nn conv2 fwd 392x64x288 B^T", 392, 64, 288, false, true},
	{"nn conv3 fwd 490x128x576 B^T", 490, 128, 576, false, true},
	{"nn conv3 dcol 490x576x128", 490, 576, 128, false, false},
	{"nn conv3 dW 128x576x490 A^T", 128, 576, 490, true, false},
	{"img conv1 32x784x9", 32, 784, 9, false, false},
	{"img conv2 64x196x288", 64, 196, 288, false, false},
	{"img conv3 128x49x576", 128, 49, 576, false, false},
	{"img conv3 dW 128x576x49 B^T", 128, 576, 49, false, true},
	{"img conv3 dX 576x49x128 A^T", 576, 49, 128, true, false},
}

type gemmTiming struct {
	Best   float64 `json:"best"`
	Median float64 `json:"median"`
	Reps   int     `json:"reps"`
}

func benchGemm(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench gemm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	threads := fs.Int("threads", 2, "threads for both sides (blas.SetThreads, torch.set_num_threads)")
	rounds := fs.Int("rounds", 3, "times each size is run on each side, interleaved")
	seconds := fs.Float64("seconds", 0.3, "time spent on one size in one round, per side")
	python := fs.String("python", "/usr/bin/python3", "Python with torch (Debian python3-torch)")
	script := fs.String("script", "bench/gemm.py", "the PyTorch side; run from the repository root or give its path")
	only := fs.String("sizes", "", "comma-separated subset of sizes by name prefix (e.g. 512^3,conv)")
	noRef := fs.Bool("noref", false, "time blas.Sgemm alone, without PyTorch")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: contrast bench gemm [flags]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Times blas.Sgemm and PyTorch's torch.mm (float32) at the same sizes and")
		fmt.Fprintln(stderr, "layouts, interleaved size by size on this machine, and prints GFLOP/s")
		fmt.Fprintln(stderr, "(best and median over rounds) and the ratio ours/PyTorch.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if err == nil {
			fs.Usage()
		}
		return errUsage
	}
	if *threads < 1 || *rounds < 1 || *seconds <= 0 {
		fmt.Fprintln(stderr, "contrast bench gemm: -threads and -rounds must be >= 1 and -seconds > 0")
		return errUsage
	}
	shapes := gemmShapes
	if *only != "" {
		shapes = nil
		for _, s := range gemmShapes {
			for _, p := range strings.Split(*only, ",") {
				if p != "" && strings.HasPrefix(s.name, p) {
					shapes = append(shapes, s)
					break
				}
			}
		}
		if len(shapes) == 0 {
			return fmt.Errorf("bench gemm: no size matches -sizes %q", *only)
		}
	}

	prev := blas.SetThreads(*threads)
	defer blas.SetThreads(prev)

	var ref *torchProc
	if !*noRef {
		var err error
		ref, err = startTorch(*python, *script, *threads)
		if err != nil {
			return err
		}
		defer ref.close()
		fmt.Fprintf(stdout, "PyTorch %s, %d threads; ", ref.version, ref.threads)
	}
	fmt.Fprintf(stdout, "contrast blas (%s), %d threads\n", blas.Accelerated(), blas.Threads())

	type result struct{ ours, torch []gemmTiming }
	res := make([]result, len(shapes))
	for r := 0; r < *rounds; r++ {
		for i, s := range shapes {
			res[i].ours = append(res[i].ours, timeSgemm(s, *seconds))
			if ref != nil {
				t, err := ref.time(s, *seconds)
				if err != nil {
					return err
				}
				res[i].torch = append(res[i].torch, t)
			}
		}
	}

	fmt.Fprintf(stdout, "%-28s %16s", "GFLOP/s (best / median)", "contrast")
	if ref != nil {
		fmt.Fprintf(stdout, " %16s %14s", "PyTorch", "ratio")
	}
	fmt.Fprintln(stdout)
	for i, s := range shapes {
		flop := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		ob, om := summarize(res[i].ours)
		fmt.Fprintf(stdout, "%-28s %7.1f / %6.1f", s.name, flop/ob/1e9, flop/om/1e9)
		if ref != nil {
			tb, tm := summarize(res[i].torch)
			fmt.Fprintf(stdout, " %7.1f / %6.1f   %4.2f / %4.2f", flop/tb/1e9, flop/tm/1e9, tb/ob, tm/om)
		}
		fmt.Fprintln(stdout)
	}
	if ref != nil {
		fmt.Fprintln(stdout, "ratio: contrast GFLOP/s over PyTorch's (> 1: contrast faster); best of all runs, median of the per-round medians")
	}
	return nil
}

// summarize returns the best time over all rounds and the median of the
// rounds' medians.
func summarize(ts []gemmTiming) (best, median float64) {
	best = ts[0].Best
	meds := make([]float64, len(ts))
	for i, t := range ts {
		best = min(best, t.Best)
		meds[i] = t.Median
	}
	slices.Sort(meds)
	return best, meds[len(meds)/2]
}

// timeSgemm times blas.Sgemm the way bench/gemm.py times torch.mm: one
// warm-up, then repeated products for about seconds.
func timeSgemm(s gemmShape, seconds float64) gemmTiming {
	rng := rand.New(rand.NewPCG(1, 2))
	a := make([]float32, s.m*s.k)
	b := make([]float32, s.k*s.n)
	c := make([]float32, s.m*s.n)
	for i := range a {
		a[i] = float32(rng.NormFloat64())
	}
	for i := range b {
		b[i] = float32(rng.NormFloat64())
	}
	lda, ldb := s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	mm := func() { blas.Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n) }
	mm()
	var times []float64
	end := time.Now().Add(time.Duration(seconds * float64(time.Second)))
	for len(times) < 3 || (time.Now().Before(end) && len(times) < 10000) {
		t0 := time.Now()
		mm()
		times = append(times, time.Since(t0).Seconds())
	}
	slices.Sort(times)
	return gemmTiming{Best: times[0], Median: times[len(times)/2], Reps: len(times)}
}

// torchProc is bench/gemm.py serving timing requests.
type torchProc struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Scanner
	version string
	threads int
}

func startTorch(python, script string, threads int) (*torchProc, error) {
	if _, err := os.Stat(script); err != nil {
		return nil, fmt.Errorf("bench gemm: PyTorch script %s not found: run from the repository root, pass -script, or -noref to time contrast alone", script)
	}
	cmd := exec.Command(python, script, "--threads", strconv.Itoa(threads))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	outp, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench gemm: starting %s: %w (install Debian python3-torch, or pass -python)", python, err)
	}
	p := &torchProc{cmd: cmd, in: in, out: bufio.NewScanner(outp)}
	var hello struct {
		Torch   string `json:"torch"`
		Threads int    `json:"threads"`
	}
	if !p.out.Scan() || json.Unmarshal(p.out.Bytes(), &hello) != nil {
		p.close()
		return nil, fmt.Errorf("bench gemm: %s %s did not start (is python3-torch installed?)", python, script)
	}
	p.version, p.threads = hello.Torch, hello.Threads
	return p, nil
}

func (p *torchProc) time(s gemmShape, seconds float64) (gemmTiming, error) {
	b2i := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	fmt.Fprintf(p.in, "%d %d %d %d %d %g\n", s.m, s.n, s.k, b2i(s.transA), b2i(s.transB), seconds)
	var t gemmTiming
	if !p.out.Scan() {
		return t, fmt.Errorf("bench gemm: PyTorch side exited during %s", s.name)
	}
	if err := json.Unmarshal(p.out.Bytes(), &t); err != nil {
		return t, fmt.Errorf("bench gemm: bad reply from PyTorch side: %w", err)
	}
	return t, nil
}

func (p *torchProc) close() {
	p.in.Close()
	p.cmd.Wait()
}
