//go:build !unix

package prebind

import (
	"errors"
	"os"
)

var errUnsupported = errors.New("prebind: not supported on this platform")

func listenTCP4([4]byte, int) (int, error) { return -1, errUnsupported }
func listenUnix(string) (int, error)       { return -1, errUnsupported }

// Take returns nil: nothing is bound early on this platform.
func Take(network, addr string) *os.File { return nil }
