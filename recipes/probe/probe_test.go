package probe

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/recipes/nn"
)

// Tolerances against scikit-learn / PyTorch float64 values.
const (
	accTol       = 1e-12 // accuracies are ratios of counts: exact
	geometryTol  = 1e-5  // float32 features, float64 reductions
	retrievalTol = 1e-6
	scoreTol     = 1e-12 // NMI, ARI from integer counts
	coefTol      = 2e-3  // linear probe weights, L-BFGS to a gradient of 1e-7
)

type tensorJSON struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

func (t tensorJSON) tensor() *nn.Tensor {
	return nn.FromSlice(append([]float32(nil), t.Data...), t.Shape...)
}

type retrievalJSON struct {
	MAP     float64   `json:"map"`
	CMC     []float64 `json:"cmc"`
	Queries int       `json:"queries"`
}

type vectors struct {
	KNN struct {
		Train, Test             tensorJSON
		TrainLabels, TestLabels []int
		Cases                   []struct {
			K           int
			Temperature float64
			Pred        []int
			Top1, Top5  float64
		}
	}
	Linear struct {
		Train, Test             tensorJSON
		TrainLabels, TestLabels []int
		Cases                   []struct {
			C, WeightDecay    float64
			Coef, Intercept   []float64
			Pred              []int
			TestAcc, TrainAcc float64
		}
	}
	Geometry struct {
		Z                              tensorJSON
		Align2, Align1                 float64
		UniformX, UniformY, UniformXT1 float64
		CollapseStd                    float64
	}
	Retrieval struct {
		Query, Gallery             tensorJSON
		QueryLabels, GalleryLabels []int
		QueryCams, GalleryCams     []int
		Plain, Cams, SameSet       retrievalJSON
		Ties                       []struct {
			Scores []float64
			Truth  []int
			AP     float64
		}
	}
	Clustering []struct {
		A, B     []int
		NMI, ARI float64
	}
	Confusion struct {
		Truth, Pred []int
		Matrix      [][]int
	}
}

func load(t *testing.T) *vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatalf("reading test vectors (regenerate with /usr/bin/python3 testdata/gen_vectors.py): %v", err)
	}
	var v vectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding testdata/vectors.json: %v", err)
	}
	if len(v.KNN.Cases) == 0 || len(v.Linear.Cases) == 0 || len(v.Clustering) == 0 {
		t.Fatal("testdata/vectors.json is missing cases")
	}
	return &v
}

func TestKNNMatchesReference(t *testing.T) {
	v := load(t)
	train, test := v.KNN.Train.tensor(), v.KNN.Test.tensor()
	for _, c := range v.KNN.Cases {
		r, err := KNNWith(train, v.KNN.TrainLabels, test, v.KNN.TestLabels, KNNConfig{K: c.K, Temperature: c.Temperature})
		if err != nil {
			t.Fatal(err)
		}
		for i := range r.Pred {
			if r.Pred[i] != c.Pred[i] {
				t.Errorf("k=%d T=%v: test row %d predicted %d, want %d (NumPy)", c.K, c.Temperature, i, r.Pred[i], c.Pred[i])
				break
			}
		}
		if math.Abs(r.Top1-c.Top1) > accTol || math.Abs(r.Top5-c.Top5) > accTol {
			t.Errorf("k=%d T=%v: top-1 %v top-5 %v, want %v %v", c.K, c.Temperature, r.Top1, r.Top5, c.Top1, c.Top5)
		}
	}
}

