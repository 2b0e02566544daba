package repl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// notebookCells returns the sources of a notebook's code cells (nbformat
// 4), in order. Markdown and raw cells are skipped, and so are code cells
// that hold only whitespace.
func notebookCells(data []byte) ([]string, error) {
	var nb struct {
		NBFormat int `json:"nbformat"`
		Cells    []struct {
			CellType string          `json:"cell_type"`
			Source   json.RawMessage `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		return nil, fmt.Errorf("not a notebook (JSON): %w", err)
	}
	if nb.NBFormat != 4 {
		return nil, fmt.Errorf("notebook format %d is not supported: convert it with `jupyter nbconvert --to notebook --nbformat 4`", nb.NBFormat)
	}
	var out []string
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		src, err := multiline(c.Source)
		if err != nil {
			return nil, fmt.Errorf("cell %d: source: %w", i+1, err)
		}
		if strings.TrimSpace(src) != "" {
			out = append(out, src)
		}
	}
	return out, nil
}

// multiline decodes nbformat's multiline string: a string or a list of
// strings to concatenate.
func multiline(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []string
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", fmt.Errorf("want a string or a list of strings")
	}
	return strings.Join(parts, ""), nil
}

// savedCell is one cell of the session's history.
type savedCell struct {
	count  int
	input  string
	output string // text/plain of the result, may be ""
}

// splitLines splits s into nbformat's list of lines, each but the last
// ending in a newline.
func splitLines(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.SplitAfter(s, "\n")
}

// notebookJSON writes cells as an nbformat 4.5 notebook for the contrast
// kernel, with each result as an execute_result.
func notebookJSON(cells []savedCell) ([]byte, error) {
	type output struct {
		OutputType     string         `json:"output_type"`
		ExecutionCount int            `json:"execution_count"`
		Data           map[string]any `json:"data"`
		Metadata       map[string]any `json:"metadata"`
	}
	type cell struct {
		CellType       string         `json:"cell_type"`
		ExecutionCount int            `json:"execution_count"`
		ID             string         `json:"id"`
		Metadata       map[string]any `json:"metadata"`
		Outputs        []output       `json:"outputs"`
		Source         []string       `json:"source"`
	}
	nb := struct {
		Cells    []cell         `json:"cells"`
		Metadata map[string]any `json:"metadata"`
		NBFormat int            `json:"nbformat"`
		Minor    int            `json:"nbformat_minor"`
	}{
		Cells: []cell{},
		Metadata: map[string]any{
			"kernelspec":    map[string]any{"name": "contrast", "display_name": "Go (contrast)", "language": "go"},
			"language_info": map[string]any{"name": "go", "file_extension": ".go", "mimetype": "text/x-go"},
		},
		NBFormat: 4,
		Minor:    5,
	}
	for i, c := range cells {
		nc := cell{CellType: "code", ExecutionCount: c.count, ID: fmt.Sprintf("cell-%d", i+1),
			Metadata: map[string]any{}, Outputs: []output{}, Source: splitLines(c.input)}
		if c.output != "" {
			nc.Outputs = append(nc.Outputs, output{OutputType: "execute_result", ExecutionCount: c.count,
				Data: map[string]any{"text/plain": splitLines(c.output)}, Metadata: map[string]any{}})
		}
		nb.Cells = append(nb.Cells, nc)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(nb); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// goSource writes cells as a Go file that `contrast run` and :load run
// again: each cell under a comment with its number.
func goSource(cells []savedCell, now time.Time) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Saved by contrast repl on %s.\n// Run it again with: contrast run FILE\n", now.Format("2006-01-02 15:04"))
	for _, c := range cells {
		fmt.Fprintf(&b, "\n// [%d]\n%s\n", c.count, strings.TrimRight(c.input, "\n"))
	}
	return b.Bytes()
}
