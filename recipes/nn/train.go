package nn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gocontrast/contrast/display"
)

// InputFunc builds the model's input for the examples idx of a batch, for
// instance by loading and augmenting images. It may return more rows than
// len(idx) (two views per image for SimCLR). The tensor may be reused by
// the next call.
type InputFunc func(idx []int) *Tensor

// LossFunc returns the loss of a batch from the model's output out and
// dL/dout (same shape as out), for the examples idx. It may keep state
// shared with the InputFunc (labels, a memory bank) in its closure.
type LossFunc func(out *Tensor, idx []int) (loss float64, grad *Tensor)

// StepStat records one optimiser step.
type StepStat struct {
	Epoch int     // 0-based
	Step  int     // global step, 0-based
	Batch int     // examples in the batch
	Loss  float64 // the batch loss
	LR    float64 // the learning rate used
	Took  time.Duration
}

// EpochStat records one finished epoch.
type EpochStat struct {
	Epoch int
	Loss  float64 // mean batch loss
	Took  time.Duration
}

// FitOptions configures Trainer.Fit. Zero fields take the defaults in
// brackets.
type FitOptions struct {
	N         int  // examples in the data set (required)
	BatchSize int  // [256]
	Epochs    int  // total epochs of the run [1]; Fit continues until this many are done
	DropLast  bool // drop a last, smaller batch (a batch of one is always dropped, as batch norm cannot train on it)
	NoShuffle bool
	Seed      uint64   // shuffling seed; the same seed gives the same batches
	Schedule  Schedule // learning-rate multiplier [constant]
	ClipNorm  float64  // clip the gradient norm to this [0: no clipping]
	// OnStep and OnEpoch are called after each optimiser step and each
	// epoch (a momentum-encoder update, a plot, early stopping). Returning
	// false stops training.
	OnStep  func(StepStat) bool
	OnEpoch func(EpochStat) bool
	Label   string          // progress bar label ["train"]
	Quiet   bool            // no progress bar
	Context context.Context // [display.Context()]: cancelling it interrupts
}

// ErrInterrupted is returned (wrapped) by Fit when its context is
// cancelled: the weights and the Trainer's position are kept, and calling
// Fit again continues the run.
var ErrInterrupted = errors.New("training interrupted")

// ErrNothingToDo is returned by Fit when the trainer has already run all
// the epochs asked for (re-running a notebook cell, or resuming a finished
// checkpoint).
var ErrNothingToDo = errors.New("nn: nothing to train")

// Trainer runs the training loop for a model and optimiser and keeps the
// run's position and history, so an interrupted run can continue.
type Trainer struct {
	Model  Layer
	Opt    Optimizer
	BaseLR float64 // the learning rate the schedule scales [Opt.LR() at the first Fit]

	Step    int // optimiser steps taken
	History []StepStat
	Epochs  []EpochStat

	epochLoss  float64
	epochSteps int
	epochStart time.Time
}

// NewTrainer returns a trainer for model with optimiser opt.
func NewTrainer(model Layer, opt Optimizer) *Trainer {
	return &Trainer{Model: model, Opt: opt}
}

// Losses returns the loss of every step so far.
func (t *Trainer) Losses() []float64 {
	l := make([]float64, len(t.History))
	for i, s := range t.History {
		l[i] = s.Loss
	}
	return l
}

func (o *FitOptions) defaults() error {
	if o.N <= 0 {
		return fmt.Errorf("nn: FitOptions.N is %d: set it to the number of examples", o.N)
	}
	if o.BatchSize == 0 {
		o.BatchSize = 256
	}
	if o.BatchSize < 0 {
		return fmt.Errorf("nn: FitOptions.BatchSize is %d: it must be positive", o.BatchSize)
	}
	if o.Epochs == 0 {
		o.Epochs = 1
	}
	if o.Schedule == nil {
		o.Schedule = Constant()
	}
	if o.Label == "" {
		o.Label = "train"
	}
	if o.Context == nil {
		o.Context = display.Context()
	}
	return nil
}

