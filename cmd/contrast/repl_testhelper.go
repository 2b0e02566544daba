//go:build contrasttest

package main

import (
	"reflect"

	"github.com/gocontrast/contrast/cmd/contrast/internal/replhelper"
	"github.com/gocontrast/contrast/session"
)

// Test binaries (go build -tags contrasttest) let cells import a compiled
// helper, "contrast.test/helper", for the REPL's end-to-end tests.
func init() {
	session.Register(map[string]map[string]reflect.Value{
		"contrast.test/helper/helper": {
			"Spin":     reflect.ValueOf(replhelper.Spin),
			"Spinning": reflect.ValueOf(replhelper.Spinning),
			"Progress": reflect.ValueOf(replhelper.Progress),
			"Plot":     reflect.ValueOf(replhelper.Plot),
			"Image":    reflect.ValueOf((*replhelper.Image)(nil)),
		},
	})
}
