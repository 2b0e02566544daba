package repl

import (
	"go/scanner"
	"go/token"
	"strings"

	"github.com/gocontrast/contrast/session"
)

// scanComplete is the REPL's own answer to "is this cell complete?", used
// only while the session is still starting: it scans the code's tokens and
// reports Incomplete for open brackets, an open raw string or comment, or a
// line that ends in an operator; Invalid for a mismatched bracket;
// Complete otherwise. The session's IsComplete, which parses the cell,
// is the authority once it is ready.
func scanComplete(code string) (status, indent string) {
	if strings.TrimSpace(code) == "" {
		return session.Complete, ""
	}
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code))
	var openLiteral, invalid bool
	var s scanner.Scanner
	s.Init(file, []byte(code), func(pos token.Position, msg string) {
		switch {
		case strings.Contains(msg, "raw string literal not terminated"),
			strings.Contains(msg, "comment not terminated"):
			openLiteral = true
		default:
			invalid = true
		}
	}, 0)
	var stack []token.Token
	last := token.ILLEGAL
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit == "\n" {
			last = tok
			continue
		}
		switch tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			stack = append(stack, tok)
		case token.RPAREN, token.RBRACK, token.RBRACE:
			want := map[token.Token]token.Token{token.RPAREN: token.LPAREN, token.RBRACK: token.LBRACK, token.RBRACE: token.LBRACE}[tok]
			if len(stack) == 0 || stack[len(stack)-1] != want {
				return session.Invalid, ""
			}
			stack = stack[:len(stack)-1]
		}
		last = tok
	}
	switch {
	case openLiteral:
		return session.Incomplete, ""
	case invalid:
		return session.Invalid, ""
	case len(stack) > 0:
		return session.Incomplete, strings.Repeat("\t", len(stack))
	case last.IsOperator() && last != token.RPAREN && last != token.RBRACK && last != token.RBRACE &&
		last != token.SEMICOLON && last != token.INC && last != token.DEC:
		return session.Incomplete, "\t"
	}
	return session.Complete, ""
}
