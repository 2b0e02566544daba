package repl

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg" // decode JPEG displays for sixel
	"image/png"
	"strings"
)

// Inline image protocols a terminal may speak.
const (
	inlineNone   = ""
	inlineKitty  = "kitty"
	inlineITerm2 = "iterm2"
	inlineSixel  = "sixel"
)

// detectInline picks the inline image protocol of the terminal described
// by getenv. CONTRAST_INLINE (kitty, iterm2, sixel or off) overrides the
// detection. Otherwise: kitty's graphics protocol for kitty (TERM
// xterm-kitty or KITTY_WINDOW_ID) and Ghostty; iTerm2's OSC 1337 for
// iTerm2 (TERM_PROGRAM iTerm.app, LC_TERMINAL iTerm2) and WezTerm; never
// inside tmux or screen, which do not pass the sequences through by
// default. Sixel is never guessed (asking the terminal is unreliable):
// CONTRAST_INLINE=sixel turns it on.
func detectInline(getenv func(string) string) string {
	switch v := strings.ToLower(getenv("CONTRAST_INLINE")); v {
	case "kitty", "iterm2", "sixel":
		return v
	case "off", "none", "0", "no":
		return inlineNone
	}
	if getenv("TMUX") != "" || strings.HasPrefix(getenv("TERM"), "screen") || strings.HasPrefix(getenv("TERM"), "tmux") {
		return inlineNone
	}
	term, prog := getenv("TERM"), getenv("TERM_PROGRAM")
	switch {
	case term == "xterm-kitty" || getenv("KITTY_WINDOW_ID") != "" || term == "xterm-ghostty" || prog == "ghostty":
		return inlineKitty
	case prog == "iTerm.app" || getenv("LC_TERMINAL") == "iTerm2" || prog == "WezTerm":
		return inlineITerm2
	}
	return inlineNone
}

// kittyChunk is the most base64 bytes one kitty graphics escape carries.
const kittyChunk = 4096

// kittyImage encodes PNG data in the kitty graphics protocol: transmit and
// display (a=T) a PNG (f=100), quietly (q=2: the terminal sends no reply
// that would land in the input), split into escapes of at most 4096 base64
// bytes, each but the last with m=1. cols, if positive, scales the image
// to that many cells wide (c=).
//
// Spec: https://sw.kovidgoyal.net/kitty/graphics-protocol/
func kittyImage(pngData []byte, cols int) string {
	enc := base64.StdEncoding.EncodeToString(pngData)
	var b strings.Builder
	first := true
	for len(enc) > 0 || first {
		n := min(len(enc), kittyChunk)
		chunk := enc[:n]
		enc = enc[n:]
		more := 0
		if len(enc) > 0 {
			more = 1
		}
		b.WriteString("\x1b_G")
		if first {
			b.WriteString("a=T,f=100,q=2")
			if cols > 0 {
				fmt.Fprintf(&b, ",c=%d", cols)
			}
			b.WriteByte(',')
			first = false
		}
		fmt.Fprintf(&b, "m=%d;%s\x1b\\", more, chunk)
	}
	return b.String()
}

// iterm2Image encodes image data (PNG or JPEG) as iTerm2's inline file
// escape: OSC 1337 ; File=[args] : base64 BEL. name is shown in iTerm2's
// download UI; width "auto" keeps the image's size, or "N" cells.
//
// Spec: https://iterm2.com/documentation-images.html
func iterm2Image(data []byte, name, width string) string {
	if width == "" {
		width = "auto"
	}
	return fmt.Sprintf("\x1b]1337;File=name=%s;size=%d;width=%s;height=auto;preserveAspectRatio=1;inline=1:%s\a",
		base64.StdEncoding.EncodeToString([]byte(name)), len(data), width,
		base64.StdEncoding.EncodeToString(data))
}

