package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gocontrast/contrast/recipes/augment"
	"github.com/gocontrast/contrast/recipes/heads"
	"github.com/gocontrast/contrast/recipes/loss"
	"github.com/gocontrast/contrast/recipes/nn"
)

func init() {
	registerBench(&benchmark{
		name:    "train",
		summary: "SimCLR step of ConvNet-S (512 views): contrast vs PyTorch, ms/step and peak memory",
		run:     runBenchTrain,
	})
}

// trainResult is what each side reports.
type trainResult struct {
	MsPerStep float64 `json:"ms_per_step"`
	BestMs    float64 `json:"best_ms"`         // the fastest step (the least disturbed on a shared machine)
	CPUMs     float64 `json:"cpu_ms_per_step"` // user+system CPU time per step, all threads
	PeakRSSMB float64 `json:"peak_rss_mb"`
	Steps     int     `json:"steps"`
	Batch     int     `json:"batch"`
	Threads   int     `json:"threads"`
	FirstLoss float64 `json:"first_loss"`
	LastLoss  float64 `json:"last_loss"`
}

func runBenchTrain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	steps := fs.Int("steps", 20, "timed steps per side")
	warmup := fs.Int("warmup", 2, "untimed steps first")
	batch := fs.Int("batch", 256, "images per step (two views each)")
	threads := fs.Int("threads", 2, "cores for each side (GOMAXPROCS, torch.set_num_threads)")
	rounds := fs.Int("rounds", 2, "alternate the two sides this many times and average (the machine is shared)")
	data := fs.String("data", "auto", "auto (Fashion-MNIST if installed, else random), random, or a directory with train-images-idx3-ubyte.gz")
	python := fs.String("python", "/usr/bin/python3", "Python with torch (Debian python3-torch)")
	script := fs.String("script", "bench/train.py", "the PyTorch reference script")
	only := fs.String("only", "", "run one side only: go or torch")
	worker := fs.Bool("worker", false, "internal: run the contrast side in this process and print JSON")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the contrast side to this file")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: contrast bench train [flags]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Times a SimCLR step (augment.Reference 2 views, ConvNet-S + SimCLR head, loss.NTXent tau 0.5, backward, Adam)")
		fmt.Fprintln(stderr, "for contrast and for bench/train.py (PyTorch), each in its own process, and prints ms/step,")
		fmt.Fprintln(stderr, "the ratio and each side's peak resident memory. Run from the repository root.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *worker {
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
			defer pprof.StopCPUProfile()
		}
		res, err := trainWorker(*steps, *warmup, *batch, *threads, *data)
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(res)
	}
	if *steps <= 0 || *batch < 2 || *threads <= 0 || *rounds <= 0 {
		fmt.Fprintln(stderr, "contrast bench train: -steps, -threads and -rounds must be positive and -batch at least 2")
		return errUsage
	}
	dataArg, npy, cleanup, err := benchData(*data)
	if err != nil {
		return err
	}
	defer cleanup()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	common := []string{"--steps", strconv.Itoa(*steps), "--warmup", strconv.Itoa(*warmup), "--batch", strconv.Itoa(*batch), "--threads", strconv.Itoa(*threads)}
	var goRes, pyRes []trainResult
	for r := 0; r < *rounds; r++ {
		if *only != "torch" {
			var res trainResult
			wargs := []string{"bench", "train", "-worker", "-data", dataArg}
			if *cpuprofile != "" {
				wargs = append(wargs, "-cpuprofile", *cpuprofile)
			}
			cmd := exec.Command(self, append(wargs, dashes(common)...)...)
			cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(*threads))
			if err := runJSON(cmd, &res, stderr); err != nil {
				return fmt.Errorf("contrast side: %w", err)
			}
			fmt.Fprintf(stdout, "round %d contrast: %7.1f ms/step (best %6.1f, %4.0f CPU ms), peak RSS %4.0f MB, loss %.4f -> %.4f\n", r+1, res.MsPerStep, res.BestMs, res.CPUMs, res.PeakRSSMB, res.FirstLoss, res.LastLoss)
			goRes = append(goRes, res)
		}
		if *only != "go" {
			if _, err := os.Stat(*script); err != nil {
				return fmt.Errorf("cannot find the PyTorch script %s: run from the repository root or pass -script", *script)
			}
			pyData := "random"
			if npy != "" {
				pyData = npy
			}
			var res trainResult
			cmd := exec.Command(*python, append([]string{*script, "--json", "--data", pyData}, common...)...)
			if err := runJSON(cmd, &res, stderr); err != nil {
				return fmt.Errorf("PyTorch side (%s %s; needs Debian's python3-torch): %w", *python, *script, err)
			}
			fmt.Fprintf(stdout, "round %d pytorch:  %7.1f ms/step (best %6.1f, %4.0f CPU ms), peak RSS %4.0f MB, loss %.4f -> %.4f\n", r+1, res.MsPerStep, res.BestMs, res.CPUMs, res.PeakRSSMB, res.FirstLoss, res.LastLoss)
			pyRes = append(pyRes, res)
		}
	}
	g, p := meanResult(goRes), meanResult(pyRes)
	fmt.Fprintf(stdout, "\nSimCLR step, ConvNet-S, batch %d (%d views), %d threads, data %s, %d steps x %d rounds\n", *batch, 2**batch, *threads, dataArg, *steps, *rounds)
	if len(goRes) > 0 {
		fmt.Fprintf(stdout, "contrast: %7.1f ms/step  best step %7.1f ms  %6.0f CPU ms/step  peak RSS %5.0f MB\n", g.MsPerStep, g.BestMs, g.CPUMs, g.PeakRSSMB)
	}
	if len(pyRes) > 0 {
		fmt.Fprintf(stdout, "pytorch:  %7.1f ms/step  best step %7.1f ms  %6.0f CPU ms/step  peak RSS %5.0f MB\n", p.MsPerStep, p.BestMs, p.CPUMs, p.PeakRSSMB)
	}
	if len(goRes) > 0 && len(pyRes) > 0 {
		fmt.Fprintf(stdout, "ratio pytorch/contrast: %.2fx faster in mean wall time (target >= 2.00x), %.2fx in best step, %.2fx in CPU time; memory contrast/pytorch: %.2f\n",
			p.MsPerStep/g.MsPerStep, p.BestMs/g.BestMs, p.CPUMs/g.CPUMs, g.PeakRSSMB/p.PeakRSSMB)
		if l := loadAvg(); l > float64(*threads) {
			fmt.Fprintf(stdout, "note: load average %.1f on %d cores: the machine is shared and wall times are noisy; compare best steps and CPU time too\n", l, runtime.NumCPU())
		}
	}
	return nil
}

