package viz

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// niceTicks is a plot.Ticker with about n labelled ticks at steps of 1, 2,
// 2.5 or 5 times a power of ten, and unlabelled minor ticks between them.
// gonum/plot's DefaultTicks aims at 3 labels, too few to read values off
// a histogram.
type niceTicks struct{ n int }

func (t niceTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || !finite(min) || !finite(max) {
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	n := t.n
	if n < 2 {
		n = 5
	}
	raw := (max - min) / float64(n)
	mag := math.Floor(math.Log10(raw))
	pow := math.Pow(10, mag)
	step, minor := 10*pow, 5
	for _, m := range []struct {
		s     float64
		minor int
	}{{1, 5}, {2, 4}, {2.5, 5}, {5, 5}} {
		if m.s*pow >= raw*0.95 {
			step, minor = m.s*pow, m.minor
			break
		}
	}
	prec := int(math.Max(0, -math.Floor(math.Log10(step)+1e-9)))
	if r := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9)); math.Abs(r-2.5) < 1e-9 {
		prec++
	}
	format := byte('f')
	if math.Abs(max) >= 1e6 || (math.Abs(max) < 1e-3 && math.Abs(min) < 1e-3) {
		format = 'g'
	}
	var ticks []plot.Tick
	first := math.Ceil(min/step-1e-9) * step
	for k := 0; ; k++ {
		v := first + float64(k)*step
		if v > max+step*1e-9 {
			break
		}
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, format, prec, 64)})
	}
	ms := step / float64(minor)
	mfirst := math.Ceil(min/ms-1e-9) * ms
	for k := 0; ; k++ {
		v := mfirst + float64(k)*ms
		if v > max+ms*1e-9 {
			break
		}
		if onMajor(v, step) {
			continue
		}
		ticks = append(ticks, plot.Tick{Value: v})
	}
	return ticks
}

func onMajor(v, step float64) bool {
	q := v / step
	return math.Abs(q-math.Round(q)) < 1e-6
}

// logTicks is a plot.Ticker for log axes that labels enough values to
// read a loss curve: 1-2-3-5 multiples of powers of ten when the range
// spans less than about two decades, 1-2-5 up to four, powers of ten
// beyond. gonum/plot's LogTicks labels powers of ten only, which leaves a
// typical loss axis (0.8 to 6) with a single label.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max > min) {
		return plot.LogTicks{Prec: -1}.Ticks(min, max)
	}
	decades := math.Log10(max / min)
	var labelled []float64
	switch {
	case decades < 1.3:
		labelled = []float64{1, 2, 3, 5}
	case decades < 4:
		labelled = []float64{1, 2, 5}
	default:
		labelled = []float64{1}
	}
	isLabelled := func(m int) bool {
		for _, l := range labelled {
			if float64(m) == l {
				return true
			}
		}
		return false
	}
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(min)); e <= math.Ceil(math.Log10(max)); e++ {
		p := math.Pow(10, e)
		for m := 1; m <= 9; m++ {
			v := float64(m) * p
			if v < min*(1-1e-9) || v > max*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if isLabelled(m) {
				t.Label = strconv.FormatFloat(v, 'g', -1, 64)
			}
			ticks = append(ticks, t)
		}
	}
	if countLabels(ticks) < 2 {
		// A narrow range (less than a factor 2): fall back to linear
		// steps, which still read correctly on a log axis.
		return niceTicks{n: 4}.Ticks(min, max)
	}
	return ticks
}

func countLabels(ts []plot.Tick) int {
	n := 0
	for _, t := range ts {
		if t.Label != "" {
			n++
		}
	}
	return n
}
