package viz

import (
	"errors"
	"fmt"

	"gonum.org/v1/plot"

	"github.com/gocontrast/contrast/recipes/nn"
	"github.com/gocontrast/contrast/viz/tsne"
)

// TSNEOptions tunes TSNEWith.
type TSNEOptions struct {
	// Config is passed to tsne.Embed; its zero value gives openTSNE's
	// defaults (perplexity 30, 750 iterations, PCA initialisation, seed
	// 0). Dims must be 0 or 2.
	Config tsne.Config
	// ClassNames names the labels in the legend (nil: the numbers).
	ClassNames []string
	// Quiet hides the progress bar that TSNE otherwise shows.
	Quiet bool
}

// TSNE embeds z ([N, D], for instance a model's test-set embeddings) in two
// dimensions with t-SNE (van der Maaten & Hinton 2008; see package
// viz/tsne, which follows openTSNE) and draws it as a Scatter coloured by
// labels, naming classes with classNames (nil: the numbers "0".."9").
// It shows a progress bar while it works and stops when the cell is
// interrupted. Figure.Points returns the 2-D embedding, so it can be
// recoloured with Scatter without running t-SNE again.
func TSNE(z *nn.Tensor, labels []int, classNames ...string) *Figure {
	return TSNEWith(z, labels, TSNEOptions{ClassNames: classNames})
}

// TSNEWith is TSNE with options.
func TSNEWith(z *nn.Tensor, labels []int, opt TSNEOptions) *Figure {
	const who = "viz.TSNE"
	if z == nil {
		return errFigure("%s: embeddings tensor is nil", who)
	}
	if len(z.Shape) < 2 {
		return errFigure("%s: embeddings have shape %v; want [N, D]", who, z.Shape)
	}
	n, d := z.Rows(), z.Cols()
	if n*d != len(z.Data) {
		return errFigure("%s: embeddings have shape %v but %d values", who, z.Shape, len(z.Data))
	}
	if labels != nil && len(labels) != n {
		return errFigure("%s: %d labels for %d embeddings; pass one label per row (or nil)", who, len(labels), n)
	}
	cfg := opt.Config
	if cfg.Dims != 0 && cfg.Dims != 2 {
		return errFigure("%s: Config.Dims is %d; the plot is 2-D, so leave it 0 or set 2", who, cfg.Dims)
	}
	cfg.Dims = 2
	if !opt.Quiet {
		cfg.Progress = true
	}
	res, err := tsne.Embed(z.Data, n, d, cfg)
	if err != nil {
		if errors.Is(err, tsne.ErrInterrupted) {
			return errFigure("%s: interrupted; nothing drawn (%v)", who, err)
		}
		return errFigure("%s: %v", who, err)
	}
	x, y := make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		x[i], y[i] = res.Y[2*i], res.Y[2*i+1]
	}
	f := scatter(who, "t-SNE", x, y, labels, opt.ClassNames)
	if f.err != nil {
		return f
	}
	f.desc += fmt.Sprintf(", KL %.3f", res.KL)
	for _, p := range f.Plots() {
		p.X.Label.Text, p.Y.Label.Text = "t-SNE 1", "t-SNE 2"
		// t-SNE coordinates carry no meaning: no tick labels.
		p.X.Tick.Marker = plot.ConstantTicks(nil)
		p.Y.Tick.Marker = plot.ConstantTicks(nil)
	}
	return f
}

// Points returns the 2-D points of a scatter or t-SNE figure as an [N, 2]
// tensor (a copy), or nil for other figures.
func (f *Figure) Points() *nn.Tensor {
	for _, p := range f.panels {
		if pp, ok := p.(*plotPanel); ok && pp.points != nil {
			pl := pp.points
			t := nn.New(len(pl.x), 2)
			for i := range pl.x {
				t.Data[2*i], t.Data[2*i+1] = float32(pl.x[i]), float32(pl.y[i])
			}
			return t
		}
	}
	return nil
}
