//go:build unix

package kernel

import (
	"os"

	"golang.org/x/sys/unix"
)

// StderrDup returns a duplicate of file descriptor 2 taken now, for the
// kernel's logs: the session later redirects descriptors 1 and 2 into the
// running cell's output, and logs must not follow them there. It returns
// os.Stderr if the descriptor cannot be duplicated.
func StderrDup() *os.File {
	fd, err := unix.Dup(2)
	if err != nil {
		return os.Stderr
	}
	unix.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), "/dev/stderr")
}
