package repl

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocontrast/contrast/display"
)

func progressMeta(done bool) map[string]any {
	return map[string]any{"contrast": map[string]any{"progress": true, "done": done}}
}

func testPNG(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 40), uint8(y * 40), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func newTestScreen(t *testing.T, tty bool) (*screen, *bytes.Buffer, *bytes.Buffer) {
	images, err := newImageDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var out, errw bytes.Buffer
	return newScreen(&out, &errw, tty, false, inlineNone, func() int { return 60 }, images), &out, &errw
}

// TestProgressInPlace: on a terminal, running bars are redrawn where they
// are, other output lands above them, and a finished bar stays.
func TestProgressInPlace(t *testing.T) {
	term := newVT(t, 60, 10)
	images, _ := newImageDir(t.TempDir())
	s := newScreen(term, term, true, false, inlineNone, func() int { return 60 }, images)
	out, errw := s.stream(false), s.stream(true)
	s.beginCell(1)
	out.Write([]byte("start\n"))
	s.Display(display.Bundle{display.MIMEText: "epoch 0/3"}, progressMeta(false), "p1")
	s.Update("p1", display.Bundle{display.MIMEText: "epoch 1/3"}, progressMeta(false))
	s.Display(display.Bundle{display.MIMEText: "batch 0/9"}, progressMeta(false), "p2")
	out.Write([]byte("half a "))
	s.Update("p2", display.Bundle{display.MIMEText: "batch 5/9"}, progressMeta(false))
	out.Write([]byte("line\nand "))
	errw.Write([]byte("a warning\n"))
	if got, want := term.screen(), "start\nhalf a line\na warning\nepoch 1/3\nbatch 5/9"; got != want {
		t.Errorf("while running:\n%s\nwant:\n%s", got, want)
	}
	s.Update("p2", display.Bundle{display.MIMEText: "batch 9/9"}, progressMeta(true))
	s.Update("p1", display.Bundle{display.MIMEText: "epoch 2/3"}, progressMeta(false))
	s.endCell()
	want := "start\nhalf a line\na warning\nbatch 9/9\nepoch 2/3\nand"
	if got := term.screen(); got != want {
		t.Errorf("after the cell:\n%s\nwant:\n%s", got, want)
	}
	if term.x != 0 {
		t.Errorf("the prompt would start at column %d, want 0", term.x)
	}
}

