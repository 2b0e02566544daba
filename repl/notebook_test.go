package repl

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestNotebookCells(t *testing.T) {
	nb := `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
	 {"cell_type": "markdown", "source": "# Title", "metadata": {}},
	 {"cell_type": "code", "source": ["x := 1\n", "x + 1"], "metadata": {}, "outputs": [], "execution_count": null},
	 {"cell_type": "code", "source": "  \n", "metadata": {}, "outputs": [], "execution_count": null},
	 {"cell_type": "code", "source": "fmt.Println(x)", "metadata": {}, "outputs": [], "execution_count": 3}]}`
	cells, err := notebookCells([]byte(nb))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cells, "|") != "x := 1\nx + 1|fmt.Println(x)" {
		t.Errorf("cells %q", cells)
	}
	for _, bad := range []string{`{"nbformat": 3, "worksheets": []}`, `not json`, `{"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}`} {
		if _, err := notebookCells([]byte(bad)); err == nil {
			t.Errorf("%s: want an error", bad)
		}
	}
}

// TestNotebookRoundTrip: a saved notebook is nbformat 4.5 for the contrast
// kernel, and reading it back gives the cells.
func TestNotebookRoundTrip(t *testing.T) {
	cells := []savedCell{{1, "x := 1", ""}, {2, "func f() int {\n\treturn 2\n}", ""}, {4, "x + f()", "3"}}
	data, err := notebookJSON(cells)
	if err != nil {
		t.Fatal(err)
	}
	var nb map[string]any
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatal(err)
	}
	if nb["nbformat"] != 4.0 || nb["nbformat_minor"] != 5.0 {
		t.Errorf("format %v.%v", nb["nbformat"], nb["nbformat_minor"])
	}
	ks := nb["metadata"].(map[string]any)["kernelspec"].(map[string]any)
	if ks["name"] != "contrast" || ks["language"] != "go" {
		t.Errorf("kernelspec %v", ks)
	}
	cs := nb["cells"].([]any)
	last := cs[2].(map[string]any)
	out := last["outputs"].([]any)[0].(map[string]any)
	if last["execution_count"] != 4.0 || out["output_type"] != "execute_result" || out["execution_count"] != 4.0 {
		t.Errorf("last cell %v", last)
	}
	ids := map[any]bool{}
	for _, c := range cs {
		id := c.(map[string]any)["id"]
		if id == "" || ids[id] {
			t.Errorf("cell ids must be unique and non-empty (nbformat 4.5): %v", id)
		}
		ids[id] = true
	}
	back, err := notebookCells(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cells {
		if back[i] != cells[i].input {
			t.Errorf("cell %d: %q want %q", i, back[i], cells[i].input)
		}
	}
}

// TestGoSourceRoundTrip: a saved .go file splits back into the same cells.
func TestGoSourceRoundTrip(t *testing.T) {
	cells := []savedCell{{1, "x := 1", ""}, {2, "func f() int {\n\treturn 2\n}", ""}, {3, "x + f()", "3"}}
	src := goSource(cells, time.Date(2024, 1, 2, 3, 4, 0, 0, time.UTC))
	got := codes(splitScript(string(src), scanComplete))
	if len(got) != 3 {
		t.Fatalf("got %q", got)
	}
	for i := range cells {
		if got[i] != cells[i].input {
			t.Errorf("cell %d: %q want %q", i, got[i], cells[i].input)
		}
	}
}
