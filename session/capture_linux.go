//go:build linux

package session

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// fdMu makes one cell at a time, process-wide, own file descriptors 1 and 2.
var fdMu sync.Mutex

// fdCapture redirects file descriptors 1 and 2 into pipes while a cell
// runs, so that output of compiled code (fmt.Println in a helper, a C
// library's printf) reaches the front end. A pump goroutine forwards what
// arrives while the cell runs; drain forwards what is already in the pipes
// at once, which keeps the order with the interpreter's own output.
type fdCapture struct {
	forward func(fd int, p []byte) // fd is 1 or 2

	mu     sync.Mutex // serialises reading the pipes and forwarding
	r, w   [2]int     // pipe ends for fds 1 and 2; r is non-blocking
	saved  [2]int     // the real fds 1 and 2 while a cell runs
	wake   [2]int     // closes the pump
	done   chan struct{}
	buf    []byte
	closed bool
}

func newCapture(forward func(fd int, p []byte)) (*fdCapture, error) {
	c := &fdCapture{forward: forward, saved: [2]int{-1, -1}, done: make(chan struct{}), buf: make([]byte, 64<<10)}
	var fds []int
	fail := func(err error) (*fdCapture, error) {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return nil, fmt.Errorf("session: capturing file descriptors: %w", err)
	}
	for i := 0; i < 2; i++ {
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
			return fail(err)
		}
		fds = append(fds, p[0], p[1])
		c.r[i], c.w[i] = p[0], p[1]
		if err := unix.SetNonblock(p[0], true); err != nil {
			return fail(err)
		}
		// A larger pipe lets compiled code write bursts without waiting
		// for the pump; failure only costs speed.
		unix.FcntlInt(uintptr(p[1]), unix.F_SETPIPE_SZ, 1<<20)
	}
	if err := unix.Pipe2(c.wake[:], unix.O_CLOEXEC); err != nil {
		return fail(err)
	}
	go c.pump()
	return c, nil
}

// start points fds 1 and 2 at the pipes.
func (c *fdCapture) start() error {
	fdMu.Lock()
	for i := 0; i < 2; i++ {
		saved, err := unix.FcntlInt(uintptr(i+1), unix.F_DUPFD_CLOEXEC, 3)
		if err == nil {
			err = unix.Dup3(c.w[i], i+1, 0)
			if err != nil {
				unix.Close(saved)
			}
		}
		if err != nil {
			c.restore()
			fdMu.Unlock()
			return fmt.Errorf("session: redirecting fd %d: %w", i+1, err)
		}
		c.saved[i] = saved
	}
	return nil
}

// stop restores fds 1 and 2 and forwards everything written before.
func (c *fdCapture) stop() {
	c.restore()
	c.drain()
	fdMu.Unlock()
}

func (c *fdCapture) restore() {
	for i := 0; i < 2; i++ {
		if c.saved[i] >= 0 {
			unix.Dup3(c.saved[i], i+1, 0)
			unix.Close(c.saved[i])
			c.saved[i] = -1
		}
	}
}

// drain forwards what the pipes hold now.
func (c *fdCapture) drain() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	for i := 0; i < 2; i++ {
		for {
			n, err := unix.Read(c.r[i], c.buf)
			if n > 0 {
				c.forward(i+1, c.buf[:n])
			}
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if err != nil || n <= 0 {
				break
			}
		}
	}
}

func (c *fdCapture) pump() {
	defer close(c.done)
	fds := []unix.PollFd{
		{Fd: int32(c.r[0]), Events: unix.POLLIN},
		{Fd: int32(c.r[1]), Events: unix.POLLIN},
		{Fd: int32(c.wake[0]), Events: unix.POLLIN},
	}
	for {
		_, err := unix.Poll(fds, -1)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return
		}
		if fds[2].Revents != 0 {
			return
		}
		c.drain()
	}
}

// close stops the pump and releases the pipes. The capture must not be
// active.
func (c *fdCapture) close() {
	unix.Close(c.wake[1])
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for i := 0; i < 2; i++ {
		unix.Close(c.r[i])
		unix.Close(c.w[i])
	}
	unix.Close(c.wake[0])
}

// dupFile returns a new *os.File on a duplicate of f's descriptor, used
// when the front end hands fd 1 or 2 itself as a stream: while cells run
// those descriptors lead into the capture, which would loop.
func dupFile(f *os.File) (*os.File, error) {
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}
