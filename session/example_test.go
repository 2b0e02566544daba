package session_test

import (
	"context"
	"fmt"
	"os"

	"github.com/gocontrast/contrast/session"
)

func Example() {
	s, err := session.New(session.Options{Stdout: os.Stdout, Stderr: os.Stdout})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	ctx := context.Background()

	// A cell mixes imports, declarations and statements; its trailing
	// expression is the result.
	r := s.Execute(ctx, `import "fmt"

func double(n int) int { return 2 * n }

fmt.Println("computing")
double(21)`, true)
	fmt.Println(r.Count, r.Value["text/plain"])

	// State persists; errors name the cell's lines.
	r = s.Execute(ctx, "x := double(1)\ny := x + undefinedName", true)
	fmt.Println(r.Err.Name+":", r.Err.Message)

	// Completion and inspection.
	c := s.Complete("dou", 3)
	fmt.Println(c.Matches)
	fmt.Println(s.Inspect("double", 0, 0).Data["text/plain"])
	// Output:
	// computing
	// 1 42
	// CompileError: cell line 2: undefined: undefinedName
	// [double]
	// func double(n int) int
	//
	// declared in cell [1]
}
