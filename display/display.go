package display

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// MIME types used throughout contrast.
const (
	MIMEText     = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMELaTeX    = "text/latex"
	MIMEPNG      = "image/png"
	MIMEJPEG     = "image/jpeg"
	MIMESVG      = "image/svg+xml"
	MIMEJSON     = "application/json"
)

// Bundle maps MIME types to data, as Jupyter's display_data does. Text types
// (text/*, image/svg+xml) hold a string; binary types (image/png,
// image/jpeg) hold []byte, which front ends base64-encode on the wire;
// application/json holds any value encoding/json can marshal.
//
// A Bundle returned as the last expression of a cell is displayed as is.
type Bundle map[string]any

// Render implements Renderer.
func (b Bundle) Render() (Bundle, error) { return b, nil }

// MIMETypes lists the bundle's types, richest first (see Richness).
func (b Bundle) MIMETypes() []string {
	types := make([]string, 0, len(b))
	for t := range b {
		types = append(types, t)
	}
	sort.SliceStable(types, func(i, j int) bool {
		ri, rj := Richness(types[i]), Richness(types[j])
		if ri != rj {
			return ri > rj
		}
		return types[i] < types[j]
	})
	return types
}

// Richness orders MIME types as front ends prefer them: the higher, the
// richer. Unknown types rank just above text/plain.
func Richness(mime string) int {
	switch mime {
	case MIMEPNG, MIMEJPEG:
		return 70
	case MIMESVG:
		return 60
	case MIMEHTML:
		return 50
	case MIMEMarkdown:
		return 40
	case MIMELaTeX:
		return 30
	case MIMEJSON:
		return 20
	case MIMEText:
		return 0
	}
	return 10
}

// String returns the bundle's data for mime as a string: text as is, binary
// data base64-encoded, JSON marshalled. It returns "" when mime is absent.
func (b Bundle) String(mime string) string {
	v, ok := b[mime]
	if !ok {
		return ""
	}
	switch d := v.(type) {
	case string:
		return d
	case []byte:
		if strings.HasPrefix(mime, "text/") || mime == MIMESVG {
			return string(d)
		}
		return base64.StdEncoding.EncodeToString(d)
	default:
		out, err := json.Marshal(d)
		if err != nil {
			return fmt.Sprint(d)
		}
		return string(out)
	}
}

// Sink receives rich output. Front ends implement it; the session binds one
// per cell with Bind. Implementations must be safe for concurrent use:
// goroutines started by a cell may display at any time.
type Sink interface {
	// Display shows data. id is "" or a display id that later Updates
	// refer to.
	Display(data Bundle, metadata map[string]any, id string)
	// Update replaces, wherever it is shown, the output displayed under id.
	Update(id string, data Bundle, metadata map[string]any)
	// Clear clears the current cell's output; with wait, not until new
	// output arrives.
	Clear(wait bool)
}

type binding struct {
	sink Sink
	ctx  context.Context
}

var (
	current atomic.Pointer[binding]
	nextID  atomic.Uint64
	// textMu serialises the stderr fallback.
	textMu sync.Mutex
)

// Bind makes sink receive all display output and ctx the value of Context,
// until the returned function is called, which restores what was bound
// before. The session calls it around each cell; tests may call it too.
func Bind(ctx context.Context, sink Sink) (unbind func()) {
	if ctx == nil {
		ctx = context.Background()
	}
	prev := current.Swap(&binding{sink: sink, ctx: ctx})
	return func() { current.Store(prev) }
}

// Context returns the running cell's context: it is cancelled when the user
// interrupts the cell. Outside a cell it is context.Background().
func Context() context.Context {
	if b := current.Load(); b != nil && b.ctx != nil {
		return b.ctx
	}
	return context.Background()
}

// Interrupted reports whether the running cell has been interrupted; a
// shorthand for Context().Err() != nil for use in loops.
func Interrupted() bool { return Context().Err() != nil }

// NewID returns a fresh display id for ShowID and Update.
func NewID() string {
	return fmt.Sprintf("contrast-%d-%d", os.Getpid(), nextID.Add(1))
}

func sink() Sink {
	if b := current.Load(); b != nil && b.sink != nil {
		return b.sink
	}
	return stderrSink{}
}

// Show displays v as its richest MIME bundle (see Of).
func Show(v any) { ShowID("", v) }

// ShowID displays v under display id, so that Update(id, ...) can replace
// it later. An empty id is the same as Show.
func ShowID(id string, v any) {
	b, meta := bundleOf(v)
	sink().Display(b, meta, id)
}

// Update replaces the output shown under id with v.
func Update(id string, v any) {
	b, meta := bundleOf(v)
	sink().Update(id, b, meta)
}

// Clear clears the cell's output; with wait, only when new output arrives
// (which avoids flicker in animations).
func Clear(wait bool) { sink().Clear(wait) }

func bundleOf(v any) (Bundle, map[string]any) {
	b, err := Of(v)
	if err != nil {
		b = Bundle{MIMEText: "display: " + err.Error()}
	}
	var meta map[string]any
	if m, ok := v.(Metadataer); ok {
		meta = m.DisplayMetadata()
	}
	return b, meta
}

// PNG displays PNG-encoded image data.
func PNG(data []byte) {
	Show(Bundle{MIMEPNG: data, MIMEText: fmt.Sprintf("<PNG image, %d bytes>", len(data))})
}

// JPEG displays JPEG-encoded image data.
func JPEG(data []byte) {
	Show(Bundle{MIMEJPEG: data, MIMEText: fmt.Sprintf("<JPEG image, %d bytes>", len(data))})
}

// SVG displays an SVG document.
func SVG(svg string) { Show(Bundle{MIMESVG: svg, MIMEText: "<SVG image>"}) }

// HTML displays an HTML fragment.
func HTML(html string) { Show(Bundle{MIMEHTML: html, MIMEText: StripTags(html)}) }

// Markdown displays Markdown text.
func Markdown(md string) { Show(Bundle{MIMEMarkdown: md, MIMEText: md}) }

// LaTeX displays LaTeX math, such as `$\tau = 0.5$`.
func LaTeX(tex string) { Show(Bundle{MIMELaTeX: tex, MIMEText: tex}) }

// JSON displays v as JSON (front ends show an expandable tree).
func JSON(v any) {
	text, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		Show(Bundle{MIMEText: "display.JSON: " + err.Error()})
		return
	}
	Show(Bundle{MIMEJSON: v, MIMEText: string(text)})
}

// Text displays plain text as a display (not a stream).
func Text(s string) { Show(Bundle{MIMEText: s}) }

// StripTags returns html without its tags and with common entities decoded:
// a readable text/plain fallback.
func StripTags(html string) string {
	var sb strings.Builder
	in := false
	for _, r := range html {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			sb.WriteRune(r)
		}
	}
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&nbsp;", " ", "&amp;", "&")
	return r.Replace(sb.String())
}

// stderrSink is used when no front end is bound: text goes to stderr.
type stderrSink struct{}

func (stderrSink) Display(b Bundle, _ map[string]any, _ string) {
	textMu.Lock()
	defer textMu.Unlock()
	fmt.Fprintln(os.Stderr, b.String(MIMEText))
}

func (s stderrSink) Update(id string, b Bundle, meta map[string]any) { s.Display(b, meta, id) }

func (stderrSink) Clear(bool) {}
