// Package testhelper stands in, in the session's tests, for compiled
// helpers that cells call: code that writes to file descriptors 1 and 2
// directly, and loops that watch display.Context for interrupts. Only tests
// import it (through testsyms, its symbol table).
package testhelper

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gocontrast/contrast/display"
)

// WriteFD writes s to file descriptor fd with one write system call, as C
// code or a compiled helper would, bypassing os.Stdout.
func WriteFD(fd int, s string) int {
	n, err := syscall.Write(fd, []byte(s))
	if err != nil {
		return -1
	}
	return n
}

// WriteFDBytewise writes s to fd one byte per system call, splitting every
// multi-byte UTF-8 sequence across writes.
func WriteFDBytewise(fd int, s string) {
	for i := 0; i < len(s); i++ {
		syscall.Write(fd, []byte{s[i]})
	}
}

// Println prints with fmt.Println from compiled code (to os.Stdout, fd 1).
func Println(a ...any) { fmt.Println(a...) }

// Eprintln prints with fmt.Fprintln to os.Stderr from compiled code.
func Eprintln(a ...any) { fmt.Fprintln(os.Stderr, a...) }

// Spinning is set while Spin runs.
var Spinning atomic.Bool

// Spin loops until the running cell is interrupted (display.Context is
// cancelled) or max passes, and returns how many iterations it did.
func Spin(max time.Duration) int {
	Spinning.Store(true)
	defer Spinning.Store(false)
	deadline := time.Now().Add(max)
	n := 0
	for !display.Interrupted() && time.Now().Before(deadline) {
		n++
	}
	return n
}

// Busy loops for d and ignores interrupts.
func Busy(d time.Duration) {
	Spinning.Store(true)
	defer Spinning.Store(false)
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
	}
}

var (
	gatesMu sync.Mutex
	gates   = map[string]chan struct{}{}
)

func gate(name string) chan struct{} {
	gatesMu.Lock()
	defer gatesMu.Unlock()
	g, ok := gates[name]
	if !ok {
		g = make(chan struct{})
		gates[name] = g
	}
	return g
}

// Wait blocks until Open(name) is called (by the test), or until max
// passes, and reports whether the gate opened.
func Wait(name string, max time.Duration) bool {
	Open(name + "/parked")
	select {
	case <-gate(name):
		return true
	case <-time.After(max):
		return false
	}
}

// Parked waits until a Wait(name) has started, or max passes.
func Parked(name string, max time.Duration) bool {
	select {
	case <-gate(name + "/parked"):
		return true
	case <-time.After(max):
		return false
	}
}

// Open opens the gate name; Wait returns at once from then on.
func Open(name string) {
	g := gate(name)
	gatesMu.Lock()
	defer gatesMu.Unlock()
	select {
	case <-g:
	default:
		close(g)
	}
}

// Fig is a compiled value that renders itself with display metadata, as a
// plot does.
type Fig struct{}

// Figure returns a Fig.
func Figure() Fig { return Fig{} }

// PNG implements display.PNGer.
func (Fig) PNG() ([]byte, error) { return []byte("\x89PNG fake"), nil }

// DisplayMetadata implements display.Metadataer.
func (Fig) DisplayMetadata() map[string]any {
	return map[string]any{"image/png": map[string]any{"width": 320}}
}
