package display

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

type event struct {
	kind string // display, update, clear
	id   string
	data Bundle
}

type recorder struct {
	mu     sync.Mutex
	events []event
}

func (r *recorder) Display(b Bundle, _ map[string]any, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{"display", id, b})
}

func (r *recorder) Update(id string, b Bundle, _ map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{"update", id, b})
}

func (r *recorder) Clear(wait bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{"clear", "", nil})
}

type htmlOnly struct{}

func (htmlOnly) HTML() string { return "<b>bold</b> &amp; more" }

type both struct{}

func (both) HTML() string         { return "<i>x</i>" }
func (both) PNG() ([]byte, error) { return []byte{0x89, 'P', 'N', 'G'}, nil }
func (both) String() string       { return "both" }
func (both) Markdown() string     { return "*x*" }
func (both) SVG() (string, error) { return "", errors.New("no svg today") }

type renderer struct{}

func (renderer) Render() (Bundle, error) { return Bundle{MIMESVG: "<svg/>"}, nil }

func TestOfPicksInterfaces(t *testing.T) {
	b, err := Of(htmlOnly{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(MIMEText), "bold & more"; got != want {
		t.Errorf("text/plain fallback: got %q want %q", got, want)
	}
	if got := b.MIMETypes(); got[0] != MIMEHTML {
		t.Errorf("richest type: got %v want text/html first", got)
	}

	if _, err := Of(both{}); err == nil || !strings.Contains(err.Error(), "no svg today") {
		t.Errorf("an SVG error should surface, got %v", err)
	}

	b, err = Of(renderer{})
	if err != nil {
		t.Fatal(err)
	}
	if b.String(MIMEText) == "" {
		t.Errorf("Renderer without text/plain should get a text fallback")
	}
	if _, err := Of(42); !errors.Is(err, ErrNotRenderable) {
		t.Errorf("Of(42): got %v want ErrNotRenderable", err)
	}
	if _, err := Of(nil); err == nil {
		t.Errorf("Of(nil) should fail")
	}
}

func TestBundleString(t *testing.T) {
	b := Bundle{MIMEPNG: []byte{1, 2, 3}, MIMEJSON: map[string]int{"a": 1}, MIMEText: "t"}
	if got, want := b.String(MIMEPNG), "AQID"; got != want {
		t.Errorf("png: got %q want %q", got, want)
	}
	if got, want := b.String(MIMEJSON), `{"a":1}`; got != want {
		t.Errorf("json: got %q want %q", got, want)
	}
	if got := b.String("image/gif"); got != "" {
		t.Errorf("absent type: got %q want empty", got)
	}
}

func TestBindRoutesAndRestores(t *testing.T) {
	outer, inner := &recorder{}, &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	unbindOuter := Bind(context.Background(), outer)
	unbindInner := Bind(ctx, inner)
	HTML("<p>hi</p>")
	if Interrupted() {
		t.Fatal("Interrupted before cancel")
	}
	cancel()
	if !Interrupted() || Context().Err() == nil {
		t.Fatal("cancelling the bound context must show in Context and Interrupted")
	}
	unbindInner()
	Markdown("# title")
	unbindOuter()
	if len(inner.events) != 1 || inner.events[0].data[MIMEHTML] != "<p>hi</p>" {
		t.Errorf("inner sink: got %+v", inner.events)
	}
	if len(outer.events) != 1 || outer.events[0].data[MIMEMarkdown] != "# title" {
		t.Errorf("outer sink after unbind: got %+v", outer.events)
	}
	if Context().Err() != nil {
		t.Errorf("context after unbinding everything should be Background")
	}
}

func TestShowIDAndUpdate(t *testing.T) {
	r := &recorder{}
	defer Bind(nil, r)()
	id := NewID()
	if id == NewID() {
		t.Fatal("NewID repeated itself")
	}
	ShowID(id, Bundle{MIMEText: "v1"})
	Update(id, Bundle{MIMEText: "v2"})
	Clear(true)
	if len(r.events) != 3 {
		t.Fatalf("got %d events want 3", len(r.events))
	}
	if r.events[0].id != id || r.events[1].id != id || r.events[1].kind != "update" || r.events[1].data[MIMEText] != "v2" {
		t.Errorf("events: %+v", r.events)
	}
}

func TestProgressUpdatesOneDisplay(t *testing.T) {
	r := &recorder{}
	defer Bind(nil, r)()
	clock := time.Unix(0, 0)
	p := NewProgress(10, "epoch 1")
	p.now = func() time.Time { return clock }
	for i := 0; i < 10; i++ {
		clock = clock.Add(50 * time.Millisecond) // two steps per 100 ms redraw
		p.SetPostfix("loss 0.5")
		p.Add(1)
	}
	p.Done()
	p.Done()
	if len(r.events) < 3 {
		t.Fatalf("want a display then updates, got %d events", len(r.events))
	}
	if r.events[0].kind != "display" {
		t.Errorf("first event %q want display", r.events[0].kind)
	}
	for _, e := range r.events[1:] {
		if e.kind != "update" || e.id != p.ID() {
			t.Errorf("later events must update display %s, got %+v", p.ID(), e)
		}
	}
	if len(r.events) > 8 {
		t.Errorf("throttling: %d events for 10 steps at 50 ms with a 100 ms interval", len(r.events))
	}
	last := r.events[len(r.events)-1].data.String(MIMEText)
	for _, want := range []string{"epoch 1", "100%", "10/10", "loss 0.5", "it/s"} {
		if !strings.Contains(last, want) {
			t.Errorf("final bar %q lacks %q", last, want)
		}
	}
	running := r.events[1].data.String(MIMEText)
	if !strings.Contains(running, "<") { // ETA shown while running
		t.Errorf("running bar %q shows no ETA", running)
	}
}

func TestFormat(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{{0, "00:00"}, {61 * time.Second, "01:01"}, {3723 * time.Second, "1:02:03"}}
	for _, c := range cases {
		if got := FormatDuration(c.d); got != c.want {
			t.Errorf("FormatDuration(%v)=%q want %q", c.d, got, c.want)
		}
	}
	if got := FormatRate(0.5); got != "2.00s/it" {
		t.Errorf("FormatRate(0.5)=%q", got)
	}
	if got := FormatRate(12.345); got != "12.35it/s" {
		t.Errorf("FormatRate(12.345)=%q", got)
	}
}
