package kernel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
)

// DefaultName is the kernel name `contrast install` uses.
const DefaultName = "contrast"

// DisplayName is the name Jupyter shows for the kernel.
const DisplayName = "Go (contrast)"

// Spec is a Jupyter kernel spec: the content of kernel.json.
type Spec struct {
	Argv          []string       `json:"argv"`
	DisplayName   string         `json:"display_name"`
	Language      string         `json:"language"`
	InterruptMode string         `json:"interrupt_mode"`
	Env           map[string]any `json:"env,omitempty"`
	Metadata      map[string]any `json:"metadata,omitempty"`
}

// NewSpec returns the spec that starts `binary kernel -f {connection_file}`;
// binary must be an absolute path. Interrupts are sent as messages.
func NewSpec(binary string) Spec {
	return Spec{
		Argv:          []string{binary, "kernel", "-f", "{connection_file}"},
		DisplayName:   DisplayName,
		Language:      "go",
		InterruptMode: "message",
		Metadata:      map[string]any{"debugger": false},
	}
}

var validName = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

// Install writes spec as kernel name under kernelsDir (a ".../kernels"
// directory Jupyter searches), with the logos, and returns the kernel's
// directory. Each file is written atomically; an existing spec of that name
// is replaced.
func Install(kernelsDir, name string, spec Spec) (string, error) {
	if !validName.MatchString(name) || name == "." || name == ".." {
		return "", fmt.Errorf("kernel: kernel name %q: use only letters, digits, '.', '_' and '-'", name)
	}
	if len(spec.Argv) == 0 || !filepath.IsAbs(spec.Argv[0]) {
		return "", errors.New("kernel: the kernel spec must start the binary by its absolute path")
	}
	dir := filepath.Join(kernelsDir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("kernel: creating %s: %w (choose another place with --user or --prefix)", dir, err)
	}
	js, err := json.MarshalIndent(spec, "", " ")
	if err != nil {
		return "", err
	}
	files := []struct {
		name string
		data []byte
	}{
		{"kernel.json", append(js, '\n')},
		{"logo-32x32.png", Logo(32)},
		{"logo-64x64.png", Logo(64)},
		{"logo-svg.svg", []byte(logoSVG)},
	}
	for _, f := range files {
		if err := writeFileAtomic(filepath.Join(dir, f.name), f.data); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// writeFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("kernel: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("kernel: writing %s: %w", path, err)
	}
	return nil
}

// UserKernelsDir is where Jupyter looks for the current user's kernels, as
// jupyter_core computes it: $JUPYTER_DATA_DIR/kernels if set, else
// ~/.local/share/jupyter/kernels ($XDG_DATA_HOME/jupyter/kernels) on Linux,
// ~/Library/Jupyter/kernels on macOS and %APPDATA%\jupyter\kernels on
// Windows.
func UserKernelsDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return filepath.Join(d, "kernels"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("kernel: no home directory for --user: %w; use --prefix", err)
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Jupyter", "kernels"), nil
	case "windows":
		if app := os.Getenv("APPDATA"); app != "" {
			return filepath.Join(app, "jupyter", "kernels"), nil
		}
		return filepath.Join(home, "AppData", "Roaming", "jupyter", "kernels"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "jupyter", "kernels"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter", "kernels"), nil
}

// PrefixKernelsDir is the kernels directory under an installation prefix:
// PREFIX/share/jupyter/kernels.
func PrefixKernelsDir(prefix string) string {
	return filepath.Join(prefix, "share", "jupyter", "kernels")
}

// Logo draws the kernel's logo, size x size pixels, as PNG: a circle split
// into a dark and a light half (a contrast) on Go blue.
func Logo(size int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	blue := [3]float64{0x00, 0xAD, 0xD8}
	dark := [3]float64{0x20, 0x2A, 0x33}
	light := [3]float64{0xFF, 0xFF, 0xFF}
	const ss = 4 // supersampling per axis
	s := float64(size)
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var acc [4]float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					u := (float64(x) + (float64(sx)+0.5)/ss) / s
					v := (float64(y) + (float64(sy)+0.5)/ss) / s
					c, a := logoSample(u, v, blue, dark, light)
					for i := range c {
						acc[i] += c[i] * a
					}
					acc[3] += a
				}
			}
			n := float64(ss * ss)
			var px color.NRGBA
			if acc[3] > 0 {
				px = color.NRGBA{
					R: uint8(math.Round(acc[0] / acc[3])),
					G: uint8(math.Round(acc[1] / acc[3])),
					B: uint8(math.Round(acc[2] / acc[3])),
					A: uint8(math.Round(255 * acc[3] / n)),
				}
			}
			img.SetNRGBA(x, y, px)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic("kernel: encoding the logo: " + err.Error())
	}
	return buf.Bytes()
}

// logoSample returns the colour and coverage at (u, v) in [0,1]^2: a rounded
// square of Go blue holding a circle, dark on the left, light on the right.
func logoSample(u, v float64, blue, dark, light [3]float64) ([3]float64, float64) {
	const r = 0.2 // corner radius
	du := math.Max(math.Max(r-u, u-(1-r)), 0)
	dv := math.Max(math.Max(r-v, v-(1-r)), 0)
	if du*du+dv*dv > r*r {
		return [3]float64{}, 0
	}
	if d := math.Hypot(u-0.5, v-0.5); d < 0.32 {
		if u < 0.5 {
			return dark, 1
		}
		return light, 1
	}
	return blue, 1
}

const logoSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
<rect width="64" height="64" rx="12.8" fill="#00ADD8"/>
<path d="M32 11.52 A20.48 20.48 0 0 0 32 52.48 Z" fill="#202A33"/>
<path d="M32 11.52 A20.48 20.48 0 0 1 32 52.48 Z" fill="#FFFFFF"/>
</svg>
`
