package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/gocontrast/contrast/kernel"
)

func init() {
	register(&command{
		name:    "install",
		summary: "install the Jupyter kernel spec so Jupyter can start contrast",
		run:     runInstall,
	})
}

func runInstall(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	fs.SetOutput(stderr)
	user := fs.Bool("user", false, "install for the current user (the default)")
	sysPrefix := fs.Bool("sys-prefix", false, "install into the active Python environment ($VIRTUAL_ENV, $CONDA_PREFIX, or python3's sys.prefix)")
	prefix := fs.String("prefix", "", "install into `DIR`/share/jupyter/kernels")
	name := fs.String("name", kernel.DefaultName, "the kernel's `NAME` (Jupyter's kernel_name)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: contrast install [--user | --sys-prefix | --prefix DIR] [--name NAME]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Writes a Jupyter kernel spec (kernel.json and logos) that starts this binary,")
		fmt.Fprintln(stderr, "by its absolute path, as the kernel \"Go (contrast)\". With no flag it installs")
		fmt.Fprintln(stderr, "for the current user. Then choose the kernel in Jupyter, or run")
		fmt.Fprintln(stderr, "  jupyter console --kernel=contrast")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "contrast install: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	n := 0
	for _, set := range []bool{*user, *sysPrefix, *prefix != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		fmt.Fprintln(stderr, "contrast install: choose one of --user, --sys-prefix and --prefix")
		fs.Usage()
		return errUsage
	}

	var dir string
	var err error
	switch {
	case *prefix != "":
		abs, err := filepath.Abs(*prefix)
		if err != nil {
			return err
		}
		dir = kernel.PrefixKernelsDir(abs)
	case *sysPrefix:
		p, err := pythonPrefix()
		if err != nil {
			return err
		}
		dir = kernel.PrefixKernelsDir(p)
	default:
		if dir, err = kernel.UserKernelsDir(); err != nil {
			return err
		}
	}
	bin, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot find this binary's path for kernel.json: %w", err)
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return err
	}
	where, err := kernel.Install(dir, *name, kernel.NewSpec(bin))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Installed the Jupyter kernel %q (%s) in %s\n", *name, kernel.DisplayName, where)
	return nil
}

// pythonPrefix is the prefix of the active Python environment: a virtual
// environment, a conda environment, or python3's sys.prefix.
func pythonPrefix() (string, error) {
	for _, v := range []string{"VIRTUAL_ENV", "CONDA_PREFIX"} {
		if p := os.Getenv(v); p != "" {
			return p, nil
		}
	}
	out, err := exec.Command("python3", "-c", "import sys; print(sys.prefix)").Output()
	if err != nil {
		return "", errors.New("--sys-prefix: no Python environment is active ($VIRTUAL_ENV and $CONDA_PREFIX are unset) and python3 did not run; use --user or --prefix DIR")
	}
	return strings.TrimSpace(string(out)), nil
}
