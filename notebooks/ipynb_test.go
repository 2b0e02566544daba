package notebooks

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Notebook is the part of an nbformat 4 notebook that the tests read.
type Notebook struct {
	Cells    []Cell         `json:"cells"`
	Metadata map[string]any `json:"metadata"`
	Format   int            `json:"nbformat"`
	Minor    int            `json:"nbformat_minor"`
}

// Cell is one notebook cell.
type Cell struct {
	Type     string          `json:"cell_type"`
	Source   Source          `json:"source"`
	Metadata CellMetadata    `json:"metadata"`
	Outputs  json.RawMessage `json:"outputs,omitempty"`
	Count    *int            `json:"execution_count,omitempty"`
}

// CellMetadata holds the cell's tags (Jupyter's "raises-exception",
// papermill's "parameters").
type CellMetadata struct {
	Tags []string `json:"tags"`
}

// Has reports whether the cell carries tag.
func (m CellMetadata) Has(tag string) bool {
	for _, t := range m.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// Source is a cell's text, stored by nbformat either as one string or as a
// list of lines.
type Source string

// UnmarshalJSON accepts both forms.
func (s *Source) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = Source(one)
		return nil
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return fmt.Errorf("cell source is neither a string nor a list of strings: %w", err)
	}
	*s = Source(strings.Join(lines, ""))
	return nil
}

// ReadNotebook reads an .ipynb file.
func ReadNotebook(path string) (*Notebook, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var nb Notebook
	if err := json.Unmarshal(raw, &nb); err != nil {
		return nil, fmt.Errorf("%s: not a notebook: %w", path, err)
	}
	if nb.Format != 4 {
		return nil, fmt.Errorf("%s: nbformat %d, want 4", path, nb.Format)
	}
	return &nb, nil
}