func TestLinearMatchesScikitLearn(t *testing.T) {
	v := load(t)
	train, test := v.Linear.Train.tensor(), v.Linear.Test.tensor()
	for _, c := range v.Linear.Cases {
		cfg := LinearConfig{WeightDecay: c.WeightDecay, MaxIter: 5000, Tol: 1e-7}
		r, err := LinearWith(train, v.Linear.TrainLabels, test, v.Linear.TestLabels, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("C=%v: %v", c.C, r)
		// Same optimum: the weights agree, and the intercepts up to their
		// common shift (softmax is invariant to it; neither is penalised).
		scale := 0.0
		for _, w := range c.Coef {
			scale = math.Max(scale, math.Abs(w))
		}
		for i, w := range c.Coef {
			if e := math.Abs(float64(r.Probe.W.Data[i])-w) / scale; e > coefTol {
				t.Errorf("C=%v: weight %d got %.6g want %.6g (scikit-learn), relative error %.2g", c.C, i, r.Probe.W.Data[i], w, e)
				break
			}
		}
		var mg, mw float64
		for i, b := range c.Intercept {
			mg += float64(r.Probe.B[i])
			mw += b
		}
		mg /= float64(len(c.Intercept))
		mw /= float64(len(c.Intercept))
		for i, b := range c.Intercept {
			if e := math.Abs((float64(r.Probe.B[i])-mg)-(b-mw)) / scale; e > coefTol {
				t.Errorf("C=%v: centred intercept %d got %.6g want %.6g", c.C, i, float64(r.Probe.B[i])-mg, b-mw)
			}
		}
		pred, _ := r.Probe.Predict(test)
		diff := 0
		for i := range pred {
			if pred[i] != c.Pred[i] {
				diff++
			}
		}
		if diff > 1 {
			t.Errorf("C=%v: %d test predictions differ from scikit-learn's", c.C, diff)
		}
		if math.Abs(r.TestAcc-c.TestAcc) > 1.0/float64(len(pred))+accTol {
			t.Errorf("C=%v: test accuracy got %v want %v (scikit-learn)", c.C, r.TestAcc, c.TestAcc)
		}
	}
}

func TestGeometryMatchesPyTorch(t *testing.T) {
	v := load(t)
	g := v.Geometry
	z := g.Z.tensor()
	b, d := z.Rows()/2, z.Cols()
	x, y := nn.FromSlice(z.Data[:b*d], b, d), nn.FromSlice(z.Data[b*d:], b, d)
	check := func(name string, got, want float64, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > geometryTol*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: got %.8g want %.8g (PyTorch)", name, got, want)
		}
	}
	a2, err := Alignment(x, y, 2)
	check("alignment alpha=2", a2, g.Align2, err)
	a1, err := Alignment(x, y, 1)
	check("alignment alpha=1", a1, g.Align1, err)
	ux, err := Uniformity(x, 2)
	check("uniformity x", ux, g.UniformX, err)
	u1, err := Uniformity(x, 1)
	check("uniformity x t=1", u1, g.UniformXT1, err)
	al, un, err := AlignUniform(z)
	check("AlignUniform align", al, g.Align2, err)
	check("AlignUniform uniform", un, (g.UniformX+g.UniformY)/2, err)
	s, ref, err := CollapseStd(z)
	check("collapse std", s, g.CollapseStd, err)
	if math.Abs(ref-1/math.Sqrt(float64(d))) > 1e-15 {
		t.Errorf("collapse reference: got %v want 1/sqrt(%d)", ref, d)
	}
}

func TestRetrievalMatchesScikitLearn(t *testing.T) {
	v := load(t)
	r := v.Retrieval
	q, g := r.Query.tensor(), r.Gallery.tensor()
	cases := []struct {
		name string
		got  func() (*RetrievalResult, error)
		want retrievalJSON
	}{
		{"plain", func() (*RetrievalResult, error) {
			return Retrieval(q, r.QueryLabels, g, r.GalleryLabels, RetrievalConfig{})
		}, r.Plain},
		{"cameras", func() (*RetrievalResult, error) {
			return Retrieval(q, r.QueryLabels, g, r.GalleryLabels, RetrievalConfig{QueryCams: r.QueryCams, GalleryCams: r.GalleryCams})
		}, r.Cams},
		{"same set", func() (*RetrievalResult, error) {
			return Retrieval(g, r.GalleryLabels, g, r.GalleryLabels, RetrievalConfig{TopK: 5, SameSet: true})
		}, r.SameSet},
	}
	for _, c := range cases {
		res, err := c.got()
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(res.MAP-c.want.MAP) > retrievalTol || res.Queries != c.want.Queries {
			t.Errorf("%s: mAP %.8g over %d queries, want %.8g over %d", c.name, res.MAP, res.Queries, c.want.MAP, c.want.Queries)
		}
		for k := range c.want.CMC {
			if math.Abs(res.CMC[k]-c.want.CMC[k]) > retrievalTol {
				t.Errorf("%s: CMC top-%d got %v want %v", c.name, k+1, res.CMC[k], c.want.CMC[k])
			}
		}
	}
	for i, c := range r.Ties {
		ranked := make([]scored, len(c.Scores))
		labels := make([]int, len(c.Scores))
		for j, s := range c.Scores {
			ranked[j] = scored{float32(s), int32(j)}
			labels[j] = c.Truth[j]
		}
		sortDesc(ranked)
		ap, _ := averagePrecision(ranked, labels, 1)
		if math.Abs(ap-c.AP) > retrievalTol {
			t.Errorf("ties %d: AP got %.8g want %.8g (scikit-learn)", i, ap, c.AP)
		}
	}
}

func sortDesc(s []scored) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && (s[j].v > s[j-1].v || (s[j].v == s[j-1].v && s[j].i < s[j-1].i)); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestClusteringScoresMatchScikitLearn(t *testing.T) {
	v := load(t)
	for i, c := range v.Clustering {
		nmi, err := NMI(c.A, c.B)
		if err != nil {
			t.Fatal(err)
		}
		ari, err := ARI(c.A, c.B)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(nmi-c.NMI) > scoreTol || math.Abs(ari-c.ARI) > scoreTol {
			t.Errorf("case %d: NMI %.15g ARI %.15g, want %.15g %.15g (scikit-learn)", i, nmi, ari, c.NMI, c.ARI)
		}
	}
}

