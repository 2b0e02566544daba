package session

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gocontrast/contrast/display"
)

var sinkResult Result

// BenchmarkExecuteTrivial is the engine's part of the kernel's round trip
// for a trivial cell (target: well under 1 ms).
func BenchmarkExecuteTrivial(b *testing.B) {
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"plain", Options{}},
		{"capture", Options{CaptureFDs: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := newSession(b, tc.opts)
			ctx := context.Background()
			times := make([]time.Duration, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				sinkResult = s.Execute(ctx, "1+1", true)
				times[i] = time.Since(t0)
			}
			b.StopTimer()
			// The median is what a notebook user feels; the mean carries
			// the garbage collector's pauses.
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "median-ns")
			if sinkResult.Err != nil || sinkResult.Value.String(display.MIMEText) != "2" {
				b.Fatalf("1+1: %+v", sinkResult)
			}
		})
	}
}

// BenchmarkExecuteCell is a small realistic cell: a declaration, a loop
// and a printed result.
func BenchmarkExecuteCell(b *testing.B) {
	s := newSession(b, Options{})
	ctx := context.Background()
	mustRun(b, s, `import "fmt"`)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkResult = s.Execute(ctx, `func sq(x int) int { return x * x }
total := 0
for i := 0; i < 100; i++ { total += sq(i) }
fmt.Sprint(total)`, true)
	}
	b.StopTimer()
	if sinkResult.Err != nil {
		b.Fatal(sinkResult.Err)
	}
}

var sinkSession *Session

// BenchmarkNew is the session's part of the kernel's start-up (target:
// 100 ms for the whole kernel).
func BenchmarkNew(b *testing.B) {
	for i := 0; i < b.N; i++ {
		s, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		sinkSession = s
		s.Close()
	}
}

// BenchmarkExecuteModern is a cell that the session rewrites for yaegi
// (range over an int, min, a generic call): its cost over
// BenchmarkExecuteCell is the type check and the rewrite.
func BenchmarkExecuteModern(b *testing.B) {
	s := newSession(b, Options{})
	ctx := context.Background()
	mustRun(b, s, `import ("fmt"; "slices")`)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkResult = s.Execute(ctx, `func sq(x int) int { return x * x }
total := 0
for i := range 100 { total += min(sq(i), 5000) }
xs := slices.Clone([]int{total})
fmt.Sprint(xs[0])`, true)
	}
	b.StopTimer()
	if sinkResult.Err != nil || sinkResult.Value.String(display.MIMEText) != `"261795"` {
		b.Fatalf("%+v", sinkResult)
	}
}

var sinkCompletion Completion

// BenchmarkComplete is a completion request on text that imports its
// package and declares a variable (parse and type check of the text).
func BenchmarkComplete(b *testing.B) {
	s := newSession(b, Options{})
	code := "import \"strings\"\nr := strings.NewReader(\"x\")\nr.Rea"
	for i := 0; i < b.N; i++ {
		sinkCompletion = s.Complete(code, len(code))
	}
	if len(sinkCompletion.Matches) == 0 {
		b.Fatal("no matches")
	}
}
