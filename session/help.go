package session

import (
	"regexp"
	"strings"

	"github.com/gocontrast/contrast/display"
)

// A help request, as IPython has it: a cell whose last line is a name
// followed (or preceded) by a question mark, "strings.Split?", "?x", or
// by two for the source, "f??". Go has no use for a question mark outside
// strings and comments, so the syntax cannot shadow a valid cell. The
// cell's other lines run as usual; the inspection of the name goes to
// Result.Page, which the kernel sends as a "page" payload.

var helpRE = regexp.MustCompile(`^\s*(\?{0,2})([A-Za-z_][\w.]*)(\?{0,2})\s*$`)

// helpRequest splits a cell into the code before a help request and the
// name asked about; ok is false when the last line asks for nothing.
func helpRequest(code string) (rest, name string, detail int, ok bool) {
	trimmed := strings.TrimRight(code, " \t\r\n")
	i := strings.LastIndexByte(trimmed, '\n')
	m := helpRE.FindStringSubmatch(trimmed[i+1:])
	if m == nil || (m[1] == "") == (m[3] == "") {
		return "", "", 0, false // no question mark, or on both sides
	}
	if len(m[1]) == 2 || len(m[3]) == 2 {
		detail = 1
	}
	if i < 0 {
		return "", m[2], detail, true
	}
	return trimmed[:i], m[2], detail, true
}

// help is the page for name, inspected in the context of code (Inspect
// knows members of packages that nothing imports: strings.Split? alone).
func (s *Session) help(code, name string, detail int) display.Bundle {
	ask := func(ctx string) (Inspection, bool) {
		text := ctx + name
		got := s.Inspect(text, len(text), detail)
		return got, got.Found
	}
	ctx := ""
	if strings.TrimSpace(code) != "" {
		ctx = code + "\n"
	}
	got, ok := ask(ctx)
	if !ok {
		return display.Bundle{display.MIMEText: "no documentation found for " + name}
	}
	return got.Data
}
