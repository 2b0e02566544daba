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
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gocontrast/contrast/recipes/augment"
	"github.com/gocontrast/contrast/recipes/nn"
)

func init() {
	registerBench(&benchmark{
		name:    "augment",
		summary: "augment.Views against torchvision on 512 views (256 images x 2), ms per batch",
		run:     benchAugment,
	})
}

// augmentCase is one pipeline timed by `contrast bench augment`; the same
// names are in bench/augment.py.
type augmentCase struct {
	name    string
	c, size int
	p       *augment.Pipeline
}

func augmentCases() []augmentCase {
	return []augmentCase{
		{"reference-1x28", 1, 28, augment.Reference()},
		{"reference-1x28-pil", 1, 28, augment.Reference()}, // torchvision on PIL images; ours is the same
		{"simclr-3x32", 3, 32, augment.SimCLR(32, 0.5)},
	}
}

func benchAugment(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench augment", flag.ContinueOnError)
	fs.SetOutput(stderr)
	threads := fs.Int("threads", 2, "GOMAXPROCS for augment.Views and torch.set_num_threads")
	seconds := fs.Float64("seconds", 2, "time spent on one pipeline per side and round")
	python := fs.String("python", "/usr/bin/python3", "Python with torch and torchvision (Debian python3-torchvision)")
	script := fs.String("script", "bench/augment.py", "the torchvision side; run from the repository root or give its path")
	only := fs.String("only", "", "comma-separated pipeline names (reference-1x28, reference-1x28-pil, simclr-3x32)")
	noRef := fs.Bool("noref", false, "time augment.Views alone")
	step := fs.Float64("step-ms", 200, "training step time to compare with (DESIGN.md: PyTorch 430 ms, contrast's target 200 ms)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: contrast bench augment [flags]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Makes 512 augmented views (256 images x 2) with recipes/augment's presets and")
		fmt.Fprintln(stderr, "with torchvision's transforms one image at a time (as a PyTorch Dataset does),")
		fmt.Fprintln(stderr, "contrast before and after torchvision on this machine, and prints ms per batch")
		fmt.Fprintln(stderr, "(best / median), the ratio, and contrast's share of a training step.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if err == nil {
			fs.Usage()
		}
		return errUsage
	}
	if *threads < 1 || *seconds <= 0 {
		fmt.Fprintln(stderr, "contrast bench augment: -threads must be >= 1 and -seconds > 0")
		return errUsage
	}
	var cases []augmentCase
	for _, c := range augmentCases() {
		if *only == "" || slices.Contains(strings.Split(*only, ","), c.name) {
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		return fmt.Errorf("bench augment: no pipeline matches -only %q", *only)
	}
	prev := runtime.GOMAXPROCS(*threads)
	defer runtime.GOMAXPROCS(prev)

	ours := map[string][]float64{}
	run := func() {
		for _, c := range cases {
			ours[c.name] = append(ours[c.name], timeViews(c, *seconds)...)
		}
	}
	run()
	ref := map[string][2]float64{}
	var header string
	if !*noRef {
		var err error
		header, err = runAugmentRef(*python, *script, *threads, *seconds, cases, ref)
		if err != nil {
			return err
		}
		run() // again after torchvision, so that both sides see the same load
	}
	fmt.Fprintf(stdout, "contrast augment.Views, GOMAXPROCS %d", *threads)
	if header != "" {
		fmt.Fprintf(stdout, "; %s", header)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "%-20s %18s", "ms per 512 views", "contrast")
	if !*noRef {
		fmt.Fprintf(stdout, " %20s %14s", "torchvision", "speed-up")
	}
	fmt.Fprintf(stdout, " %12s\n", "of a step")
	for _, c := range cases {
		t := ours[c.name]
		slices.Sort(t)
		best, med := t[0], t[len(t)/2]
		fmt.Fprintf(stdout, "%-20s %8.2f / %7.2f", c.name, best, med)
		if r, ok := ref[c.name]; ok {
			fmt.Fprintf(stdout, " %9.1f / %8.1f   %5.0fx / %4.0fx", r[0], r[1], r[0]/best, r[1]/med)
		}
		fmt.Fprintf(stdout, " %11.1f%%\n", 100*med / *step)
	}
	fmt.Fprintf(stdout, "best / median; speed-up: torchvision time over contrast's; of a step: contrast's median over %g ms\n", *step)
	return nil
}

// timeViews returns ms per augment.Views call over about seconds.
func timeViews(c augmentCase, seconds float64) []float64 {
	x := nn.New(256, c.c, c.size, c.size)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	augment.Views(x, c.p.Apply, 2, 0) // warm up
	var times []float64
	end := time.Now().Add(time.Duration(seconds * float64(time.Second)))
	for seed := uint64(1); len(times) < 3 || time.Now().Before(end); seed++ {
		t0 := time.Now()
		v := augment.Views(x, c.p.Apply, 2, seed)
		times = append(times, float64(time.Since(t0).Microseconds())/1000)
		if v.Shape[0] != 512 {
			panic("bench augment: wrong number of views")
		}
	}
	return times
}

// runAugmentRef runs bench/augment.py and fills ref with its best and
// median ms per pipeline; it returns the versions line.
func runAugmentRef(python, script string, threads int, seconds float64, cases []augmentCase, ref map[string][2]float64) (string, error) {
	if _, err := os.Stat(script); err != nil {
		return "", fmt.Errorf("bench augment: torchvision script %s not found: run from the repository root, pass -script, or -noref", script)
	}
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = c.name
	}
	cmd := exec.Command(python, script, "--threads", strconv.Itoa(threads),
		"--seconds", strconv.FormatFloat(seconds, 'g', -1, 64), "--only", strings.Join(names, ","))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("bench augment: starting %s: %w (install Debian python3-torchvision, or pass -python)", python, err)
	}
	sc := bufio.NewScanner(out)
	var header string
	for sc.Scan() {
		var line struct {
			Torch, Torchvision string
			Threads            int
			Name               string
			BestMS             float64 `json:"best_ms"`
			MedianMS           float64 `json:"median_ms"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			continue
		}
		if line.Torch != "" {
			header = fmt.Sprintf("torchvision %s (PyTorch %s), %d threads, one image at a time", line.Torchvision, line.Torch, line.Threads)
			continue
		}
		ref[line.Name] = [2]float64{line.BestMS, line.MedianMS}
	}
	if err := cmd.Wait(); err != nil {
		return "", fmt.Errorf("bench augment: %s %s: %w (are python3-torch and python3-torchvision installed?)", python, script, err)
	}
	return header, nil
}
