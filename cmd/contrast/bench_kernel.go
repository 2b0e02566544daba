package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/gocontrast/contrast/kernel"
)

func init() {
	registerBench(&benchmark{
		name:    "kernel",
		summary: "Jupyter kernel start-up and trivial execute round trip, contrast vs ipykernel",
		run:     runBenchKernel,
	})
}

func runBenchKernel(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench kernel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	python := fs.String("python", "/usr/bin/python3", "the `PYTHON` with jupyter_client and ipykernel (Debian's)")
	script := fs.String("script", "", "the benchmark `FILE` (default: bench/kernel_bench.py of the source tree around the working directory)")
	ref := fs.String("reference", "python3", "the reference kernel's `NAME`")
	starts := fs.Int("starts", 5, "kernel starts timed per kernel (`N`, median reported)")
	executes := fs.Int("executes", 200, "trivial cells timed per kernel (`N`, median reported)")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: contrast bench kernel [flags]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Installs this binary's kernel spec in a temporary JUPYTER_PATH, then starts")
		fmt.Fprintln(stderr, "contrast and ipykernel through jupyter_client in one run and prints, for each,")
		fmt.Fprintln(stderr, "the start-up time to the first kernel_info reply and the median round trip of")
		fmt.Fprintln(stderr, "a trivial execute (\"1+1\"), and their ratios.")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 || *starts < 1 || *executes < 1 {
		fmt.Fprintln(stderr, "contrast bench kernel: bad arguments")
		fs.Usage()
		return errUsage
	}
	path := *script
	if path == "" {
		var err error
		if path, err = findBenchScript("kernel_bench.py"); err != nil {
			return err
		}
	}
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "contrast-bench-kernel-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	const name = "contrast-bench"
	if _, err := kernel.Install(kernel.PrefixKernelsDir(tmp), name, kernel.NewSpec(bin)); err != nil {
		return err
	}
	jp := filepath.Join(tmp, "share", "jupyter")
	if old := os.Getenv("JUPYTER_PATH"); old != "" {
		jp += string(os.PathListSeparator) + old
	}
	cmdArgs := []string{path, "--kernel", name, "--kernel", *ref,
		"--starts", strconv.Itoa(*starts), "--executes", strconv.Itoa(*executes)}
	if *asJSON {
		cmdArgs = append(cmdArgs, "--json")
	}
	cmd := exec.Command(*python, cmdArgs...)
	cmd.Env = append(os.Environ(), "JUPYTER_PATH="+jp, "PYDEVD_DISABLE_FILE_VALIDATION=1")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("bench kernel: %s %s: %w (it needs Debian's python3-jupyter-client and python3-ipykernel)", *python, path, err)
	}
	return nil
}

// findBenchScript looks for bench/NAME in the working directory and its
// parents, then beside the binary and its parents.
func findBenchScript(name string) (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		starts = append(starts, filepath.Dir(exe))
	}
	for _, dir := range starts {
		for {
			p := filepath.Join(dir, "bench", name)
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", errors.New("bench kernel: cannot find bench/" + name + "; run it from the contrast source tree or pass -script FILE")
}