func dashes(a []string) []string {
	out := make([]string, len(a))
	for i, s := range a {
		out[i] = strings.TrimPrefix(s, "-")
	}
	return out
}

func meanResult(rs []trainResult) trainResult {
	var m trainResult
	for _, r := range rs {
		m.MsPerStep += r.MsPerStep / float64(len(rs))
		m.CPUMs += r.CPUMs / float64(len(rs))
		if m.BestMs == 0 || r.BestMs < m.BestMs {
			m.BestMs = r.BestMs
		}
		m.PeakRSSMB = math.Max(m.PeakRSSMB, r.PeakRSSMB)
	}
	return m
}

func runJSON(cmd *exec.Cmd, v any, stderr io.Writer) error {
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%v: %s", err, strings.TrimSpace(errb.String()))
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), v); err != nil {
		return fmt.Errorf("bad output %q: %v", out.String(), err)
	}
	return nil
}

const fashionDir = "/usr/share/datasets/fashion-mnist"

// benchData resolves -data: the argument for the worker, a .npy of the
// images for Python ("" for random) and a cleanup function.
func benchData(arg string) (string, string, func(), error) {
	none := func() {}
	if arg == "auto" {
		arg = "random"
		if _, err := os.Stat(filepath.Join(fashionDir, "train-images-idx3-ubyte.gz")); err == nil {
			arg = fashionDir
		}
	}
	if arg == "random" {
		return arg, "", none, nil
	}
	imgs, n, err := readIDXImages(filepath.Join(arg, "train-images-idx3-ubyte.gz"))
	if err != nil {
		return "", "", none, err
	}
	f, err := os.CreateTemp("", "contrast-bench-*.npy")
	if err != nil {
		return "", "", none, err
	}
	w := bufio.NewWriter(f)
	hdr := fmt.Sprintf("{'descr': '|u1', 'fortran_order': False, 'shape': (%d, 28, 28), }", n)
	hdr += strings.Repeat(" ", 63-(10+len(hdr))%64) + "\n"
	w.WriteString("\x93NUMPY\x01\x00")
	binary.Write(w, binary.LittleEndian, uint16(len(hdr)))
	w.WriteString(hdr)
	w.Write(imgs)
	if err := w.Flush(); err != nil {
		f.Close()
		return "", "", none, err
	}
	f.Close()
	return arg, f.Name(), func() { os.Remove(f.Name()) }, nil
}

// readIDXImages reads a gzipped IDX file of 28x28 uint8 images.
func readIDXImages(path string) ([]byte, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	var hdr [4]uint32
	if err := binary.Read(z, binary.BigEndian, &hdr); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	if hdr[0] != 0x803 || hdr[2] != 28 || hdr[3] != 28 {
		return nil, 0, fmt.Errorf("%s: not an IDX file of 28x28 images (header %x)", path, hdr)
	}
	n := int(hdr[1])
	buf := make([]byte, n*784)
	if _, err := io.ReadFull(z, buf); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return buf, n, nil
}

// cpuTime is this process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAvg is the one-minute load average (0 if unknown).
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	l, _ := strconv.ParseFloat(f[0], 64)
	return l
}

