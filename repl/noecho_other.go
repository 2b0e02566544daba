//go:build !linux

package repl

// noEcho leaves the terminal as it is off Linux: keys typed while a cell
// runs are echoed among its output.
func noEcho() (restore func()) { return func() {} }
