package simclr

import (
	"errors"
	"fmt"

	"github.com/gocontrast/contrast/recipes/augment"
	"github.com/gocontrast/contrast/recipes/data"
	"github.com/gocontrast/contrast/recipes/heads"
	"github.com/gocontrast/contrast/recipes/loss"
	"github.com/gocontrast/contrast/recipes/nn"
)

// Config holds SimCLR's hyperparameters. Zero fields take the defaults in
// brackets (Defaults returns them filled in).
type Config struct {
	Encoder     string  // "convnet-s" or "resnet" ["convnet-s"]
	Width       int     // encoder output dimension [128]
	HeadHidden  int     // projection head hidden width [128]
	ProjDim     int     // projection dimension [128]
	HeadLayers  int     // 2 is SimCLR v1's head; 3 or more SimCLR v2's [2]
	Temperature float64 // NT-Xent tau [0.5, the paper's CIFAR-10 setting]
	BatchSize   int     // images per step (twice as many views) [256]
	Epochs      int     // [5]
	LR          float64 // [1e-3 for Adam; 0.3*BatchSize/256 for LARS, the paper's]
	Optimizer   string  // "adam" or "lars" ["adam"]
	WeightDecay float64 // [0 for Adam, 1e-6 for LARS]
	Warmup      int     // linear warm-up epochs before a cosine decay [0: constant LR for Adam]
	// Augment makes the views [augment.Reference() for 1x28x28 images,
	// augment.SimCLR(size, 0.5) otherwise].
	Augment *augment.Pipeline
	Seed    uint64 // initialisation, shuffling and augmentation seed
	Quiet   bool   // no progress bar
}

// Defaults returns the reference recipe of DESIGN.md.
func Defaults() Config {
	return Config{Encoder: "convnet-s", Width: 128, HeadHidden: 128, ProjDim: 128, HeadLayers: 2,
		Temperature: 0.5, BatchSize: 256, Epochs: 5, Optimizer: "adam"}
}

func (c *Config) fill(shape []int) error {
	d := Defaults()
	if c.Encoder == "" {
		c.Encoder = d.Encoder
	}
	if c.Width == 0 {
		c.Width = d.Width
	}
	if c.HeadHidden == 0 {
		c.HeadHidden = d.HeadHidden
	}
	if c.ProjDim == 0 {
		c.ProjDim = d.ProjDim
	}
	if c.HeadLayers == 0 {
		c.HeadLayers = d.HeadLayers
	}
	if c.Temperature == 0 {
		c.Temperature = d.Temperature
	}
	if c.BatchSize == 0 {
		c.BatchSize = d.BatchSize
	}
	if c.Epochs == 0 {
		c.Epochs = d.Epochs
	}
	if c.Optimizer == "" {
		c.Optimizer = d.Optimizer
	}
	switch {
	case c.Temperature < 0:
		return fmt.Errorf("simclr: Temperature %g must be positive (the paper uses 0.1 to 1; 0.5 here)", c.Temperature)
	case c.BatchSize < 2:
		return fmt.Errorf("simclr: BatchSize %d: NT-Xent needs at least 2 images per step", c.BatchSize)
	case c.Epochs < 0:
		return fmt.Errorf("simclr: Epochs %d must be positive", c.Epochs)
	case c.HeadLayers < 1:
		return fmt.Errorf("simclr: HeadLayers %d must be at least 1", c.HeadLayers)
	case c.LR < 0 || c.WeightDecay < 0 || c.Warmup < 0:
		return fmt.Errorf("simclr: LR, WeightDecay and Warmup must not be negative")
	}
	if len(shape) != 3 {
		return fmt.Errorf("simclr: the dataset holds items of shape %v; SimCLR needs images [C, H, W]", shape)
	}
	if c.Augment == nil {
		if shape[0] == 1 && shape[1] == 28 && shape[2] == 28 {
			c.Augment = augment.Reference()
		} else {
			c.Augment = augment.SimCLR(shape[1], 0.5)
		}
	}
	switch c.Optimizer {
	case "adam":
		if c.LR == 0 {
			c.LR = 1e-3
		}
	case "lars":
		if c.LR == 0 {
			c.LR = 0.3 * float64(c.BatchSize) / 256
		}
		if c.WeightDecay == 0 {
			c.WeightDecay = 1e-6
		}
	default:
		return fmt.Errorf("simclr: unknown Optimizer %q: use \"adam\" or \"lars\"", c.Optimizer)
	}
	return nil
}

