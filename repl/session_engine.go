package repl

import "github.com/gocontrast/contrast/session"

// newSession starts the real session engine.
func newSession(o session.Options) (session.Engine, error) { return session.New(o) }