// stepsPerEpoch is the number of batches of one epoch.
func (o *FitOptions) stepsPerEpoch() int {
	s := o.N / o.BatchSize
	if r := o.N % o.BatchSize; r > 1 && !o.DropLast {
		s++
	}
	return max(s, 1)
}

// batch returns the example indices of batch b of epoch e.
func (o *FitOptions) batch(perm []int, b int) []int {
	lo := b * o.BatchSize
	return perm[lo:min(len(perm), lo+o.BatchSize)]
}

func (o *FitOptions) perm(epoch int, buf []int) []int {
	buf = buf[:0]
	for i := 0; i < o.N; i++ {
		buf = append(buf, i)
	}
	if !o.NoShuffle {
		r := rand.New(rand.NewPCG(o.Seed, uint64(epoch)))
		r.Shuffle(len(buf), func(i, j int) { buf[i], buf[j] = buf[j], buf[i] })
	}
	return buf
}

// Fit trains until opts.Epochs epochs are done in total, starting where the
// last Fit stopped: for each batch it builds the input, runs the model
// forward in training mode, computes the loss and its gradient, runs
// backward, clips, sets the scheduled learning rate and steps the
// optimiser. It shows a progress bar with the loss and rate.
//
// It returns an error wrapping ErrInterrupted when the context is
// cancelled (between steps), and an error for a NaN or infinite loss or a
// panic inside the model, input or loss functions; in every case the
// weights and position are kept.
func (t *Trainer) Fit(inputs InputFunc, loss LossFunc, opts FitOptions) (err error) {
	if err := opts.defaults(); err != nil {
		return err
	}
	if inputs == nil || loss == nil {
		return fmt.Errorf("nn: Fit needs an InputFunc and a LossFunc")
	}
	if t.BaseLR == 0 {
		t.BaseLR = t.Opt.LR()
	}
	spe := opts.stepsPerEpoch()
	total := spe * opts.Epochs
	defer limitGCSlack()()
	if t.Step >= total {
		return fmt.Errorf("%w: this Trainer has already taken %d of the %d steps that %d epochs make; FitOptions.Epochs counts all epochs of the run, so set it to %d or more to train further",
			ErrNothingToDo, t.Step, total, opts.Epochs, opts.Epochs+1)
	}
	var bar *display.Progress
	if !opts.Quiet {
		bar = display.NewProgress(total, opts.Label)
		bar.Set(t.Step)
		defer bar.Done()
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("nn: training failed at step %d: %v", t.Step, r)
		}
	}()
	params := t.Opt.Params()
	var perm []int
	permEpoch := -1
	for t.Step < total {
		if e := opts.Context.Err(); e != nil {
			return fmt.Errorf("nn: %w at step %d of %d (epoch %d): weights kept, call Fit again to continue (%v)",
				ErrInterrupted, t.Step, total, t.Step/spe+1, e)
		}
		epoch, b := t.Step/spe, t.Step%spe
		if epoch != permEpoch {
			perm = opts.perm(epoch, perm)
			permEpoch = epoch
		}
		if b == 0 || t.epochStart.IsZero() {
			if b == 0 {
				t.epochLoss, t.epochSteps = 0, 0
			}
			t.epochStart = time.Now()
		}
		idx := opts.batch(perm, b)
		start := time.Now()
		x := inputs(idx)
		out := t.Model.Forward(x, true)
		l, g := loss(out, idx)
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return fmt.Errorf("nn: loss is %v at step %d (epoch %d): lower the learning rate or check the inputs", l, t.Step, epoch+1)
		}
		if g == nil || len(g.Data) != len(out.Data) {
			return fmt.Errorf("nn: the loss function's gradient has shape %v, want the output's %v", shapeOf(g), out.Shape)
		}
		t.Opt.ZeroGrad()
		t.Model.Backward(g)
		if opts.ClipNorm > 0 {
			ClipGradNorm(params, opts.ClipNorm)
		}
		lr := t.BaseLR * opts.Schedule(t.Step, total)
		t.Opt.SetLR(lr)
		t.Opt.Step()
		st := StepStat{Epoch: epoch, Step: t.Step, Batch: len(idx), Loss: l, LR: lr, Took: time.Since(start)}
		t.History = append(t.History, st)
		t.Step++
		t.epochLoss += l
		t.epochSteps++
		if bar != nil {
			bar.SetPostfix(fmt.Sprintf("epoch %d loss %.4f lr %.3g", epoch+1, l, lr))
			bar.Add(1)
		}
		if opts.OnStep != nil && !opts.OnStep(st) {
			return nil
		}
		if t.Step%spe == 0 {
			es := EpochStat{Epoch: epoch, Loss: t.epochLoss / float64(max(t.epochSteps, 1)), Took: time.Since(t.epochStart)}
			t.Epochs = append(t.Epochs, es)
			t.epochStart = time.Time{}
			if opts.OnEpoch != nil && !opts.OnEpoch(es) {
				return nil
			}
		}
	}
	return nil
}

