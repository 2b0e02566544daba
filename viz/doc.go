// Package viz draws the figures of contrastive representation learning
// with gonum.org/v1/plot: t-SNE maps and scatter plots, positive/negative
// similarity histograms, training curves, augmentation previews,
// nearest-neighbour retrieval grids, similarity heatmaps and MoCHi
// hardness histograms.
//
// # A figure is a value
//
// Every function returns a *Figure. Returned as the last expression of a
// notebook cell it shows inline: it implements display.Renderer with an
// image/png bundle (image/svg+xml after AsSVG) and a text/plain
// description such as "<Figure: t-SNE, 10000 points, 10 classes, KL
// 1.234>"; in the REPL the front end writes it to a file; in a rendered
// report it is embedded. Save writes PNG, SVG, PDF or JPEG by the file's
// extension, atomically. SVG and PDF embed their fonts (Liberation Sans,
// shipped with gonum/plot), so they look the same on every machine.
//
//	viz.TSNE(z, test.Labels, data.FashionMNISTClasses...)
//	viz.SimilarityHist(z, test.Labels)
//	viz.Curves(viz.Curve("loss", run.Loss).Smooth(0.9)).LogY()
//	viz.Retrieval(test.Images, z, test.Labels, nil, 8).Save("retrieval.pdf")
//
// Size (inches), Pixels, WithDPI, AsSVG and WithTitle adjust a figure and
// return it, so they chain. Plots exposes the gonum plots for anything
// else.
//
// # Errors
//
// Constructors never panic and never return an error value: bad input
// (mismatched lengths, empty data, NaN or Inf, a wrong tensor shape) gives
// a Figure that carries the error, so that a cell shows one line saying
// what was wrong ("viz.Scatter: 9 labels for 10 points; pass one label per
// point (or nil)"). Render, PNG, SVG and Save return that error; Err
// reports it. A panic inside gonum/plot while drawing is returned as an
// error too.
//
// # Shapes and conventions
//
// Embeddings are nn.Tensor [N, D] (any rank >= 2 is read as N rows);
// labels are []int, one per row, any integers (negative ones, such as
// SpCL's outliers, are grey). Class names are optional: classNames[l]
// names label l, missing names show the number, so nil gives "0".."9".
// Images are [N, C, H, W] (C = 1 or 3) or [N, H, W] with values in [0, 1];
// a batch outside [0, 1] is rescaled as a whole and the description says
// so. Inputs are never modified; a Curve keeps a reference to its values
// until rendered.
//
// Classes take the Tableau 10 colours (Palette); classes 10 and up cycle
// them with square, triangle and diamond markers.
//
// # Speed
//
// Point clouds are rasterised directly (antialiased, alpha-blended markers
// stamped into one image per plot) instead of one vector path per point:
// a 70,000-point scatter renders to PNG in about 0.1 s where gonum/plot's
// plotter.Scatter takes over a second (BenchmarkScatter70k,
// BenchmarkGonumScatter70k; `contrast bench scatter` compares with
// matplotlib). SVG and PDF keep vector markers up to 20,000 points and
// embed larger clouds as a 192-pixel-per-inch image. PNGs use zlib's
// fastest level.
//
// # Similarity histograms
//
// SimilarityHist takes the cosine similarity of L2-normalised rows for
// positive pairs (same label) and negative pairs (different labels); with
// N samples there are about N²/2 pairs, so each kind is used whole up to
// DefaultMaxPairs (200,000) and sampled uniformly beyond, with a fixed
// seed. Stats gives the means, the AUC (the probability that a positive
// pair is more similar than a negative one, exact via the Mann-Whitney
// statistic) and the overlap coefficient of the two density histograms.
// They read as the alignment of Wang & Isola (arXiv 2005.10242) and the
// hardness analysis of MoCHi (Kalantidis et al., arXiv 2010.01028).
//
// All functions are safe for concurrent use on distinct figures; a Figure
// itself must not be rendered from two goroutines at once.
package viz
