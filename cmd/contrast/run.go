package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gocontrast/contrast/repl"
)

func init() {
	register(&command{
		name:    "run",
		summary: "run a Go script or a notebook's code cells, without prompts",
		run:     runScript,
	})
}

func runScript(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	flags := addReplFlags(fs, false)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: contrast run [flags] FILE")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Runs FILE (.go, or .ipynb for a notebook's code cells; - for standard input)")
		fmt.Fprintln(stderr, "in a session, printing what each cell prints and each trailing expression's")
		fmt.Fprintln(stderr, "value. It stops at the first error, printed on standard error, and exits 1.")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "A program (package main with func main) runs as 'go run' would: its")
		fmt.Fprintln(stderr, "declarations, then main(). Any other file runs as if typed at the REPL's")
		fmt.Fprintln(stderr, "prompt: each top-level statement or declaration is a cell (a package clause")
		fmt.Fprintln(stderr, "is ignored). Errors name the file's lines.")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 1 {
		if fs.NArg() == 0 {
			fmt.Fprintln(stderr, "contrast run: FILE is required")
		} else {
			fmt.Fprintf(stderr, "contrast run: unexpected argument %q\n", fs.Arg(1))
		}
		fs.Usage()
		return errUsage
	}
	opts := flags.options()
	opts.Stdin, opts.Stdout, opts.Stderr = os.Stdin, stdout, stderr
	name := fs.Arg(0)
	if name == "-" {
		return repl.Run(context.Background(), os.Stdin, "<stdin>", opts)
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return repl.Run(context.Background(), f, name, opts)
}
