//go:build !race

package main

const replRace = false
