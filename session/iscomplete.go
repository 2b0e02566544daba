package session

import (
	"errors"
	"go/scanner"
	"go/token"
	"strings"
)

// IsComplete reports whether code is a whole cell (Complete), needs more
// lines (Incomplete, with the indent for the next one: a tab per open
// bracket) or cannot become valid by adding lines (Invalid). Terminal
// front ends use it to decide whether Enter runs the cell.
func (s *Session) IsComplete(code string) (status, indent string) {
	if strings.TrimSpace(code) == "" {
		return Complete, ""
	}
	fset := token.NewFileSet()
	f := fset.AddFile("cell", -1, len(code))
	var errs scanner.ErrorList
	var sc scanner.Scanner
	sc.Init(f, []byte(code), func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)
	depth := 0
	for {
		_, tok, _ := sc.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
			if depth < 0 {
				return Invalid, ""
			}
		}
	}
	for _, e := range errs {
		switch e.Msg {
		case "raw string literal not terminated", "comment not terminated":
			return Incomplete, strings.Repeat("\t", depth)
		}
		return Invalid, ""
	}
	if depth > 0 {
		return Incomplete, strings.Repeat("\t", depth)
	}
	// Balanced: does it parse? An error past the code's end (the input
	// stopped in the middle of something, as after "x := 1 +") asks for
	// more; any other error is there to stay.
	_, _, err := parseCell(token.NewFileSet(), "cell/cell.go", code)
	if err == nil {
		return Complete, ""
	}
	last := strings.Count(code, "\n") + 1
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		if m := list[0].Msg; list[0].Pos.Line > last || strings.HasSuffix(m, "found 'EOF'") || strings.HasSuffix(m, "found the end of the cell") {
			return Incomplete, ""
		}
	}
	return Invalid, ""
}
