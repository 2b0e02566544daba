package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gocontrast/contrast/viz/tsne"
)

// The readers and writers below (.npy, .csv, IDX) are minimal local ones:
// recipes/data will own the project's loaders; this command can switch to
// them once they are on main.

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
	fs.StringVar(&o.png, "png", "", "optional scatter plot (2-D embeddings only)")
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
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
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
	if err := writeNPYFloat32(o.out, res.Float32(), res.N, res.Dims); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "t-SNE of %d x %d: %s repulsion, %s neighbours (k=%d, perplexity %.4g), %d iterations, KL %.4f, %.1fs (affinities %.1fs)\n",
		n, d, res.Method, res.Neighbors, res.K, res.Perplexity, res.Iterations, res.KL, elapsed.Seconds(), res.AffinityTime.Seconds())
	fmt.Fprintf(stdout, "wrote %s\n", o.out)
	if o.png != "" {
		if err := scatterPNG(o.png, res.Y, labels, fmt.Sprintf("t-SNE of %s (KL %.3f)", filepath.Base(o.in), res.KL)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", o.png)
	}
	return nil
}

// scatterPNG draws a 2-D embedding as a scatter plot coloured by label
// (one colour when labels is nil) and writes it atomically as PNG.
func scatterPNG(path string, y []float64, labels []int, title string) error {
	p := plot.New()
	p.Title.Text = title
	p.HideAxes()
	groups := map[int]plotter.XYs{}
	var keys []int
	for i := 0; i < len(y)/2; i++ {
		l := 0
		if labels != nil {
			l = labels[i]
		}
		if _, ok := groups[l]; !ok {
			keys = append(keys, l)
		}
		groups[l] = append(groups[l], plotter.XY{X: y[2*i], Y: y[2*i+1]})
	}
	sortInts(keys)
	radius := vg.Points(1.2)
	if len(y)/2 > 20000 {
		radius = vg.Points(0.6)
	}
	for gi, l := range keys {
		s, err := plotter.NewScatter(groups[l])
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		s.GlyphStyle.Radius = radius
		s.GlyphStyle.Color = paletteColor(gi)
		p.Add(s)
		if labels != nil && len(keys) <= 20 {
			p.Legend.Add(strconv.Itoa(l), s)
		}
	}
	p.Legend.Top = true
	w, err := p.WriterTo(8*vg.Inch, 8*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return writeFileAtomic(path, buf.Bytes())
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// paletteColor is the Tableau 10 palette, repeated.
func paletteColor(i int) color.Color {
	tab := []color.RGBA{
		{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
		{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
		{188, 189, 34, 255}, {23, 190, 207, 255},
	}
	return tab[i%len(tab)]
}

// writeFileAtomic writes data to a temporary file beside path, syncs it
// and renames it over path.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// writeNPYFloat32 writes an n x d float32 array in .npy format (version 1).
func writeNPYFloat32(path string, x []float32, n, d int) error {
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", n, d)
	// Pad so that magic(6)+version(2)+len(2)+header+\n is a multiple of 64.
	total := 10 + len(header) + 1
	header += strings.Repeat(" ", (64-total%64)%64) + "\n"
	var buf bytes.Buffer
	buf.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&buf, binary.LittleEndian, uint16(len(header)))
	buf.WriteString(header)
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	buf.Write(b)
	return writeFileAtomic(path, buf.Bytes())
}

// array is a numeric array read from a file: values as float64, shape.
type array struct {
	data  []float64
	shape []int
	ints  bool // the file's type was integral
}

// readArray reads .npy, .csv or IDX (by extension; IDX may be gzipped).
func readArray(path string) (*array, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(raw) >= 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("%s: gunzip: %w", path, err)
		}
	}
	var a *array
	switch {
	case bytes.HasPrefix(raw, []byte("\x93NUMPY")):
		a, err = parseNPY(raw)
	case strings.HasSuffix(strings.TrimSuffix(path, ".gz"), ".csv"):
		a, err = parseCSV(raw)
	case len(raw) >= 4 && raw[0] == 0 && raw[1] == 0:
		a, err = parseIDX(raw)
	default:
		err = errors.New("unknown format; want .npy, .csv or IDX (optionally gzipped)")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// readMatrix reads a data file as n x d float32 (IDX images and higher
// .npy ranks are flattened after the first axis).
func readMatrix(path string) ([]float32, int, int, error) {
	a, err := readArray(path)
	if err != nil {
		return nil, 0, 0, err
	}
	if len(a.shape) < 1 || a.shape[0] == 0 {
		return nil, 0, 0, fmt.Errorf("%s: no rows", path)
	}
	n := a.shape[0]
	d := 1
	for _, s := range a.shape[1:] {
		d *= s
	}
	x := make([]float32, len(a.data))
	for i, v := range a.data {
		x[i] = float32(v)
	}
	return x, n, d, nil
}

// readLabels reads integer labels: a 1-D array or a single column.
func readLabels(path string) ([]int, error) {
	a, err := readArray(path)
	if err != nil {
		return nil, err
	}
	if len(a.shape) > 2 || (len(a.shape) == 2 && a.shape[1] != 1) {
		return nil, fmt.Errorf("%s: labels must be one column, got shape %v", path, a.shape)
	}
	out := make([]int, len(a.data))
	for i, v := range a.data {
		if v != math.Trunc(v) || math.Abs(v) > 1<<31 {
			return nil, fmt.Errorf("%s: label %d is %v, not an integer", path, i, v)
		}
		out[i] = int(v)
	}
	return out, nil
}

var npyShape = regexp.MustCompile(`'shape':\s*\(([^)]*)\)`)
var npyDescr = regexp.MustCompile(`'descr':\s*'([^']*)'`)
var npyFortran = regexp.MustCompile(`'fortran_order':\s*(True|False)`)

func parseNPY(raw []byte) (*array, error) {
	if len(raw) < 10 {
		return nil, errors.New("truncated .npy header")
	}
	var hlen, off int
	switch raw[6] {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(raw[8:10])), 10
	case 2, 3:
		if len(raw) < 12 {
			return nil, errors.New("truncated .npy header")
		}
		hlen, off = int(binary.LittleEndian.Uint32(raw[8:12])), 12
	default:
		return nil, fmt.Errorf("unsupported .npy version %d", raw[6])
	}
	if off+hlen > len(raw) {
		return nil, errors.New("truncated .npy header")
	}
	header := string(raw[off : off+hlen])
	body := raw[off+hlen:]
	dm := npyDescr.FindStringSubmatch(header)
	sm := npyShape.FindStringSubmatch(header)
	fm := npyFortran.FindStringSubmatch(header)
	if dm == nil || sm == nil || fm == nil {
		return nil, fmt.Errorf("malformed .npy header %q", header)
	}
	var shape []int
	for _, f := range strings.Split(sm[1], ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("bad .npy shape %q", sm[1])
		}
		shape = append(shape, v)
	}
	count := 1
	for _, s := range shape {
		count *= s
	}
	descr := dm[1]
	var order binary.ByteOrder = binary.LittleEndian
	if strings.HasPrefix(descr, ">") {
		order = binary.BigEndian
	}
	kind := strings.TrimLeft(descr, "<>|=")
	size, err := strconv.Atoi(kind[1:])
	if err != nil || len(kind) < 2 {
		return nil, fmt.Errorf("unsupported .npy dtype %q", descr)
	}
	if len(body) < count*size {
		return nil, fmt.Errorf(".npy data truncated: %d bytes for %d values of %d bytes", len(body), count, size)
	}
	a := &array{data: make([]float64, count), shape: shape}
	for i := range count {
		b := body[i*size : (i+1)*size]
		var v float64
		switch {
		case kind == "f4":
			v = float64(math.Float32frombits(order.Uint32(b)))
		case kind == "f8":
			v = math.Float64frombits(order.Uint64(b))
		case kind == "i1":
			v, a.ints = float64(int8(b[0])), true
		case kind == "u1", kind == "b1":
			v, a.ints = float64(b[0]), true
		case kind == "i2":
			v, a.ints = float64(int16(order.Uint16(b))), true
		case kind == "u2":
			v, a.ints = float64(order.Uint16(b)), true
		case kind == "i4":
			v, a.ints = float64(int32(order.Uint32(b))), true
		case kind == "u4":
			v, a.ints = float64(order.Uint32(b)), true
		case kind == "i8":
			v, a.ints = float64(int64(order.Uint64(b))), true
		case kind == "u8":
			v, a.ints = float64(order.Uint64(b)), true
		default:
			return nil, fmt.Errorf("unsupported .npy dtype %q (want float32/64 or integers)", descr)
		}
		a.data[i] = v
	}
	if fm[1] == "True" && len(shape) == 2 {
		r, c := shape[0], shape[1]
		t := make([]float64, count)
		for i := range r {
			for j := range c {
				t[i*c+j] = a.data[j*r+i]
			}
		}
		a.data = t
	} else if fm[1] == "True" && len(shape) > 2 {
		return nil, errors.New("Fortran-ordered .npy arrays of rank > 2 are not supported; save with np.ascontiguousarray")
	}
	return a, nil
}

func parseCSV(raw []byte) (*array, error) {
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	a := &array{ints: true}
	cols := -1
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		fields := strings.Split(text, ",")
		vals := make([]float64, len(fields))
		ok := true
		for i, f := range fields {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				ok = false
				break
			}
			vals[i] = v
			if v != math.Trunc(v) {
				a.ints = false
			}
		}
		if !ok {
			if cols == -1 && len(a.data) == 0 && line == 1 {
				continue // header
			}
			return nil, fmt.Errorf("line %d: not a number in %q", line, text)
		}
		if cols == -1 {
			cols = len(vals)
		} else if len(vals) != cols {
			return nil, fmt.Errorf("line %d has %d columns, earlier lines %d", line, len(vals), cols)
		}
		a.data = append(a.data, vals...)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if cols <= 0 {
		return nil, errors.New("no numeric rows")
	}
	a.shape = []int{len(a.data) / cols, cols}
	if cols == 1 {
		a.shape = a.shape[:1]
	}
	return a, nil
}

