package session

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gocontrast/contrast/display"
)

// maxText bounds the text/plain form of a result: a cell that ends in a
// million-element slice should not send megabytes to the notebook.
const maxText = 100 << 10

// resultMetadata is the display metadata of a single rendering value.
func resultMetadata(vs []any) map[string]any {
	if n := len(vs); n > 1 && vs[n-1] == nil {
		vs = vs[:n-1]
	}
	if len(vs) == 1 {
		if m, ok := vs[0].(display.Metadataer); ok && renders(vs[0]) {
			return m.DisplayMetadata()
		}
	}
	return nil
}

// resultBundle is the display bundle of a cell's trailing expression, whose
// values are vs (several for a call with several results). Values that
// render themselves (display.Renderer, PNGer, ...) give their bundle;
// others a text/plain form. It returns nil when there is nothing to show: a
// single nil value. A trailing nil among several values (the nil error of
// (T, error)) is dropped.
//
// Interpreted values arrive wrapped in the richest display interface they
// implement (the session registers Out with yaegi's MapTypes), since their
// methods are invisible to compiled type assertions.
//
// A value that renders itself but fails to (display.Of's error) gives
// that error.
func resultBundle(vs []any) (display.Bundle, error) {
	if n := len(vs); n > 1 && vs[n-1] == nil {
		vs = vs[:n-1]
	}
	switch len(vs) {
	case 0:
		return nil, nil
	case 1:
		v := vs[0]
		if v == nil {
			return nil, nil
		}
		if renders(v) {
			return display.Of(v)
		}
		return display.Bundle{display.MIMEText: formatValue(v)}, nil
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = formatValue(v)
	}
	return display.Bundle{display.MIMEText: truncate(strings.Join(parts, ", "))}, nil
}

// renders reports whether v displays itself. A plain map[string]any is a
// value, not a bundle, although display.Of would take it as one.
func renders(v any) bool {
	switch v.(type) {
	case display.Renderer, display.PNGer, display.SVGer, display.HTMLer, display.Markdowner, display.LaTeXer:
		return true
	}
	return false
}

// formatValue is the text/plain form of a value, as a Go programmer
// expects to read it: strings quoted (raw-quoted when they span lines),
// errors and Stringers by their text, structs with field names.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case error:
		return truncate(x.Error())
	case fmt.Stringer:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return "<nil>"
		}
		return truncate(x.String())
	case string:
		return truncate(quote(x))
	case []string:
		return truncate(fmt.Sprintf("%q", x))
	case []byte:
		return truncate(fmt.Sprint(x))
	}
	return truncate(plusV(v))
}

// plusV formats v with %+v. yaegi gives a cell's struct types unexported
// fields an X prefix (code becomes Xcode) so that reflect may set them;
// the prefix is removed again.
func plusV(v any) string {
	out := fmt.Sprintf("%+v", v)
	if hasRenamedFields(reflect.TypeOf(v), 0) {
		out = renamedFieldRE.ReplaceAllString(out, "$1$2:")
	}
	return out
}

var renamedFieldRE = regexp.MustCompile(`([{ ])X([a-z_][A-Za-z0-9_]*):`)

func hasRenamedFields(t reflect.Type, depth int) bool {
	if t == nil || depth > 8 {
		return false
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return hasRenamedFields(t.Elem(), depth+1)
	case reflect.Map:
		return hasRenamedFields(t.Key(), depth+1) || hasRenamedFields(t.Elem(), depth+1)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			n := t.Field(i).Name
			if len(n) > 1 && n[0] == 'X' && (n[1] == '_' || n[1] >= 'a' && n[1] <= 'z') {
				return true
			}
			if hasRenamedFields(t.Field(i).Type, depth+1) {
				return true
			}
		}
	}
	return false
}

// quote quotes s with backquotes when it spans lines and can be written so,
// otherwise as Go's %q.
func quote(s string) string {
	if strings.Contains(s, "\n") && !strings.ContainsAny(s, "`\r") && utf8.ValidString(s) {
		printable := true
		for _, r := range s {
			if r != '\n' && r != '\t' && !strconv.IsPrint(r) {
				printable = false
				break
			}
		}
		if printable {
			return "`" + s + "`"
		}
	}
	return strconv.Quote(s)
}

func truncate(s string) string {
	if len(s) <= maxText {
		return s
	}
	cut := maxText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d more bytes)", len(s)-cut)
}