// TestProgressTruncated: a bar wider than the terminal is cut, so that it
// never wraps (which would break redrawing in place).
func TestProgressTruncated(t *testing.T) {
	term := newVT(t, 20, 5)
	images, _ := newImageDir(t.TempDir())
	s := newScreen(term, term, true, false, inlineNone, func() int { return 20 }, images)
	long := strings.Repeat("█", 50)
	s.Display(display.Bundle{display.MIMEText: long}, progressMeta(false), "p")
	s.Update("p", display.Bundle{display.MIMEText: "x" + long}, progressMeta(false))
	s.endCell()
	if got, want := term.screen(), "x"+strings.Repeat("█", 18); got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

// TestProgressPlain: off a terminal a bar prints its first state, a line
// every plainProgressEvery, and its last state, without escapes.
func TestProgressPlain(t *testing.T) {
	s, out, _ := newTestScreen(t, false)
	clock := time.Unix(0, 0)
	s.now = func() time.Time { return clock }
	s.Display(display.Bundle{display.MIMEText: "step 0"}, progressMeta(false), "p")
	for i := 1; i <= 100; i++ {
		clock = clock.Add(100 * time.Millisecond)
		s.Update("p", display.Bundle{display.MIMEText: "step " + strconv.Itoa(i)}, progressMeta(i == 100))
	}
	s.endCell()
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{"step 0", "step 50", "step 100"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("plain progress lines: got %q want %q", got, want)
	}
}

// TestNoEscapesOffTerminal: whatever a cell shows, a pipe gets no escape
// sequence, not even with an inline image protocol detected.
func TestNoEscapesOffTerminal(t *testing.T) {
	images, _ := newImageDir(t.TempDir())
	var out, errw bytes.Buffer
	s := newScreen(&out, &errw, false, false, inlineKitty, func() int { return 80 }, images)
	s.beginCell(1)
	s.stream(false).Write([]byte("text"))
	s.Display(display.Bundle{display.MIMEPNG: testPNG(t, 4, 3), display.MIMEText: "<img>"}, nil, "")
	s.Display(display.Bundle{display.MIMEHTML: "<b>x</b>"}, nil, "")
	s.Display(display.Bundle{display.MIMEText: "p"}, progressMeta(false), "p")
	s.Update("p", display.Bundle{display.MIMEText: "p"}, progressMeta(true))
	s.endCell()
	if strings.Contains(out.String()+errw.String(), "\x1b") {
		t.Errorf("escape sequence written to a pipe: %q", out.String())
	}
}

// TestImagesWritten: images go to the folder, one file per display (an
// update rewrites its file), and their path is printed.
func TestImagesWritten(t *testing.T) {
	s, out, _ := newTestScreen(t, false)
	data := testPNG(t, 4, 3)
	s.beginCell(7)
	s.Display(display.Bundle{display.MIMEPNG: data, display.MIMEText: "<img>"}, nil, "")
	s.Display(display.Bundle{display.MIMESVG: "<svg/>", display.MIMEText: "<svg>"}, nil, "fig")
	s.Update("fig", display.Bundle{display.MIMESVG: "<svg>2</svg>"}, nil)
	s.endCell()
	dir := s.images.dir
	paths := regexp.MustCompile(`\[(?:image 4×3|SVG image): (\S+)\]`).FindAllStringSubmatch(out.String(), -1)
	if len(paths) != 3 {
		t.Fatalf("want 3 image lines, got output %q", out.String())
	}
	if paths[0][1] != filepath.Join(dir, s.images.prefix+"7-1.png") {
		t.Errorf("first image at %s", paths[0][1])
	}
	got, err := os.ReadFile(paths[0][1])
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("PNG file: %v, %d bytes want %d", err, len(got), len(data))
	}
	if paths[1][1] != paths[2][1] {
		t.Errorf("an update should rewrite its display's file: %s then %s", paths[1][1], paths[2][1])
	}
	if svg, _ := os.ReadFile(paths[2][1]); string(svg) != "<svg>2</svg>" {
		t.Errorf("updated SVG holds %q", svg)
	}
}

// TestInlineOnTerminal: on a terminal with an inline protocol the image is
// also drawn.
func TestInlineOnTerminal(t *testing.T) {
	images, _ := newImageDir(t.TempDir())
	var out bytes.Buffer
	s := newScreen(&out, &out, true, false, inlineITerm2, func() int { return 80 }, images)
	s.Display(display.Bundle{display.MIMEPNG: testPNG(t, 4, 3)}, nil, "")
	if !strings.Contains(out.String(), "\x1b]1337;File=") {
		t.Errorf("no iTerm2 image in %q", out.String())
	}
}

// TestRichText: HTML and Markdown are shown as readable text.
func TestRichText(t *testing.T) {
	s, out, _ := newTestScreen(t, false)
	html := "<table><tr><th>k</th><th>acc</th></tr><tr><td>1</td><td>0.83</td></tr></table>"
	s.Display(display.Bundle{display.MIMEHTML: html, display.MIMEText: display.StripTags(html)}, nil, "")
	s.Display(display.Bundle{display.MIMEMarkdown: "# Title\n\n*x*", display.MIMEText: "# Title\n\n*x*"}, nil, "")
	s.Display(display.Bundle{display.MIMEHTML: "<p>a</p>", display.MIMEText: "Table(2 rows)"}, nil, "")
	want := "k  acc\n1  0.83\n# Title\n\n*x*\nTable(2 rows)\n"
	if got := out.String(); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestOutputAtPrompt: output of a goroutine that arrives while the line
// editor has the terminal (raw mode) takes the input line's place, with
// carriage returns, and the editor is asked to draw the input again.
func TestOutputAtPrompt(t *testing.T) {
	s, out, _ := newTestScreen(t, true)
	redraws := 0
	s.redraw = func() { redraws++ }
	s.raw.Store(true)
	s.stream(false).Write([]byte("late\nli"))
	s.stream(false).Write([]byte("ne\n"))
	if got, want := out.String(), "\r\x1b[2Klate\r\n\r\x1b[2Kline\r\n"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	if redraws != 2 {
		t.Errorf("%d redraws want 2", redraws)
	}
}
