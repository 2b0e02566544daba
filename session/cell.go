package session

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"path"
	"strings"
)

// A cell mixes declarations (imports, func, type, var, const) and
// statements, which yaegi evaluates separately: one Eval takes either a
// file of declarations or a block of statements. The cell is therefore cut
// at its top-level items into runs of declarations and runs of statements,
// evaluated in order. Each run is parsed on its own, behind a //line
// directive that gives its nodes the positions they have in the cell, so
// that every error and traceback names the cell's own lines.

type runKind int

const (
	declRun runKind = iota // *ast.File of declarations
	stmtRun                // *ast.BlockStmt of statements
	exprRun                // statements (block) and the trailing expression, whose value is the result
)

// run is one unit of evaluation.
type run struct {
	kind  runKind
	file  *ast.File      // declRun
	block *ast.BlockStmt // stmtRun, exprRun (the statements before expr; may be nil)
	expr  ast.Expr       // exprRun
	// quiet marks an exprRun whose values are not shown: a call to
	// fmt.Print* and the like, made for its output.
	quiet bool
	// decls are the globals the run declares, recorded once it compiles.
	decls []*declInfo
	// src is the file the run was parsed from, with go/parser's
	// resolution of its names; index is the run's place among the runs of
	// its cell as parsed.
	src   *ast.File
	index int
	// types is the run's type information, when it was type-checked
	// (typecheck.go).
	types *runTypes
	// out is the runtime support function that receives the values of
	// an exprRun's expression (see trailingKind), typ their type as the
	// user would write it ("" when unknown).
	out, typ string
}

// nodes are the syntax trees of the run.
func (r *run) nodes() []ast.Node {
	var out []ast.Node
	if r.file != nil {
		out = append(out, r.file)
	}
	if r.block != nil {
		out = append(out, r.block)
	}
	if r.expr != nil {
		out = append(out, r.expr)
	}
	return out
}

// item is a top-level declaration or statement of a cell, as byte offsets.
type item struct {
	start, end int // text, including the comments just before it
	decl       bool
	pkgClause  bool
	toks       []token.Token // depth-0 tokens, for classification
}

// parseCell splits code into runs. file names the cell in positions (its
// base name must be the session's current one: yaegi scopes imports by
// it). The result's runs have positions in fset that map to the cell's
// lines; files are the parsed runs, with go/parser's name resolution.
// Errors are scanner.ErrorList with cell positions.
func parseCell(fset *token.FileSet, file, code string) (runs []run, files []*ast.File, err error) {
	defer func() {
		if err != nil {
			err = tidyParseErrors(err, code)
		}
	}()
	items, err := splitItems(code)
	if err != nil {
		return nil, nil, err
	}
	for i := 0; i < len(items); {
		j := i + 1
		for j < len(items) && items[j].decl == items[i].decl {
			j++
		}
		start, end := items[i].start, items[j-1].end
		if items[i].decl {
			f, err := parseDecls(fset, file, code, start, end)
			if err != nil {
				return nil, nil, err
			}
			files = append(files, f)
			if len(f.Decls) > 0 {
				runs = append(runs, run{kind: declRun, file: f, src: f, index: len(runs)})
			}
		} else {
			f, err := parseStmts(fset, file, code, start, end)
			if err != nil {
				return nil, nil, err
			}
			files = append(files, f)
			b := f.Decls[0].(*ast.FuncDecl).Body
			if len(b.List) > 0 {
				runs = append(runs, run{kind: stmtRun, block: b, src: f, index: len(runs)})
			}
		}
		i = j
	}
	// The trailing expression statement of the cell becomes its result.
	// It stays in one evaluation with the statements before it: fewer
	// evaluations are faster, and yaegi's evaluations race with
	// goroutines that the statements started.
	if n := len(runs); n > 0 && runs[n-1].kind == stmtRun {
		b := runs[n-1].block
		if es, ok := b.List[len(b.List)-1].(*ast.ExprStmt); ok {
			b.List = b.List[:len(b.List)-1]
			runs[n-1].kind = exprRun
			runs[n-1].expr = es.X
		}
	}
	return runs, files, nil
}