func TestConfusionMatchesScikitLearn(t *testing.T) {
	v := load(t)
	m, err := ConfusionMatrix(v.Confusion.Truth, v.Confusion.Pred, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range v.Confusion.Matrix {
		for j, want := range row {
			if m.Counts[i][j] != want {
				t.Fatalf("count (%d, %d): got %d want %d (scikit-learn)", i, j, m.Counts[i][j], want)
			}
		}
	}
	if !strings.Contains(m.HTML(), "<table") || !strings.Contains(m.String(), "accuracy") {
		t.Errorf("rendering: HTML %q..., text %q...", m.HTML()[:20], m.String()[:20])
	}
	b, err := display.Of(m)
	if err != nil || b[display.MIMEHTML] == nil {
		t.Errorf("display.Of(confusion): %v, types %v", err, b.MIMETypes())
	}
}

func TestBadInputs(t *testing.T) {
	x := nn.New(4, 3)
	for i := range x.Data {
		x.Data[i] = float32(i%5) + 1
	}
	if _, err := KNN(x, []int{0, 1, 2}, x, nil); err == nil {
		t.Error("KNN with 3 labels for 4 rows: got no error")
	}
	if _, err := KNN(x, []int{0, 1, -2, 1}, x, nil); err == nil {
		t.Error("KNN with a negative label: got no error")
	}
	if _, err := KNN(x, []int{0, 1, 0, 1}, nn.New(2, 5), nil); err == nil {
		t.Error("KNN with mismatched dimensions: got no error")
	}
	nan := x.Clone()
	nan.Data[2] = float32(math.NaN())
	if _, err := TrainLinear(nan, []int{0, 1, 0, 1}, DefaultLinear()); err == nil {
		t.Error("TrainLinear on NaN features: got no error")
	}
	if _, err := TrainLinear(x, []int{0, 0, 0, 0}, DefaultLinear()); err == nil {
		t.Error("TrainLinear with one class: got no error")
	}
	if _, err := NMI([]int{1, 2}, []int{1}); err == nil {
		t.Error("NMI of labellings of different lengths: got no error")
	}
	if _, err := Retrieval(x, []int{0, 1, 2, 3}, x, []int{5, 6, 7, 8}, RetrievalConfig{}); err == nil {
		t.Error("Retrieval without any match: got no error")
	}
}

func TestInterrupted(t *testing.T) {
	v := load(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	defer display.Bind(ctx, nil)()
	train, test := v.KNN.Train.tensor(), v.KNN.Test.tensor()
	if _, err := KNN(train, v.KNN.TrainLabels, test, v.KNN.TestLabels); err == nil {
		t.Error("KNN: got no error when interrupted")
	}
	if _, err := TrainLinear(train, v.KNN.TrainLabels, DefaultLinear()); err == nil {
		t.Error("TrainLinear: got no error when interrupted")
	}
	if _, err := Uniformity(train, 2); err == nil {
		t.Error("Uniformity: got no error when interrupted")
	}
}

// TestImagesAreRows pins that a tensor of images [N, C, H, W] is read as N
// rows, the raw-pixel baseline a cell asks for with
// probe.KNN(train.Images(), ...): same answers as the flattened [N, D].
func TestImagesAreRows(t *testing.T) {
	v := load(t)
	train, test := v.KNN.Train.tensor(), v.KNN.Test.tensor()
	d := train.Cols()
	if d%2 != 0 {
		t.Fatalf("test vectors of odd dimension %d", d)
	}
	as4D := func(x *nn.Tensor) *nn.Tensor { return nn.FromSlice(x.Data, x.Rows(), 1, 2, d/2) }
	flat, err := KNN(train, v.KNN.TrainLabels, test, v.KNN.TestLabels)
	if err != nil {
		t.Fatal(err)
	}
	img, err := KNN(as4D(train), v.KNN.TrainLabels, as4D(test), v.KNN.TestLabels)
	if err != nil {
		t.Fatal(err)
	}
	if img.Top1 != flat.Top1 || img.Top5 != flat.Top5 {
		t.Errorf("KNN on [N, 1, 2, %d]: top-1 %v top-5 %v; on [N, %d]: %v %v", d/2, img.Top1, img.Top5, d, flat.Top1, flat.Top5)
	}
	lin, err := Linear(as4D(train), v.KNN.TrainLabels, as4D(test), v.KNN.TestLabels)
	if err != nil {
		t.Fatalf("Linear on images: %v", err)
	}
	if lin.Probe.W.Cols() != d {
		t.Errorf("Linear on images: weights %v, want [C, %d]", lin.Probe.W.Shape, d)
	}
	if _, err := KNN(nn.New(4), []int{0, 1, 0, 1}, nn.New(4), nil); err == nil || !strings.Contains(err.Error(), "[N, D]") {
		t.Errorf("KNN of a 1-D tensor: error %v, want one naming the shape", err)
	}
}