// vmHWM returns this process's peak resident set in MB.
func vmHWM() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// trainWorker runs the contrast side: the reference SimCLR recipe through
// nn.Trainer.
func trainWorker(steps, warmup, batch, threads int, data string) (*trainResult, error) {
	runtime.GOMAXPROCS(threads)
	// Images stay uint8, as data loaders keep them, and are scaled to
	// [0, 1] per view by the augmentation.
	var imgs []byte
	n := 4096
	if data == "random" {
		r := rand.New(rand.NewPCG(1, 1))
		imgs = make([]byte, n*784)
		for i := range imgs {
			imgs[i] = byte(r.UintN(256))
		}
	} else {
		raw, m, err := readIDXImages(filepath.Join(data, "train-images-idx3-ubyte.gz"))
		if err != nil {
			return nil, err
		}
		n, imgs = m, raw
	}
	st := newSimCLRStep(1, batch)
	inputs, loss := st.funcs(imgs)
	var times []time.Duration
	var losses []float64
	cpu0 := cpuTime()
	err := st.tr.Fit(inputs, loss, nn.FitOptions{
		N: n, BatchSize: batch, Epochs: 1 << 20, DropLast: true, Seed: 1, Quiet: true,
		OnStep: func(s nn.StepStat) bool {
			if s.Step+1 == warmup {
				cpu0 = cpuTime()
			}
			if s.Step >= warmup {
				times = append(times, s.Took)
			}
			losses = append(losses, s.Loss)
			return s.Step+1 < warmup+steps
		},
	})
	if err != nil {
		return nil, err
	}
	cpu := cpuTime() - cpu0
	var tot time.Duration
	best := times[0]
	for _, t := range times {
		tot += t
		best = min(best, t)
	}
	return &trainResult{
		MsPerStep: float64(tot.Microseconds()) / 1000 / float64(len(times)),
		BestMs:    float64(best.Microseconds()) / 1000,
		CPUMs:     float64(cpu.Microseconds()) / 1000 / float64(len(times)),
		PeakRSSMB: vmHWM(), Steps: len(times), Batch: batch, Threads: threads,
		FirstLoss: losses[0], LastLoss: losses[len(losses)-1],
	}, nil
}

// simclrStep is the reference recipe's training state: ConvNet-S + SimCLR
// head, Adam (lr 1e-3), augment.Reference() and NT-Xent (tau 0.5).
type simclrStep struct {
	tr    *nn.Trainer
	aug   *augment.Pipeline
	seed  uint64
	ws    loss.Workspace
	batch *nn.Tensor // the images of a step, scaled to [0, 1]
	views *nn.Tensor
	grad  *nn.Tensor
}

func newSimCLRStep(seed uint64, batch int) *simclrStep {
	enc := nn.ConvNetS(nn.ConvNetConfig{Seed: seed})
	head := heads.Reference(seed)
	model := nn.NewSequential(nn.Named("encoder", enc), nn.Named("head", head))
	opt := nn.NewAdam(model.Params(), nn.AdamOptions{LR: 1e-3})
	return &simclrStep{tr: nn.NewTrainer(model, opt), aug: augment.Reference(), seed: seed,
		views: nn.New(2*batch, 1, 28, 28)}
}

// funcs returns the loop's input and loss functions over imgs (uint8,
// 28x28 each).
func (s *simclrStep) funcs(imgs []byte) (nn.InputFunc, nn.LossFunc) {
	inputs := func(idx []int) *nn.Tensor {
		if s.batch == nil || s.batch.Rows() != len(idx) {
			s.batch = nn.New(len(idx), 1, 28, 28)
			s.views = nn.New(2*len(idx), 1, 28, 28)
		}
		for i, j := range idx {
			row := s.batch.Row(i)
			for p, px := range imgs[j*784 : (j+1)*784] {
				row[p] = float32(px) / 255
			}
		}
		// a new seed per step, the same for the same run
		return augment.ViewsInto(s.views, s.batch, s.aug.Apply, 2, s.seed<<32+uint64(s.tr.Step))
	}
	lossFn := func(z *nn.Tensor, _ []int) (float64, *nn.Tensor) {
		if s.grad == nil || len(s.grad.Data) != len(z.Data) {
			s.grad = nn.New(z.Shape...)
		}
		return benchNTXent(&s.ws, s.grad, z, 0.5), s.grad
	}
	return inputs, lossFn
}

// benchNTXent is loss.NTXent scaled to the mean over the 2B anchors,
// which is what bench/train.py's F.cross_entropy computes (loss.NTXent
// sums the two directions, SimCLR's convention: twice this).
func benchNTXent(ws *loss.Workspace, dz, z *nn.Tensor, tau float64) float64 {
	l := ws.NTXent(dz, z, tau)
	for i := range dz.Data {
		dz.Data[i] *= 0.5
	}
	return l / 2
}

// step runs one training step on the images idx through the loop and
// returns its loss.
func (s *simclrStep) step(imgs []byte, idx []int) float64 {
	inputs, lossFn := s.funcs(imgs)
	sub := func([]int) *nn.Tensor { return inputs(idx) }
	if err := s.tr.Fit(sub, lossFn, nn.FitOptions{N: len(idx), BatchSize: len(idx), Epochs: s.tr.Step + 1, NoShuffle: true, Quiet: true}); err != nil {
		panic(err)
	}
	return s.tr.History[len(s.tr.History)-1].Loss
}
