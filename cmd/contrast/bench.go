package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
)

// benchmark is one `contrast bench NAME`: it runs contrast and its
// reference (PyTorch, scikit-learn, ipykernel) side by side on this machine
// and prints both figures and their ratio.
type benchmark struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var benchmarks = map[string]*benchmark{}

func registerBench(b *benchmark) {
	if _, dup := benchmarks[b.name]; dup {
		panic("contrast: benchmark registered twice: " + b.name)
	}
	benchmarks[b.name] = b
}

func init() {
	register(&command{
		name:    "bench",
		summary: "run a benchmark side by side with its reference and print the ratio",
		run:     runBench,
	})
}

func runBench(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: contrast bench NAME [flags]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Benchmarks (each runs contrast and its reference on this machine, in one run):")
		names := make([]string, 0, len(benchmarks))
		for n := range benchmarks {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(stderr, "  %-8s %s\n", n, benchmarks[n].summary)
		}
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Run 'contrast bench NAME -h' for a benchmark's flags.")
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	b, ok := benchmarks[fs.Arg(0)]
	if !ok {
		fmt.Fprintf(stderr, "contrast bench: unknown benchmark %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return b.run(fs.Args()[1:], stdout, stderr)
}