func parseIDX(raw []byte) (*array, error) {
	typ, nd := raw[2], int(raw[3])
	if len(raw) < 4+4*nd {
		return nil, errors.New("truncated IDX header")
	}
	shape := make([]int, nd)
	count := 1
	for i := range nd {
		shape[i] = int(binary.BigEndian.Uint32(raw[4+4*i:]))
		count *= shape[i]
	}
	body := raw[4+4*nd:]
	sizes := map[byte]int{0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8}
	size, ok := sizes[typ]
	if !ok {
		return nil, fmt.Errorf("unknown IDX type 0x%02x", typ)
	}
	if len(body) < count*size {
		return nil, fmt.Errorf("IDX data truncated: %d bytes for %d values", len(body), count)
	}
	a := &array{data: make([]float64, count), shape: shape, ints: typ <= 0x0C}
	for i := range count {
		b := body[i*size:]
		switch typ {
		case 0x08:
			a.data[i] = float64(b[0])
		case 0x09:
			a.data[i] = float64(int8(b[0]))
		case 0x0B:
			a.data[i] = float64(int16(binary.BigEndian.Uint16(b)))
		case 0x0C:
			a.data[i] = float64(int32(binary.BigEndian.Uint32(b)))
		case 0x0D:
			a.data[i] = float64(math.Float32frombits(binary.BigEndian.Uint32(b)))
		case 0x0E:
			a.data[i] = math.Float64frombits(binary.BigEndian.Uint64(b))
		}
	}
	return a, nil
}
