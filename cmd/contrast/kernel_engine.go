package main

import "github.com/gocontrast/contrast/session"

// newEngine starts the session engine for the kernel.
func newEngine(o session.Options) (session.Engine, error) {
	s, err := session.New(o)
	if err != nil {
		return nil, err
	}
	return s, nil
}
