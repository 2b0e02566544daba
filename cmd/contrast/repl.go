package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/gocontrast/contrast/repl"
)

func init() {
	register(&command{
		name:    "repl",
		summary: "a terminal REPL for Go cells, with plots, completion and history",
		run:     runREPL,
	})
}

// replFlags are the flags repl and run share.
type replFlags struct {
	images    *string
	noColor   *bool
	types     *bool
	history   *string
	noHistory *bool
}

func addReplFlags(fs *flag.FlagSet, interactive bool) replFlags {
	where := "named at start"
	if !interactive {
		where = "each image's path is printed"
	}
	f := replFlags{
		images:  fs.String("images", "", "write images (plots) to `DIR` (default: a new temporary folder; "+where+")"),
		noColor: fs.Bool("no-color", false, "print no colours (NO_COLOR in the environment does the same)"),
		types:   fs.Bool("type", false, "show the type of each result beside its value"),
	}
	if interactive {
		f.history = fs.String("history", "", "keep the line history in `FILE` (default $XDG_DATA_HOME/contrast/repl_history)")
		f.noHistory = fs.Bool("no-history", false, "keep no line history on disk")
	}
	return f
}

func (f replFlags) options() repl.Options {
	o := repl.Options{ImagesDir: *f.images, NoColor: *f.noColor, ShowTypes: *f.types}
	if f.history != nil {
		o.HistoryFile, o.NoHistory = *f.history, *f.noHistory
	}
	return o
}

func runREPL(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("repl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	flags := addReplFlags(fs, true)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: contrast repl [flags]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Runs Go cells in the terminal, on the session engine the Jupyter kernel uses.")
		fmt.Fprintln(stderr, "An unfinished func, {, ( or string continues on the next line; Tab completes;")
		fmt.Fprintln(stderr, "Up/Down and Ctrl-R search the history; Ctrl-C clears the line or interrupts the")
		fmt.Fprintln(stderr, "running cell; Ctrl-D on an empty line quits. :help lists the commands (:load,")
		fmt.Fprintln(stderr, ":save, :time, :doc, :reset, ...). Plots are written to the images folder and")
		fmt.Fprintln(stderr, "drawn inline on kitty and iTerm2 (CONTRAST_INLINE=kitty|iterm2|sixel|off")
		fmt.Fprintln(stderr, "overrides the detection).")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "With standard input not a terminal (contrast repl < script.go) it runs the")
		fmt.Fprintln(stderr, "input without prompts, as 'contrast run' does.")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "contrast repl: unexpected argument %q (to run a file: contrast run FILE)\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	opts := flags.options()
	if !term.IsTerminal(int(os.Stdin.Fd())) || !term.IsTerminal(int(os.Stdout.Fd())) {
		opts.Stdin, opts.Stdout, opts.Stderr = os.Stdin, stdout, stderr
		return repl.Run(context.Background(), os.Stdin, "<stdin>", opts)
	}
	return repl.Interactive(opts)
}
