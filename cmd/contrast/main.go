// Command contrast is the contrast toolkit's single binary: a Jupyter
// kernel, a terminal REPL, a notebook renderer and the tools around them.
// Run `contrast help` for the list of subcommands.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand. Each lives in its own file and registers
// itself from init.
type command struct {
	name    string
	summary string // one line for `contrast help`
	// run parses args with its own flag.FlagSet. It returns errUsage after
	// printing usage for a bad command line (exit code 2), another error
	// for a failure (exit code 1).
	run func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("contrast: subcommand registered twice: " + c.name)
	}
	commands[c.name] = c
}

// errUsage reports a bad command line whose usage has been printed.
var errUsage = fmt.Errorf("usage")

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if _, ok := commands[args[1]]; ok {
				return run(append([]string{args[1], "-h"}, args[2:]...), stdout, stderr)
			}
			fmt.Fprintf(stderr, "contrast: unknown command %q\n", args[1])
			return 2
		}
		usage(stdout)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "contrast: unknown command %q; run 'contrast help' for the list\n", name)
		return 2
	}
	err := c.run(args[1:], stdout, stderr)
	if err == errUsage && helpRequested(args[1:]) {
		return 0 // usage printed because it was asked for
	}
	return exit(err, stderr)
}

// helpRequested reports whether a command line asks for help (-h, -help,
// --help before any "--"), so that printing the usage is a success.
func helpRequested(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func exit(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case err == errUsage:
		return 2
	default:
		fmt.Fprintf(stderr, "contrast: %v\n", err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "contrast: contrastive representation learning, interactively, in Go.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  contrast <command> [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, n := range names {
		fmt.Fprintf(w, "  %-*s  %s\n", width, n, commands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'contrast help <command>' or 'contrast <command> -h' for a command's flags.")
}
