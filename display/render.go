package display

import (
	"errors"
	"fmt"
)

// Renderer is implemented by values that render themselves as a full MIME
// bundle, such as plots (PNG plus a text description). It is the richest of
// the interfaces Of looks for.
type Renderer interface {
	Render() (Bundle, error)
}

// PNGer is implemented by values that render as a PNG image.
type PNGer interface {
	PNG() ([]byte, error)
}

// SVGer is implemented by values that render as an SVG document.
type SVGer interface {
	SVG() (string, error)
}

// HTMLer is implemented by values that render as an HTML fragment.
type HTMLer interface {
	HTML() string
}

// Markdowner is implemented by values that render as Markdown.
type Markdowner interface {
	Markdown() string
}

// LaTeXer is implemented by values that render as LaTeX.
type LaTeXer interface {
	LaTeX() string
}

// Metadataer is implemented by values that attach display metadata (for
// instance {"image/png": {"width": 640}}).
type Metadataer interface {
	DisplayMetadata() map[string]any
}

// ErrNotRenderable is returned by Of for values that implement none of the
// rendering interfaces; front ends then fall back to their own text form.
var ErrNotRenderable = errors.New("display: value does not render itself")

// Of returns the MIME bundle of v: v itself for a Bundle, Render for a
// Renderer, otherwise a bundle built from whichever of PNGer, SVGer, HTMLer,
// Markdowner and LaTeXer v implements (all of them, so front ends can pick),
// with text/plain from fmt.Stringer or %v. A value that implements none of
// them gives ErrNotRenderable; nil gives an error too.
func Of(v any) (Bundle, error) {
	switch x := v.(type) {
	case nil:
		return nil, errors.New("display: nil value")
	case Bundle:
		return x, nil
	case map[string]any:
		return Bundle(x), nil
	case Renderer:
		b, err := x.Render()
		if err != nil {
			return nil, fmt.Errorf("display: rendering %T: %w", v, err)
		}
		if _, ok := b[MIMEText]; !ok {
			b[MIMEText] = fmt.Sprintf("<%T>", v)
		}
		return b, nil
	}
	b := Bundle{}
	if x, ok := v.(PNGer); ok {
		png, err := x.PNG()
		if err != nil {
			return nil, fmt.Errorf("display: rendering %T as PNG: %w", v, err)
		}
		b[MIMEPNG] = png
	}
	if x, ok := v.(SVGer); ok {
		svg, err := x.SVG()
		if err != nil {
			return nil, fmt.Errorf("display: rendering %T as SVG: %w", v, err)
		}
		b[MIMESVG] = svg
	}
	if x, ok := v.(HTMLer); ok {
		b[MIMEHTML] = x.HTML()
	}
	if x, ok := v.(Markdowner); ok {
		b[MIMEMarkdown] = x.Markdown()
	}
	if x, ok := v.(LaTeXer); ok {
		b[MIMELaTeX] = x.LaTeX()
	}
	if len(b) == 0 {
		return nil, ErrNotRenderable
	}
	switch {
	case isStringer(v):
		b[MIMEText] = v.(fmt.Stringer).String()
	case b[MIMEMarkdown] != nil:
		b[MIMEText] = b[MIMEMarkdown]
	case b[MIMEHTML] != nil:
		b[MIMEText] = StripTags(b[MIMEHTML].(string))
	default:
		b[MIMEText] = fmt.Sprintf("<%T>", v)
	}
	return b, nil
}

func isStringer(v any) bool {
	_, ok := v.(fmt.Stringer)
	return ok
}
