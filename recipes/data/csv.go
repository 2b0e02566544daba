package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/gocontrast/contrast/recipes/nn"
)

// CSVOptions says how LoadCSV reads a table. The zero value reads a
// comma-separated file without labels.
type CSVOptions struct {
	// Label names the label column: a header name, or, in a file without
	// a header, the column's number ("0" is the first). Empty means no
	// label column (every label is -1).
	Label string
	// Comma is the field separator; 0 means ','.
	Comma rune
}

// LoadCSV reads a CSV feature table: one sample per line, one feature per
// column, as a dataset of [N, D] float32 rows. The first line is a header
// when any of its fields is not a number. Every other column than the
// label must be a number; an empty or unparseable cell is an error naming
// the file, line and column.
//
// Labels: when every label is a non-negative integer it is used as is and
// Classes are "0" ... "max"; otherwise the distinct label strings, sorted,
// become Classes and each row's label is its position there.
func LoadCSV(path string, opt CSVOptions) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	if opt.Comma != 0 {
		r.Comma = opt.Comma
	}
	r.TrimLeadingSpace = true
	r.ReuseRecord = false
	first, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("data: %s: empty file", path)
	}
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", path, err)
	}
	header := false
	for _, s := range first {
		if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
			header = true
			break
		}
	}
	names := make([]string, len(first))
	for i := range names {
		names[i] = strconv.Itoa(i)
		if header {
			names[i] = strings.TrimSpace(first[i])
		}
	}
	labelCol := -1
	if opt.Label != "" {
		for i, n := range names {
			if n == opt.Label {
				labelCol = i
			}
		}
		if labelCol < 0 {
			return nil, fmt.Errorf("data: %s: no column %q (columns: %s)", path, opt.Label, strings.Join(names, ", "))
		}
	}
	var rows [][]string
	line := 1
	if !header {
		rows = append(rows, first)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("data: %s: line %d: %v (want %d columns)", path, pe.Line, pe.Err, len(names))
			}
			return nil, fmt.Errorf("data: %s: %w", path, err)
		}
		rows = append(rows, rec)
	}
	if header {
		line = 2
	}
	d := len(names)
	if labelCol >= 0 {
		d--
	}
	x := make([]float32, 0, len(rows)*d)
	rawLabels := make([]string, len(rows))
	for i, rec := range rows {
		for j, s := range rec {
			s = strings.TrimSpace(s)
			if j == labelCol {
				rawLabels[i] = s
				continue
			}
			v, err := strconv.ParseFloat(s, 32)
			if err != nil {
				what := fmt.Sprintf("%q is not a number", s)
				if s == "" {
					what = "missing value"
				}
				return nil, fmt.Errorf("data: %s: line %d, column %q: %s", path, line+i, names[j], what)
			}
			x = append(x, float32(v))
		}
	}
	labels := make([]int, len(rows))
	var classes []string
	if labelCol < 0 {
		for i := range labels {
			labels[i] = -1
		}
	} else {
		classes = labelClasses(rawLabels, labels)
	}
	return NewDataset(filepath.Base(path), nn.FromSlice(x, len(rows), d), labels, classes), nil
}

// labelClasses fills labels from raw strings and returns the class names.
func labelClasses(raw []string, labels []int) []string {
	m := -1
	allInts := true
	for i, s := range raw {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 || v > 1<<20 {
			allInts = false
			break
		}
		labels[i] = v
		m = max(m, v)
	}
	if allInts {
		classes := make([]string, m+1)
		for i := range classes {
			classes[i] = strconv.Itoa(i)
		}
		return classes
	}
	set := map[string]int{}
	for _, s := range raw {
		set[s] = 0
	}
	classes := make([]string, 0, len(set))
	for s := range set {
		classes = append(classes, s)
	}
	sort.Strings(classes)
	for i, s := range classes {
		set[s] = i
	}
	for i, s := range raw {
		labels[i] = set[s]
	}
	return classes
}
