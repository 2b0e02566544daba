package repl

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"

	"github.com/gocontrast/contrast/session"
)

// chunk is one cell of a script, with the line of the file it starts on.
type chunk struct {
	code string
	line int // 1-based
}

// splitScript cuts Go source into cells, by these rules:
//
//   - A program (package main with a func main) runs as one cell holding
//     its imports and declarations, then a cell calling main, as `go run`
//     would.
//   - Otherwise a leading package clause is ignored, and the rest is cut
//     into cells exactly as if it were typed at the prompt: lines gather
//     until the session says the cell is complete (or invalid), so each
//     top-level statement or declaration is a cell, a trailing expression
//     shows its value, and a func or a block spans as many lines as it
//     needs. Cells holding only blank lines and comments are skipped.
//
// isComplete is the session's check (see Engine.IsComplete). Line numbers
// are kept: the package clause is blanked, not removed.
func splitScript(src string, isComplete func(string) (string, string)) []chunk {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.PackageClauseOnly)
	body := src
	if err == nil && f.Name != nil {
		body = blankPackageClause(src, fset, f)
		if f.Name.Name == "main" {
			if line, off, ok := mainFunc(src); ok {
				// The interpreter treats a func named main specially (it may
				// run it as it is declared): declare it under another name
				// and call that.
				body = body[:off] + programMain + body[off+len("main"):]
				return []chunk{{code: body, line: 1}, {code: programMain + "()", line: line}}
			}
		}
	}
	var out []chunk
	lines := strings.SplitAfter(body, "\n")
	var cur strings.Builder
	start := 0
	for i, l := range lines {
		if cur.Len() == 0 {
			start = i + 1
		}
		cur.WriteString(l)
		code := cur.String()
		if has, open := hasCode(code); !has {
			if !open {
				cur.Reset()
			}
			continue
		}
		if st, _ := isComplete(strings.TrimRight(code, "\n")); st == session.Incomplete && i < len(lines)-1 {
			continue
		}
		out = append(out, chunk{code: strings.TrimRight(code, "\n"), line: start})
		cur.Reset()
	}
	return out
}

// blankPackageClause replaces the package clause (and the comments before
// it) with spaces, keeping line numbers.
func blankPackageClause(src string, fset *token.FileSet, f *ast.File) string {
	end := fset.Position(f.Name.End()).Offset
	b := []byte(src)
	for i := 0; i < end && i < len(b); i++ {
		if b[i] != '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}

// programMain is the name a program's func main is declared under.
const programMain = "main__"

// mainFunc reports whether src declares func main(), the line it is on and
// the offset of its name.
func mainFunc(src string) (line, off int, ok bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return 0, 0, false
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return fset.Position(fd.Pos()).Line, fset.Position(fd.Name.Pos()).Offset, true
		}
	}
	return 0, 0, false
}

// hasCode reports whether src holds a token other than comments, and
// whether it ends inside an unterminated /* comment.
func hasCode(src string) (has, openComment bool) {
	fset := token.NewFileSet()
	var s scanner.Scanner
	s.Init(fset.AddFile("", -1, len(src)), []byte(src), func(_ token.Position, msg string) {
		if strings.Contains(msg, "comment not terminated") {
			openComment = true
		}
	}, 0)
	for {
		_, tok, lit := s.Scan()
		switch {
		case tok == token.EOF:
			return false, openComment
		case tok == token.SEMICOLON && lit == "\n":
			continue
		}
		return true, false
	}
}
