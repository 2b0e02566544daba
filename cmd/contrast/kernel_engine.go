package main

import (
	"errors"

	"github.com/gocontrast/contrast/session"
)

// newEngine starts the session engine for the kernel.
// Temporary until the session engine lands on this branch.
func newEngine(session.Options) (session.Engine, error) {
	return nil, errors.New("the session engine is not built into this binary yet")
}
