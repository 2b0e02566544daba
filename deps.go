//go:build tools

package contrast

import (
	_ "github.com/go-zeromq/zmq4"
	_ "github.com/traefik/yaegi/interp"
	_ "golang.org/x/sys/unix"
	_ "golang.org/x/term"
	_ "gonum.org/v1/gonum/mat"
	_ "gonum.org/v1/plot"
)