// splitItems finds the cell's top-level items with the Go scanner:
// an item ends at a semicolon (written or inserted at a newline) outside
// any brackets.
func splitItems(code string) ([]item, error) {
	fset := token.NewFileSet()
	tf := fset.AddFile("cell", -1, len(code))
	var errs scanner.ErrorList
	var sc scanner.Scanner
	sc.Init(tf, []byte(code), func(pos token.Position, msg string) { errs.Add(pos, msg) }, scanner.ScanComments)
	var items []item
	var cur *item
	commentStart := -1
	depth := 0
	finish := func(end int) {
		if cur == nil {
			return
		}
		cur.end = end
		cur.classify()
		if !cur.pkgClause {
			items = append(items, *cur)
		}
		cur = nil
	}
	for {
		pos, tok, _ := sc.Scan()
		if tok == token.EOF {
			finish(len(code))
			break
		}
		off := tf.Offset(pos)
		switch {
		case tok == token.COMMENT:
			if cur == nil && commentStart < 0 {
				commentStart = off
			}
			continue
		case tok == token.SEMICOLON && depth == 0:
			finish(off)
			commentStart = -1
			continue
		}
		if cur == nil {
			start := off
			if commentStart >= 0 {
				start = commentStart
			}
			cur = &item{start: start}
		}
		if len(cur.toks) < 64 {
			cur.toks = append(cur.toks, tok)
		}
		switch tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if depth > 0 {
				depth--
			}
		}
	}
	if errs.Len() > 0 {
		errs.Sort()
		return nil, errs
	}
	for i := range items {
		items[i].end = len(strings.TrimRight(code[:items[i].end], " \t\r\n"))
	}
	return items, nil
}

// classify decides whether an item is a declaration.
func (it *item) classify() {
	t := it.toks
	if len(t) == 0 {
		return
	}
	switch t[0] {
	case token.PACKAGE:
		it.pkgClause = true
	case token.IMPORT, token.TYPE, token.CONST, token.VAR:
		it.decl = true
	case token.FUNC:
		if len(t) > 1 && t[1] == token.IDENT {
			it.decl = true // func F(...)
			return
		}
		if len(t) > 1 && t[1] == token.LPAREN {
			// func (r T) M(...) is a method; func (a A) R {...}(x) a literal.
			d := 0
			for i := 1; i < len(t); i++ {
				switch t[i] {
				case token.LPAREN, token.LBRACK, token.LBRACE:
					d++
				case token.RPAREN, token.RBRACK, token.RBRACE:
					d--
				}
				if d == 0 {
					it.decl = i+2 < len(t) && t[i+1] == token.IDENT && (t[i+2] == token.LPAREN || t[i+2] == token.LBRACK)
					return
				}
			}
		}
	}
}

// lineDirective places the next line at code[start] in the cell.
func lineDirective(file, code string, start int) string {
	line := 1 + strings.Count(code[:start], "\n")
	col := start - (strings.LastIndexByte(code[:start], '\n') + 1) + 1
	// A relative file name in a line directive is relative to the file's
	// directory: give the base name.
	return fmt.Sprintf("\n//line %s:%d:%d\n", path.Base(file), line, col)
}

func parseDecls(fset *token.FileSet, file, code string, start, end int) (*ast.File, error) {
	src := "package main;" + lineDirective(file, code, start) + code[start:end] + "\n"
	return parser.ParseFile(fset, file, src, parser.ParseComments|parser.DeclarationErrors)
}

// parseStmts parses statements as the body of a func main.
func parseStmts(fset *token.FileSet, file, code string, start, end int) (*ast.File, error) {
	src := "package main; func main() {" + lineDirective(file, code, start) + code[start:end] + "\n}"
	return parser.ParseFile(fset, file, src, parser.ParseComments|parser.DeclarationErrors)
}

// parseExpr parses a lone expression for Eval.
func parseExpr(fset *token.FileSet, file, code string) (ast.Expr, *ast.File, error) {
	f, err := parseStmts(fset, file, code, 0, len(code))
	if err != nil {
		return nil, nil, err
	}
	b := f.Decls[0].(*ast.FuncDecl).Body
	if len(b.List) != 1 {
		return nil, nil, fmt.Errorf("want one expression, got %d statements", len(b.List))
	}
	es, ok := b.List[0].(*ast.ExprStmt)
	if !ok {
		return nil, nil, fmt.Errorf("want an expression, got a statement")
	}
	return es.X, f, nil
}

// tidyParseErrors rewords the syntax errors that lie past the cell's end
// (the parser's view of the text the session wraps the cell in): the
// first stays, placed on the cell's last line, as "found the end of the
// cell"; those after an earlier error go.
func tidyParseErrors(err error, code string) error {
	var list scanner.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		return err
	}
	last := 1 + strings.Count(strings.TrimRight(code, " \t\r\n"), "\n")
	var out scanner.ErrorList
	for i, e := range list {
		if e.Pos.Line <= last {
			out = append(out, e)
			continue
		}
		if i > 0 {
			continue
		}
		pos := e.Pos
		pos.Line = last
		msg := e.Msg
		for _, end := range []string{"found 'EOF'", "found '}'"} {
			if strings.HasSuffix(msg, end) {
				msg = strings.TrimSuffix(msg, end) + "found the end of the cell"
			}
		}
		out.Add(pos, msg)
	}
	return out
}
