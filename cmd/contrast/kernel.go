package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/gocontrast/contrast/kernel"
	"github.com/gocontrast/contrast/session"
)

func init() {
	register(&command{
		name:    "kernel",
		summary: "run the Jupyter kernel (Jupyter starts it; see 'contrast install')",
		run:     runKernel,
	})
}

func runKernel(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("kernel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	connFile := fs.String("f", "", "the connection `FILE` Jupyter wrote (required)")
	debug := fs.Bool("debug", false, "log every message received and sent to standard error")
	history := fs.String("history", "", "keep the history of executed cells in `FILE` across kernel restarts")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: contrast kernel -f CONNECTION_FILE [flags]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Runs the Jupyter kernel: Go cells, interpreted, over the Jupyter messaging")
		fmt.Fprintln(stderr, "protocol 5.3 on the sockets the connection file names (tcp or ipc). Jupyter")
		fmt.Fprintln(stderr, "starts it from the kernel spec 'contrast install' writes; logs go to standard")
		fmt.Fprintln(stderr, "error. It stops on a shutdown request or SIGTERM; SIGINT interrupts the")
		fmt.Fprintln(stderr, "running cell, as an interrupt request does.")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *connFile == "" || fs.NArg() > 0 {
		if *connFile == "" {
			fmt.Fprintln(stderr, "contrast kernel: -f CONNECTION_FILE is required")
		} else {
			fmt.Fprintf(stderr, "contrast kernel: unexpected argument %q\n", fs.Arg(0))
		}
		fs.Usage()
		return errUsage
	}

	// Logs go to a duplicate of the original stderr, which the session's
	// capture of descriptors 1 and 2 does not touch.
	logger := log.New(kernel.StderrDup(), "contrast kernel: ", log.LstdFlags|log.Lmicroseconds)

	ci, err := kernel.ReadConnectionFile(*connFile)
	if err != nil {
		return err
	}
	signer, err := kernel.NewSigner(ci.SignatureScheme, []byte(ci.Key))
	if err != nil {
		return err
	}
	t, err := kernel.ListenZMQ(ci, kernel.Limits{}, logger)
	if err != nil {
		return err
	}
	k := kernel.New(t, kernel.Config{
		Signer:  signer,
		Log:     logger,
		Debug:   *debug,
		Version: version(),
		Options: session.Options{CaptureFDs: true, HistoryFile: *history},
	})

	// SIGINT interrupts the running cell (Jupyter sends interrupt_request,
	// as the spec's interrupt_mode asks, but a terminal's ^C or an older
	// client sends the signal); SIGTERM stops the kernel.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	sigint := make(chan os.Signal, 1)
	signal.Notify(sigint, os.Interrupt)
	defer signal.Stop(sigint)
	go func() {
		for range sigint {
			logger.Print("SIGINT: interrupting the running cell")
			k.Interrupt()
		}
	}()

	go watchParent(logger, k)
	err = k.Serve(ctx, newEngine)
	if err == context.Canceled {
		logger.Print("SIGTERM: stopped")
		return nil
	}
	return err
}

// watchParent stops the kernel when the Jupyter process that started it
// (JPY_PARENT_PID, set by jupyter_client) is gone, so that no kernel is
// left behind when a notebook server is killed.
func watchParent(logger *log.Logger, k *kernel.Kernel) {
	ppid, err := strconv.Atoi(os.Getenv("JPY_PARENT_PID"))
	if err != nil || ppid <= 1 || os.Getppid() != ppid {
		return
	}
	for range time.Tick(2 * time.Second) {
		if os.Getppid() != ppid {
			logger.Printf("the parent process %d is gone; stopping", ppid)
			k.Stop()
			return
		}
	}
}