// sixelImage encodes an image as DEC sixel graphics: a DCS q introducer
// with raster attributes, a palette of at most 256 registers (the web-safe
// colours plus greys, Floyd-Steinberg dithered) and bands of six pixel
// rows, run-length encoded.
//
// Spec: DEC VT330/VT340 Programmer Reference, chapter 14 (Sixel Graphics).
func sixelImage(img image.Image) string {
	bounds := img.Bounds()
	w, h := bounds.Dx(), bounds.Dy()
	pal := sixelPalette()
	pi := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	draw.FloydSteinberg.Draw(pi, pi.Bounds(), img, bounds.Min)

	var b strings.Builder
	// P2=1: pixels of colour 0 are drawn too (no transparency); aspect 1:1.
	fmt.Fprintf(&b, "\x1bP0;1;0q\"1;1;%d;%d", w, h)
	used := make([]bool, len(pal))
	for _, c := range pi.Pix {
		used[c] = true
	}
	for i, c := range pal {
		if !used[i] {
			continue
		}
		r, g, bl, _ := c.RGBA()
		fmt.Fprintf(&b, "#%d;2;%d;%d;%d", i, pct(r), pct(g), pct(bl))
	}
	row := make([]byte, w)
	for y0 := 0; y0 < h; y0 += 6 {
		// Which colours appear in this band.
		present := make([]bool, len(pal))
		for y := y0; y < min(y0+6, h); y++ {
			for _, c := range pi.Pix[y*pi.Stride : y*pi.Stride+w] {
				present[c] = true
			}
		}
		firstColour := true
		for c := range pal {
			if !present[c] {
				continue
			}
			for x := 0; x < w; x++ {
				bits := byte(0)
				for k := 0; k < 6 && y0+k < h; k++ {
					if pi.Pix[(y0+k)*pi.Stride+x] == uint8(c) {
						bits |= 1 << k
					}
				}
				row[x] = '?' + bits
			}
			if !firstColour {
				b.WriteByte('$') // back to the band's start for the next colour
			}
			firstColour = false
			fmt.Fprintf(&b, "#%d", c)
			writeRLE(&b, row)
		}
		if y0+6 < h {
			b.WriteByte('-') // next band
		}
	}
	b.WriteString("\x1b\\")
	return b.String()
}

// writeRLE writes sixel data characters, runs of four or more as !n<ch>.
func writeRLE(b *strings.Builder, row []byte) {
	for i := 0; i < len(row); {
		j := i
		for j < len(row) && row[j] == row[i] {
			j++
		}
		if n := j - i; n >= 4 {
			fmt.Fprintf(b, "!%d%c", n, row[i])
		} else {
			b.Write(row[i:j])
		}
		i = j
	}
}

// pct maps a 16-bit colour channel to sixel's 0..100.
func pct(v uint32) int { return int((v*100 + 0x7fff) / 0xffff) }

// sixelPalette is the 216 web-safe colours and 40 greys.
func sixelPalette() color.Palette {
	pal := make(color.Palette, 0, 256)
	for r := 0; r < 6; r++ {
		for g := 0; g < 6; g++ {
			for b := 0; b < 6; b++ {
				pal = append(pal, color.RGBA{uint8(r * 51), uint8(g * 51), uint8(b * 51), 255})
			}
		}
	}
	for i := 0; i < 40; i++ {
		v := uint8(3 + i*250/39)
		pal = append(pal, color.RGBA{v, v, v, 255})
	}
	return pal
}

// inlineImage returns the escape sequence that draws data (PNG or JPEG) in
// the terminal with protocol proto, or "" when it cannot. cols is the
// terminal's width in cells (0 when unknown); wide images are scaled to it.
func inlineImage(proto string, data []byte, mime, name string, cols int) string {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	// Assume cells about 8 pixels wide when deciding whether to shrink.
	fit := 0
	if cols > 0 && cfg.Width > 8*cols {
		fit = cols
	}
	switch proto {
	case inlineKitty:
		if mime != "image/png" {
			img, _, err := image.Decode(bytes.NewReader(data))
			if err != nil {
				return ""
			}
			var buf bytes.Buffer
			if png.Encode(&buf, img) != nil {
				return ""
			}
			data = buf.Bytes()
		}
		return kittyImage(data, fit)
	case inlineITerm2:
		width := ""
		if fit > 0 {
			width = fmt.Sprint(fit)
		}
		return iterm2Image(data, name, width)
	case inlineSixel:
		img, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			return ""
		}
		return sixelImage(img)
	}
	return ""
}