// Run is a SimCLR training run: its model, its history and, if training
// failed or was interrupted, the error.
type Run struct {
	Config  Config
	Encoder *nn.Sequential // images -> features [N, Width]
	Head    *nn.Sequential // features -> projections [N, ProjDim]
	Trainer *nn.Trainer    // optimiser state, step count and history
	Err     error          // nil after a complete run

	model   *nn.Sequential
	shape   []int
	batch   *nn.Tensor
	views   *nn.Tensor
	grad    *nn.Tensor
	ws      loss.Workspace
	trained int // epochs the run was asked for so far
}

// Train trains a new encoder on ds with cfg. It always returns a Run: check
// Run.Err (a Run returned as a cell's value shows it).
func Train(ds *data.Dataset, cfg Config) *Run {
	r := New(ds, cfg)
	if r.Err != nil {
		return r
	}
	return r.Continue(ds, r.Config.Epochs)
}

// New builds the model of a run on ds with cfg, as Train does, without
// training it. Its Embed gives the untrained baseline that training is
// measured against, and Continue trains it:
//
//	run := simclr.New(train, cfg)
//	before := run.Embed(test) // the random encoder
//	run.Continue(train, cfg.Epochs)
//	after := run.Embed(test)
//
// New followed by Continue(ds, cfg.Epochs) is the same run as Train. Like
// Train it never panics on bad input: check Run.Err.
func New(ds *data.Dataset, cfg Config) *Run {
	r := &Run{Config: cfg}
	if ds == nil || ds.Len() == 0 {
		r.Err = errors.New("simclr: the dataset is empty: load one with data.FashionMNIST() or data.LoadIDX")
		return r
	}
	r.shape = ds.Shape()
	if err := r.Config.fill(r.shape); err != nil {
		r.Err = err
		return r
	}
	if ds.Len() < 2 {
		r.Err = fmt.Errorf("simclr: %d image: NT-Xent needs at least 2", ds.Len())
		return r
	}
	if err := r.build(); err != nil {
		r.Err = err
	}
	return r
}

func (r *Run) build() error {
	c := r.Config
	switch c.Encoder {
	case "convnet-s":
		widths := []int{32, 64, c.Width}
		r.Encoder = nn.ConvNetS(nn.ConvNetConfig{InChannels: r.shape[0], Widths: widths, Strides: []int{1, 2, 2}, Seed: c.Seed})
	case "resnet":
		r.Encoder = nn.ResNet(nn.ResNetConfig{InChannels: r.shape[0], Seed: c.Seed})
	default:
		return fmt.Errorf("simclr: unknown Encoder %q: use \"convnet-s\" or \"resnet\"", c.Encoder)
	}
	width := c.Width
	if c.Encoder == "resnet" {
		width = outWidth(r.Encoder, r.shape)
	}
	if c.HeadLayers == 2 {
		r.Head = heads.SimCLRv1(width, c.HeadHidden, c.ProjDim, true, c.Seed)
	} else {
		r.Head = heads.SimCLRv2(width, c.HeadHidden, c.ProjDim, c.HeadLayers, c.Seed).Keep(c.HeadLayers)
	}
	r.model = nn.NewSequential(nn.Named("encoder", r.Encoder), nn.Named("head", r.Head))
	var opt nn.Optimizer
	if c.Optimizer == "lars" {
		opt = nn.NewLARS(r.model.Params(), nn.LARSOptions{LR: c.LR, WeightDecay: c.WeightDecay, Momentum: 0.9})
	} else {
		opt = nn.NewAdam(r.model.Params(), nn.AdamOptions{LR: c.LR, WeightDecay: c.WeightDecay})
	}
	r.Trainer = nn.NewTrainer(r.model, opt)
	return nil
}