func shapeOf(t *Tensor) []int {
	if t == nil {
		return nil
	}
	return t.Shape
}

// Embed runs model in eval mode over n examples in batches of batchSize
// [256] and returns the outputs stacked as [n, D]. Each layer uses all
// cores. It stops with an error wrapping ErrInterrupted when display's
// context is cancelled.
func Embed(model Layer, inputs InputFunc, n, batchSize int) (*Tensor, error) {
	if batchSize <= 0 {
		batchSize = 256
	}
	ctx := display.Context()
	var out *Tensor
	for lo := 0; lo < n; lo += batchSize {
		if e := ctx.Err(); e != nil {
			return nil, fmt.Errorf("nn: embedding %w after %d of %d examples (%v)", ErrInterrupted, lo, n, e)
		}
		hi := min(n, lo+batchSize)
		idx := make([]int, hi-lo)
		for i := range idx {
			idx[i] = lo + i
		}
		y := model.Forward(inputs(idx), false)
		if y.Rows() != hi-lo {
			return nil, fmt.Errorf("nn: Embed: the model gave %d rows for %d examples", y.Rows(), hi-lo)
		}
		if out == nil {
			out = New(n, y.Cols())
		}
		copy(out.Data[lo*out.Cols():], y.Data)
	}
	if out == nil {
		return New(0, 0), nil
	}
	return out, nil
}

// String summarises the trainer for a notebook: optimiser, steps, epochs
// and the latest losses (the full history is in History and Epochs).
func (t *Trainer) String() string {
	var sb strings.Builder
	kind := "no optimiser"
	if t.Opt != nil {
		kind = fmt.Sprintf("%s lr %g", t.Opt.Kind(), t.Opt.LR())
	}
	params := 0
	if t.Model != nil {
		for _, p := range t.Model.Params() {
			params += p.Value.Len()
		}
	}
	fmt.Fprintf(&sb, "Trainer: %d parameters, %s, %d steps in %d epochs", params, kind, t.Step, len(t.Epochs))
	if n := len(t.History); n > 0 {
		fmt.Fprintf(&sb, ", loss %.4g", t.History[n-1].Loss)
		if n > 1 {
			fmt.Fprintf(&sb, " (first %.4g)", t.History[0].Loss)
		}
	}
	return sb.String()
}

// fitGCPercent is the garbage collector's target while Fit runs. A
// training step allocates little (the layers reuse their buffers), but
// what it does allocate — a few MB of augmented images and loss scratch
// per step — would otherwise pile up until the heap doubles its live size
// (GOGC=100): with a few hundred MB of activations live, that is hundreds
// of MB of peak memory for nothing. The live heap is mostly pointer-free
// float32 arrays, so collecting more often costs next to no time
// (measured: no change in ms/step).
const fitGCPercent = 20

// limitGCSlack lowers the GC target for the duration of a Fit, unless the
// user has set a lower one (or turned the collector off), and returns the
// function that restores it.
func limitGCSlack() func() {
	old := debug.SetGCPercent(fitGCPercent)
	if old >= 0 && old <= fitGCPercent || old < 0 {
		debug.SetGCPercent(old)
		return func() {}
	}
	return func() { debug.SetGCPercent(old) }
}
