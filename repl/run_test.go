package repl

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runScript runs src with the real session and returns stdout, stderr and
// the error.
func runScript(t *testing.T, name, src string, opts Options) (string, string, error) {
	t.Helper()
	var out, errw bytes.Buffer
	opts.Stdout, opts.Stderr = &out, &errw
	if opts.Stdin == nil {
		opts.Stdin = strings.NewReader("")
	}
	if opts.ImagesDir == "" {
		opts.ImagesDir = t.TempDir()
	}
	err := Run(context.Background(), strings.NewReader(src), name, opts)
	return out.String(), errw.String(), err
}

func TestRunScript(t *testing.T) {
	src := `import "fmt"

x := 20
func double(n int) int {
	return 2 * n
}
fmt.Println("printed")
double(x) + 2
"a string"
`
	out, errs, err := runScript(t, "s.go", src, Options{})
	if err != nil {
		t.Fatalf("%v\nstderr: %s", err, errs)
	}
	if want := "printed\n42\n\"a string\"\n"; out != want {
		t.Errorf("stdout %q want %q", out, want)
	}
	if errs != "" {
		t.Errorf("stderr %q", errs)
	}
}

// TestRunStopsAtFirstError: the error goes to stderr with the file's line,
// later cells do not run, and the error wraps ErrFailed.
func TestRunStopsAtFirstError(t *testing.T) {
	src := "import \"fmt\"\nfmt.Println(\"one\")\n\nfunc f() int {\n\treturn undefinedThing\n}\nfmt.Println(\"two\")\n"
	out, errs, err := runScript(t, "bad.go", src, Options{})
	if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "bad.go:4") {
		t.Errorf("error %v, want ErrFailed at bad.go:4", err)
	}
	if out != "one\n" {
		t.Errorf("stdout %q: the cells after the error must not run", out)
	}
	if !strings.Contains(errs, "bad.go:5") || !strings.Contains(errs, "undefinedThing") {
		t.Errorf("stderr %q should name bad.go:5 and the undefined name", errs)
	}
}

func TestRunPanic(t *testing.T) {
	_, errs, err := runScript(t, "p.go", "x := []int{}\nx[3]\n", Options{})
	if !errors.Is(err, ErrFailed) || !strings.Contains(errs, "index out of range") {
		t.Errorf("err %v stderr %q", err, errs)
	}
}

func TestRunProgram(t *testing.T) {
	src := "package main\n\nimport \"fmt\"\n\nfunc greet() string { return \"hello\" }\n\nfunc main() {\n\tfmt.Println(greet(), \"world\")\n}\n"
	out, errs, err := runScript(t, "main.go", src, Options{})
	if err != nil || out != "hello world\n" {
		t.Errorf("got %q, %v, stderr %q", out, err, errs)
	}
}

func TestRunNotebook(t *testing.T) {
	nb := `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
	 {"cell_type": "code", "source": "x := 3", "metadata": {}, "outputs": [], "execution_count": null},
	 {"cell_type": "markdown", "source": "text", "metadata": {}},
	 {"cell_type": "code", "source": "x * x", "metadata": {}, "outputs": [], "execution_count": null}]}`
	out, errs, err := runScript(t, "n.ipynb", nb, Options{})
	if err != nil || out != "9\n" {
		t.Errorf("got %q, %v, stderr %q", out, err, errs)
	}
}

func TestRunTypes(t *testing.T) {
	src := "import \"strconv\"\nx := 1.5\nx\nstrconv.Itoa(3)\nstrconv.Atoi(\"4\")\nfloat32(x)\nlen(\"abc\")\n[]string{\"a\"}\n"
	out, errs, err := runScript(t, "t.go", src, Options{ShowTypes: true})
	if err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	want := "1.5  // float64\n\"3\"  // string\n4  // (int, error)\n1.5  // float32\n3  // int\n[\"a\"]  // []string\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestRunInput(t *testing.T) {
	src := "import \"fmt\"\nvar name string\nfmt.Scanln(&name)\nname\n"
	out, errs, err := runScript(t, "in.go", src, Options{Stdin: strings.NewReader("gopher\n")})
	if err != nil || !strings.HasSuffix(out, "\"gopher\"\n") {
		t.Errorf("got %q, %v, stderr %q", out, err, errs)
	}
}

func TestRunImages(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "imgs")
	src := `import ("bytes"; "image"; "image/png")
var buf bytes.Buffer
png.Encode(&buf, image.NewGray(image.Rect(0, 0, 3, 2)))
display.PNG(buf.Bytes())
display.HTML("<p>done</p>")
`
	out, errs, err := runScript(t, "img.go", src, Options{ImagesDir: dir})
	if err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	m := regexp.MustCompile(`\[image 3×2: (\S+\.png)\]`).FindStringSubmatch(out)
	if m == nil || filepath.Dir(m[1]) != dir {
		t.Fatalf("no image path in %q", out)
	}
	if _, err := os.Stat(m[1]); err != nil {
		t.Error(err)
	}
	if !strings.HasSuffix(out, "]\ndone\n") {
		t.Errorf("HTML should print as text: %q", out)
	}
}
