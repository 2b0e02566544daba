package repl

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/draw"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestDetectInline(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TERM": "xterm-256color"}, inlineNone},
		{map[string]string{"TERM": "xterm-kitty"}, inlineKitty},
		{map[string]string{"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, inlineKitty},
		{map[string]string{"TERM": "xterm-ghostty"}, inlineKitty},
		{map[string]string{"TERM_PROGRAM": "iTerm.app"}, inlineITerm2},
		{map[string]string{"LC_TERMINAL": "iTerm2"}, inlineITerm2},
		{map[string]string{"TERM_PROGRAM": "WezTerm"}, inlineITerm2},
		// tmux and screen swallow the sequences.
		{map[string]string{"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"}, inlineNone},
		{map[string]string{"TERM": "screen-256color", "LC_TERMINAL": "iTerm2"}, inlineNone},
		// Sixel only on request; the variable overrides everything.
		{map[string]string{"TERM": "xterm"}, inlineNone},
		{map[string]string{"TERM": "xterm", "CONTRAST_INLINE": "sixel"}, inlineSixel},
		{map[string]string{"TERM": "xterm-kitty", "CONTRAST_INLINE": "off"}, inlineNone},
		{map[string]string{"TMUX": "x", "CONTRAST_INLINE": "kitty"}, inlineKitty},
	}
	for _, c := range cases {
		if got := detectInline(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("%v: got %q want %q", c.env, got, c.want)
		}
	}
}

// TestKittyImage checks the escapes against the kitty graphics protocol:
// APC G keys ; payload ST, at most 4096 base64 bytes a chunk, every chunk
// but the last with m=1 and a length that is a multiple of 4, the control
// keys (a=T, f=100 for PNG, q=2) in the first chunk only, and the payloads
// concatenated decoding to the PNG.
func TestKittyImage(t *testing.T) {
	for _, size := range []int{0, 10, 3071, 3072, 3073, 10000} {
		data := bytes.Repeat([]byte{0x89, 'P', 'N', 'G', 7}, size/5+1)[:size]
		esc := kittyImage(data, 40)
		re := regexp.MustCompile(`\x1b_G([^;\x1b]*);([^\x1b]*)\x1b\\`)
		chunks := re.FindAllStringSubmatch(esc, -1)
		if strings.Join(re.FindAllString(esc, -1), "") != esc {
			t.Fatalf("size %d: stray bytes between escapes", size)
		}
		var payload strings.Builder
		for i, c := range chunks {
			keys := map[string]string{}
			for _, kv := range strings.Split(c[1], ",") {
				k, v, _ := strings.Cut(kv, "=")
				keys[k] = v
			}
			last := i == len(chunks)-1
			if want := map[bool]string{true: "0", false: "1"}[last]; keys["m"] != want {
				t.Errorf("size %d chunk %d: m=%s want %s", size, i, keys["m"], want)
			}
			if len(c[2]) > kittyChunk || !last && len(c[2])%4 != 0 {
				t.Errorf("size %d chunk %d: %d payload bytes", size, i, len(c[2]))
			}
			if i == 0 {
				if keys["a"] != "T" || keys["f"] != "100" || keys["q"] != "2" || keys["c"] != "40" {
					t.Errorf("size %d: first chunk keys %v", size, keys)
				}
			} else if len(keys) != 1 {
				t.Errorf("size %d chunk %d: keys %v beyond m", size, i, keys)
			}
			payload.WriteString(c[2])
		}
		if want := (base64.StdEncoding.EncodedLen(size) + kittyChunk - 1) / kittyChunk; len(chunks) != max(want, 1) {
			t.Errorf("size %d: %d chunks want %d", size, len(chunks), max(want, 1))
		}
		got, err := base64.StdEncoding.DecodeString(payload.String())
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("size %d: payload does not decode to the image: %v", size, err)
		}
	}
}

// TestITerm2Image checks iTerm2's inline image escape: OSC 1337 ;
// File=key=value;... : base64 BEL, with inline=1, the size in bytes and the
// name base64-encoded.
func TestITerm2Image(t *testing.T) {
	data := testPNG(t, 5, 4)
	esc := iterm2Image(data, "3-1.png", "")
	m := regexp.MustCompile(`^\x1b\]1337;File=([^:]*):([A-Za-z0-9+/=]*)\a$`).FindStringSubmatch(esc)
	if m == nil {
		t.Fatalf("not an OSC 1337 File escape: %q", esc[:min(len(esc), 80)])
	}
	args := map[string]string{}
	for _, kv := range strings.Split(m[1], ";") {
		k, v, _ := strings.Cut(kv, "=")
		args[k] = v
	}
	name, _ := base64.StdEncoding.DecodeString(args["name"])
	if args["inline"] != "1" || args["size"] != strconv.Itoa(len(data)) || string(name) != "3-1.png" || args["width"] != "auto" {
		t.Errorf("arguments %v", args)
	}
	if got, _ := base64.StdEncoding.DecodeString(m[2]); !bytes.Equal(got, data) {
		t.Errorf("payload does not decode to the image")
	}
}