// outWidth runs one image through enc to learn its output dimension.
func outWidth(enc *nn.Sequential, shape []int) int {
	x := nn.New(append([]int{2}, shape...)...)
	return enc.Forward(x, false).Cols()
}

// Continue trains for more epochs (after an interrupt, or to go further);
// Err is updated.
func (r *Run) Continue(ds *data.Dataset, epochs int) *Run {
	if r.Trainer == nil {
		if r.Err == nil {
			r.Err = errors.New("simclr: this Run has no model; start with simclr.Train or simclr.New")
		}
		return r
	}
	if ds == nil || ds.Len() < 2 {
		r.Err = errors.New("simclr: Continue needs a dataset of at least 2 images")
		return r
	}
	if epochs < 0 {
		r.Err = fmt.Errorf("simclr: Continue(ds, %d): epochs must not be negative", epochs)
		return r
	}
	if got := ds.Shape(); !equal(got, r.shape) {
		r.Err = fmt.Errorf("simclr: the dataset holds items of shape %v, the run was trained on %v", got, r.shape)
		return r
	}
	c := r.Config
	r.trained += epochs
	var sched nn.Schedule
	if c.Warmup > 0 || c.Optimizer == "lars" {
		sched = nn.Cosine(c.Warmup*stepsPerEpoch(ds.Len(), c.BatchSize), 0)
	}
	inputs := func(idx []int) *nn.Tensor {
		if r.batch == nil || r.batch.Rows() != len(idx) {
			r.batch = nn.New(append([]int{len(idx)}, r.shape...)...)
			r.views = nn.New(append([]int{2 * len(idx)}, r.shape...)...)
		}
		ds.BatchInto(r.batch, idx)
		return augment.ViewsInto(r.views, r.batch, c.Augment.Apply, 2, c.Seed<<32+uint64(r.Trainer.Step))
	}
	lossFn := func(z *nn.Tensor, _ []int) (float64, *nn.Tensor) {
		if r.grad == nil || len(r.grad.Data) != len(z.Data) {
			r.grad = nn.New(z.Shape...)
		}
		return r.ws.NTXent(r.grad, z, c.Temperature), r.grad
	}
	r.Err = r.Trainer.Fit(inputs, lossFn, nn.FitOptions{
		N: ds.Len(), BatchSize: c.BatchSize, Epochs: r.trained, Seed: c.Seed,
		Schedule: sched, Label: "SimCLR", Quiet: c.Quiet,
	})
	return r
}

func stepsPerEpoch(n, b int) int { return max(1, (n+b-1)/b) }

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Embed returns the frozen encoder's features of every image in ds,
// [ds.Len(), Width], in eval mode. On error (no model, wrong shape,
// interrupt) it returns nil and sets Err.
func (r *Run) Embed(ds *data.Dataset) *nn.Tensor {
	z, err := r.EmbedErr(ds)
	if err != nil {
		r.Err = err
		return nil
	}
	return z
}

// EmbedErr is Embed returning its error.
func (r *Run) EmbedErr(ds *data.Dataset) (*nn.Tensor, error) {
	if r.Encoder == nil {
		return nil, errors.New("simclr: this Run has no model; start with simclr.Train or simclr.New")
	}
	if ds == nil || ds.Len() == 0 {
		return nil, errors.New("simclr: Embed needs a non-empty dataset")
	}
	if got := ds.Shape(); !equal(got, r.shape) {
		return nil, fmt.Errorf("simclr: the dataset holds items of shape %v, the encoder expects %v", got, r.shape)
	}
	inputs := func(idx []int) *nn.Tensor { return ds.Batch(idx) }
	return nn.Embed(r.Encoder, inputs, ds.Len(), 512)
}

// Losses returns the loss of every step so far.
func (r *Run) Losses() []float64 {
	if r.Trainer == nil {
		return nil
	}
	return r.Trainer.Losses()
}
