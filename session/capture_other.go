//go:build !linux

package session

import (
	"errors"
	"os"
)

type fdCapture struct{}

func newCapture(func(fd int, p []byte)) (*fdCapture, error) {
	return nil, errors.New("session: CaptureFDs is only supported on Linux")
}

func (c *fdCapture) start() error { return nil }
func (c *fdCapture) stop()        {}
func (c *fdCapture) drain()       {}
func (c *fdCapture) close()       {}

func dupFile(f *os.File) (*os.File, error) { return f, nil }
