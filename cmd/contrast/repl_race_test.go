//go:build race

package main

// replRace is set when the tests run with -race: the binary the REPL's
// end-to-end tests build is then a race build too.
const replRace = true
