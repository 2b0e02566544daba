package repl

import (
	"os"

	"golang.org/x/sys/unix"
)

// noEcho turns the terminal's echo off while a cell runs: keys typed ahead
// wait, unseen, for the next prompt, which shows them, instead of landing
// in the cell's output. Ctrl-C still interrupts. It returns the function
// that turns echo back on.
func noEcho() (restore func()) {
	fd := int(os.Stdin.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return func() {}
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO | unix.ECHONL
	if unix.IoctlSetTermios(fd, unix.TCSETS, &quiet) != nil {
		return func() {}
	}
	return func() {
		// Only the echo bits: the line editor may have changed the rest.
		if cur, err := unix.IoctlGetTermios(fd, unix.TCGETS); err == nil {
			cur.Lflag = cur.Lflag&^(unix.ECHO|unix.ECHONL) | old.Lflag&(unix.ECHO|unix.ECHONL)
			unix.IoctlSetTermios(fd, unix.TCSETS, cur)
		}
	}
}
