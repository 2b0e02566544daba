package kernel

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
)

func TestInstall(t *testing.T) {
	dir := t.TempDir()
	kd := PrefixKernelsDir(dir)
	spec := NewSpec("/opt/contrast/bin/contrast")
	got, err := Install(kd, "contrast", spec)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "share", "jupyter", "kernels", "contrast"); got != want {
		t.Errorf("kernel dir: got %s want %s", got, want)
	}
	raw, err := os.ReadFile(filepath.Join(got, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var js map[string]any
	if err := json.Unmarshal(raw, &js); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"argv":           []any{"/opt/contrast/bin/contrast", "kernel", "-f", "{connection_file}"},
		"display_name":   "Go (contrast)",
		"language":       "go",
		"interrupt_mode": "message",
		"metadata":       map[string]any{"debugger": false},
	}
	if !reflect.DeepEqual(js, want) {
		t.Errorf("kernel.json:\ngot  %v\nwant %v", js, want)
	}
	for name, size := range map[string]int{"logo-32x32.png": 32, "logo-64x64.png": 64} {
		data, err := os.ReadFile(filepath.Join(got, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("%s: %v", name, b)
		}
		// Left of centre is dark, right is light, the corner transparent.
		c := size / 2
		if r, _, _, _ := img.At(c-size/6, c).RGBA(); r > 0x4000 {
			t.Errorf("%s: left half should be dark", name)
		}
		if r, _, _, _ := img.At(c+size/6, c).RGBA(); r < 0xf000 {
			t.Errorf("%s: right half should be light", name)
		}
		if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
			t.Errorf("%s: corner should be transparent", name)
		}
	}
	if _, err := os.Stat(filepath.Join(got, "logo-svg.svg")); err != nil {
		t.Error(err)
	}
	// Installing again replaces the spec and leaves no temporary files.
	spec.Argv[0] = "/usr/bin/contrast"
	if _, err := Install(kd, "contrast", spec); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(got)
	if len(entries) != 4 {
		t.Errorf("kernel dir holds %d files, want 4", len(entries))
	}
	raw, _ = os.ReadFile(filepath.Join(got, "kernel.json"))
	if !bytes.Contains(raw, []byte(`"/usr/bin/contrast"`)) {
		t.Errorf("reinstall did not replace kernel.json: %s", raw)
	}
}

func TestInstallRejects(t *testing.T) {
	kd := t.TempDir()
	for _, name := range []string{"", "a/b", "..", ".", "with space"} {
		if _, err := Install(kd, name, NewSpec("/bin/contrast")); err == nil {
			t.Errorf("name %q: no error", name)
		}
	}
	if _, err := Install(kd, "ok", NewSpec("relative/contrast")); err == nil {
		t.Error("a relative binary path must be refused")
	}
}

func TestUserKernelsDir(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", "/data/jup")
	if d, _ := UserKernelsDir(); d != "/data/jup/kernels" {
		t.Errorf("with JUPYTER_DATA_DIR: %s", d)
	}
	t.Setenv("JUPYTER_DATA_DIR", "")
	t.Setenv("XDG_DATA_HOME", "/xdg")
	t.Setenv("HOME", "/home/u")
	d, _ := UserKernelsDir()
	if want := map[string]string{"linux": "/xdg/jupyter/kernels", "darwin": "/home/u/Library/Jupyter/kernels"}[runtime.GOOS]; want != "" && d != want {
		t.Errorf("user kernels dir: got %s want %s", d, want)
	}
}