// decodeSixel is an independent reader of the sixel data sixelImage
// writes: it follows the DCS, raster attributes, colour introducers,
// repeat, carriage return and next-line controls of the VT340 manual and
// returns the pixels' colour registers and the palette (in 0..100).
func decodeSixel(t *testing.T, s string) (w, h int, px [][]int, pal map[int][3]int) {
	t.Helper()
	m := regexp.MustCompile(`^\x1bP0;1;0q"1;1;(\d+);(\d+)`).FindStringSubmatch(s)
	if m == nil || !strings.HasSuffix(s, "\x1b\\") {
		t.Fatalf("not a sixel DCS with raster attributes: %q", s[:min(len(s), 40)])
	}
	w, _ = strconv.Atoi(m[1])
	h, _ = strconv.Atoi(m[2])
	px = make([][]int, h)
	for i := range px {
		px[i] = make([]int, w)
		for j := range px[i] {
			px[i][j] = -1
		}
	}
	pal = map[int][3]int{}
	body := s[len(m[0]) : len(s)-2]
	x, band, cur := 0, 0, 0
	num := func(i int) (int, int) {
		j := i
		for j < len(body) && body[j] >= '0' && body[j] <= '9' {
			j++
		}
		n, _ := strconv.Atoi(body[i:j])
		return n, j
	}
	put := func(c byte, n int) {
		bits := c - '?'
		for k := 0; k < n; k++ {
			for b := 0; b < 6; b++ {
				if bits&(1<<b) != 0 {
					y := band*6 + b
					if y >= h || x >= w {
						t.Fatalf("sixel pixel (%d,%d) outside %dx%d", x, y, w, h)
					}
					if px[y][x] != -1 {
						t.Fatalf("pixel (%d,%d) painted twice", x, y)
					}
					px[y][x] = cur
				}
			}
			x++
		}
	}
	for i := 0; i < len(body); {
		switch c := body[i]; {
		case c == '#':
			n, j := num(i + 1)
			cur = n
			if j < len(body) && body[j] == ';' {
				var v [4]int
				for k := 0; k < 4; k++ {
					v[k], j = num(j + 1)
				}
				if v[0] != 2 || v[1] > 100 || v[2] > 100 || v[3] > 100 {
					t.Fatalf("colour %d: %v is not RGB percent", n, v)
				}
				pal[n] = [3]int{v[1], v[2], v[3]}
			} else if _, ok := pal[n]; !ok {
				t.Fatalf("colour %d used before it is defined", n)
			}
			i = j
		case c == '!':
			n, j := num(i + 1)
			put(body[j], n)
			i = j + 1
		case c == '$':
			x = 0
			i++
		case c == '-':
			x = 0
			band++
			i++
		case c >= '?' && c <= '~':
			put(c, 1)
			i++
		default:
			t.Fatalf("unexpected byte %q in sixel data", c)
		}
	}
	return w, h, px, pal
}

// TestSixelImage: decoding the sixel data gives back the dithered image,
// pixel for pixel, with every pixel painted exactly once.
func TestSixelImage(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {7, 5}, {13, 12}, {30, 19}} {
		img := image.NewRGBA(image.Rect(0, 0, sz[0], sz[1]))
		for y := 0; y < sz[1]; y++ {
			for x := 0; x < sz[0]; x++ {
				img.Set(x, y, color.RGBA{uint8(x * 255 / sz[0]), uint8(y * 255 / sz[1]), 51, 255})
			}
		}
		w, h, px, pal := decodeSixel(t, sixelImage(img))
		if w != sz[0] || h != sz[1] {
			t.Errorf("%v: raster %dx%d", sz, w, h)
		}
		want := image.NewPaletted(img.Bounds(), sixelPalette())
		draw.FloydSteinberg.Draw(want, want.Bounds(), img, image.Point{})
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				c := px[y][x]
				if c < 0 {
					t.Fatalf("%v: pixel (%d,%d) not painted", sz, x, y)
				}
				if int(want.ColorIndexAt(x, y)) != c {
					t.Fatalf("%v: pixel (%d,%d) colour %d want %d", sz, x, y, c, want.ColorIndexAt(x, y))
				}
				r, g, b, _ := sixelPalette()[c].RGBA()
				if p := pal[c]; p != [3]int{pct(r), pct(g), pct(b)} {
					t.Fatalf("colour %d defined as %v", c, p)
				}
			}
		}
	}
}

// TestInlineImage: the dispatcher draws PNG data with each protocol, and
// scales images wider than the terminal to its width.
func TestInlineImage(t *testing.T) {
	data := testPNG(t, 900, 10)
	if esc := inlineImage(inlineKitty, data, "image/png", "a.png", 80); !strings.Contains(esc, ",c=80,") {
		t.Errorf("kitty: a 900 px image on 80 columns should be scaled: %q", esc[:40])
	}
	if esc := inlineImage(inlineITerm2, data, "image/png", "a.png", 200); !strings.Contains(esc, "width=auto") {
		t.Errorf("iTerm2: a 900 px image fits 200 columns")
	}
	if esc := inlineImage(inlineSixel, testPNG(t, 6, 6), "image/png", "a.png", 80); !strings.HasPrefix(esc, "\x1bP") {
		t.Errorf("sixel: %q", esc)
	}
	if esc := inlineImage(inlineKitty, []byte("not an image"), "image/png", "a.png", 80); esc != "" {
		t.Errorf("bad data should draw nothing, got %q", esc)
	}
	if esc := inlineImage(inlineNone, data, "image/png", "a.png", 80); esc != "" {
		t.Errorf("no protocol, got %q", esc[:20])
	}
}
