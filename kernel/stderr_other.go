//go:build !unix

package kernel

import "os"

// StderrDup returns os.Stderr: descriptors are not redirected on this
// platform.
func StderrDup() *os.File { return os.Stderr }
