package probe

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// contingency returns the contingency table of two labellings (labels
// mapped to 0..k-1 in order of first appearance) and the class sizes.
func contingency(a, b []int) (table map[[2]int]int, na, nb []int, err error) {
	if len(a) != len(b) {
		return nil, nil, nil, fmt.Errorf("probe: labellings of %d and %d points: give one label per point in both", len(a), len(b))
	}
	ia, ib := map[int]int{}, map[int]int{}
	table = map[[2]int]int{}
	for i := range a {
		x, ok := ia[a[i]]
		if !ok {
			x = len(ia)
			ia[a[i]] = x
			na = append(na, 0)
		}
		y, ok := ib[b[i]]
		if !ok {
			y = len(ib)
			ib[b[i]] = y
			nb = append(nb, 0)
		}
		na[x]++
		nb[y]++
		table[[2]int{x, y}]++
	}
	return table, na, nb, nil
}

func entropy(sizes []int, n int) float64 {
	var h float64
	for _, s := range sizes {
		if s > 0 {
			p := float64(s) / float64(n)
			h -= p * math.Log(p)
		}
	}
	return h
}

// NMI is the normalised mutual information of two labellings with the
// arithmetic mean of their entropies as normaliser, scikit-learn's
// normalized_mutual_info_score default: MI(a, b) / ((H(a) + H(b))/2).
// Labels are arbitrary integers (-1 for noise is a cluster like any
// other). Two labellings with one class each score 1.
func NMI(a, b []int) (float64, error) {
	table, na, nb, err := contingency(a, b)
	if err != nil {
		return 0, err
	}
	n := len(a)
	if (len(na) == 1 && len(nb) == 1) || n == 0 {
		return 1, nil
	}
	var mi float64
	for k, v := range table {
		p := float64(v) / float64(n)
		mi += p * math.Log(float64(v)*float64(n)/(float64(na[k[0]])*float64(nb[k[1]])))
	}
	mi = math.Max(mi, 0)
	norm := (entropy(na, n) + entropy(nb, n)) / 2
	return mi / math.Max(norm, 2.220446049250313e-16), nil
}

// ARI is the adjusted Rand index of two labellings (Hubert and Arabie,
// 1985), computed from the pair confusion matrix as scikit-learn's
// adjusted_rand_score: 1 for identical partitions, about 0 for random ones.
func ARI(a, b []int) (float64, error) {
	table, na, nb, err := contingency(a, b)
	if err != nil {
		return 0, err
	}
	n := len(a)
	if n == 0 || (len(na) == 1 && len(nb) == 1) || (len(na) == n && len(nb) == n) {
		return 1, nil
	}
	var sumSq, sa, sb float64
	for _, v := range table {
		sumSq += float64(v) * float64(v)
	}
	for _, s := range na {
		sa += float64(s) * float64(s)
	}
	for _, s := range nb {
		sb += float64(s) * float64(s)
	}
	nn := float64(n)
	tp := sumSq - nn
	fp := sb - sumSq
	fn := sa - sumSq
	tn := nn*nn - fp - fn - sumSq
	if fn == 0 && fp == 0 {
		return 1, nil
	}
	return 2 * (tp*tn - fn*fp) / ((tp+fn)*(fn+tn) + (tp+fp)*(fp+tn)), nil
}

// Confusion is a confusion matrix: Counts[i][j] is the number of points
// of true class i predicted as class j, as scikit-learn's
// confusion_matrix(labels=range(C)).
type Confusion struct {
	Classes int
	Counts  [][]int
	Names   []string // optional class names for display
}

// ConfusionMatrix counts predictions per true class for classes 0..C-1
// (0 means the largest label + 1).
func ConfusionMatrix(truth, pred []int, classes int) (*Confusion, error) {
	if len(truth) != len(pred) {
		return nil, fmt.Errorf("probe: %d true labels and %d predictions: give one of each per point", len(truth), len(pred))
	}
	c := classes
	for i := range truth {
		if truth[i] < 0 || pred[i] < 0 {
			return nil, fmt.Errorf("probe: label %d or prediction %d of point %d is negative", truth[i], pred[i], i)
		}
		if classes == 0 {
			c = max(c, truth[i]+1, pred[i]+1)
		} else if truth[i] >= classes || pred[i] >= classes {
			return nil, fmt.Errorf("probe: label %d or prediction %d of point %d is outside the %d classes", truth[i], pred[i], i, classes)
		}
	}
	m := &Confusion{Classes: c, Counts: make([][]int, c)}
	for i := range m.Counts {
		m.Counts[i] = make([]int, c)
	}
	for i := range truth {
		m.Counts[truth[i]][pred[i]]++
	}
	return m, nil
}

// Accuracy is the trace over the total.
func (m *Confusion) Accuracy() float64 {
	var hit, all int
	for i, row := range m.Counts {
		for j, v := range row {
			all += v
			if i == j {
				hit += v
			}
		}
	}
	if all == 0 {
		return 0
	}
	return float64(hit) / float64(all)
}

func (m *Confusion) name(i int) string {
	if i < len(m.Names) {
		return m.Names[i]
	}
	return fmt.Sprint(i)
}

// String renders the matrix as aligned text, true classes down, predicted
// across.
func (m *Confusion) String() string {
	w := 1
	for i, row := range m.Counts {
		w = max(w, len(m.name(i)))
		for _, v := range row {
			w = max(w, len(fmt.Sprint(v)))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%*s", w, "")
	for j := 0; j < m.Classes; j++ {
		fmt.Fprintf(&b, " %*s", w, m.name(j))
	}
	b.WriteByte('\n')
	for i, row := range m.Counts {
		fmt.Fprintf(&b, "%*s", w, m.name(i))
		for _, v := range row {
			fmt.Fprintf(&b, " %*d", w, v)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "accuracy %.4f", m.Accuracy())
	return b.String()
}

// HTML renders the matrix as a table whose cells are shaded by their
// share of the row, for notebooks.
func (m *Confusion) HTML() string {
	var b strings.Builder
	b.WriteString(`<table style="border-collapse:collapse;font-family:monospace"><tr><th>true \ pred</th>`)
	for j := 0; j < m.Classes; j++ {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(m.name(j)))
	}
	b.WriteString("</tr>")
	for i, row := range m.Counts {
		total := 0
		for _, v := range row {
			total += v
		}
		fmt.Fprintf(&b, "<tr><th>%s</th>", html.EscapeString(m.name(i)))
		for _, v := range row {
			a := 0.0
			if total > 0 {
				a = float64(v) / float64(total)
			}
			fmt.Fprintf(&b, `<td style="padding:2px 6px;text-align:right;background:rgba(31,119,180,%.2f)">%d</td>`, a, v)
		}
		b.WriteString("</tr>")
	}
	fmt.Fprintf(&b, "</table><p>accuracy %.4f</p>", m.Accuracy())
	return b.String()
}
