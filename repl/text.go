package repl

import (
	"html"
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	tagRE   = regexp.MustCompile(`(?s)<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>|<!--.*?-->`)
	spaceRE = regexp.MustCompile(`[ \t\r\n]+`)
	blankRE = regexp.MustCompile(`\n{3,}`)
)

// htmlText turns an HTML fragment into readable plain text: block
// elements start lines, list items get bullets, tables become aligned
// columns, <pre> keeps its spacing, scripts and styles are dropped and
// entities decoded.
func htmlText(src string) string {
	var out strings.Builder
	var table [][]string // rows of the table being read
	var cell *strings.Builder
	pre, skip := 0, 0
	emit := func(s string) {
		if skip > 0 {
			return
		}
		if cell != nil {
			cell.WriteString(s)
			return
		}
		out.WriteString(s)
	}
	newline := func() {
		if cell == nil && skip == 0 {
			if s := out.String(); s != "" && !strings.HasSuffix(s, "\n") {
				out.WriteByte('\n')
			}
		}
	}
	text := func(s string) {
		s = html.UnescapeString(s)
		if pre == 0 {
			s = spaceRE.ReplaceAllString(s, " ")
			cur := out.String()
			if cell != nil {
				cur = cell.String()
			}
			if cur == "" || strings.HasSuffix(cur, "\n") || strings.HasSuffix(cur, " ") {
				s = strings.TrimLeft(s, " ")
			}
		}
		emit(s)
	}
	last := 0
	for _, m := range tagRE.FindAllStringSubmatchIndex(src, -1) {
		text(src[last:m[0]])
		last = m[1]
		if m[4] < 0 { // a comment
			continue
		}
		closing := m[3] > m[2]
		name := strings.ToLower(src[m[4]:m[5]])
		switch name {
		case "script", "style", "head":
			if closing {
				skip = max(skip-1, 0)
			} else if m[7] == m[6] {
				skip++
			}
		case "pre":
			newline()
			if closing {
				pre = max(pre-1, 0)
			} else {
				pre++
			}
		case "br":
			if cell != nil {
				cell.WriteByte(' ')
			} else {
				emit("\n")
			}
		case "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "section", "article", "hr":
			newline()
		case "li":
			newline()
			if !closing {
				emit("  • ")
			}
		case "table":
			if closing {
				if cell != nil {
					table[len(table)-1] = append(table[len(table)-1], strings.TrimSpace(cell.String()))
					cell = nil
				}
				out.WriteString(layoutTable(table))
				table = nil
			} else {
				newline()
				table = [][]string{}
			}
		case "tr":
			if table != nil {
				if cell != nil {
					table[len(table)-1] = append(table[len(table)-1], strings.TrimSpace(cell.String()))
					cell = nil
				}
				if !closing {
					table = append(table, nil)
				}
			}
		case "td", "th":
			if table == nil {
				continue
			}
			if len(table) == 0 {
				table = append(table, nil)
			}
			if cell != nil {
				table[len(table)-1] = append(table[len(table)-1], strings.TrimSpace(cell.String()))
				cell = nil
			}
			if !closing {
				cell = &strings.Builder{}
			}
		}
	}
	text(src[last:])
	if table != nil {
		out.WriteString(layoutTable(table))
	}
	s := blankRE.ReplaceAllString(out.String(), "\n\n")
	return strings.TrimRight(s, " \n")
}

// layoutTable aligns rows of cells in columns separated by two spaces.
func layoutTable(rows [][]string) string {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		if len(r) == 0 {
			continue
		}
		var line strings.Builder
		for i, c := range r {
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// truncateWidth cuts s to at most w runes (terminal cells; the progress
// bars use single-width characters only), so that a line never wraps.
func truncateWidth(s string, w int) string {
	if w <= 0 || utf8.RuneCountInString(s) <= w {
		return s
	}
	n := 0
	for i := range s {
		if n == w {
			return s[:i]
		}
		n++
	}
	return s
}
