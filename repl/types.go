package repl

import "github.com/gocontrast/contrast/session"

// staticType returns the type of code's trailing expression without
// running it, as the engine's type checker sees it (session.Typer), ""
// when the engine cannot tell.
func staticType(eng session.Engine, code string) string {
	if t, ok := eng.(session.Typer); ok {
		return t.TypeOf(code)
	}
	return ""
}
