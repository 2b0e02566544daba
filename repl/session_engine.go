package repl

import (
	"errors"

	"github.com/gocontrast/contrast/session"
)

// newSession starts the real session engine.
// TEMPORARY until the session branch lands session.New.
func newSession(o session.Options) (session.Engine, error) {
	return nil, errors.New("the session engine is not built into this binary yet")
}
