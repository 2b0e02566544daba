package simclr

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// String lists the configuration one field a line, as a cell shows it,
// with the value each zero field stands for:
//
//	simclr.Config:
//	  Encoder     "convnet-s"
//	  ...
//	  LR          0 (default: 1e-3 for adam, 0.3*BatchSize/256 for lars)
func (c Config) String() string {
	d := Defaults()
	var sb strings.Builder
	sb.WriteString("simclr.Config:\n")
	line := func(name, v string, zero bool, def string) {
		if zero && def != "" {
			v += " (default: " + def + ")"
		}
		fmt.Fprintf(&sb, "  %-11s %s\n", name, v)
	}
	str := func(v any) string { return fmt.Sprint(v) }
	line("Encoder", fmt.Sprintf("%q", c.Encoder), c.Encoder == "", fmt.Sprintf("%q", d.Encoder))
	line("Width", str(c.Width), c.Width == 0, str(d.Width))
	line("HeadHidden", str(c.HeadHidden), c.HeadHidden == 0, str(d.HeadHidden))
	line("ProjDim", str(c.ProjDim), c.ProjDim == 0, str(d.ProjDim))
	line("HeadLayers", str(c.HeadLayers), c.HeadLayers == 0, str(d.HeadLayers))
	line("Temperature", str(c.Temperature), c.Temperature == 0, str(d.Temperature))
	batch := str(c.BatchSize)
	if c.BatchSize > 0 {
		batch = fmt.Sprintf("%d (images per step, %d views)", c.BatchSize, 2*c.BatchSize)
	}
	line("BatchSize", batch, c.BatchSize == 0, str(d.BatchSize))
	line("Epochs", str(c.Epochs), c.Epochs == 0, str(d.Epochs))
	line("LR", str(c.LR), c.LR == 0, "1e-3 for adam, 0.3*BatchSize/256 for lars")
	line("Optimizer", fmt.Sprintf("%q", c.Optimizer), c.Optimizer == "", fmt.Sprintf("%q", d.Optimizer))
	line("WeightDecay", str(c.WeightDecay), c.WeightDecay == 0, "0 for adam, 1e-6 for lars")
	line("Warmup", str(c.Warmup), c.Warmup == 0, "no warm-up; lars decays with a cosine")
	if c.Augment == nil {
		line("Augment", "nil", true, "augment.Reference() for 1x28x28 images, augment.SimCLR(size, 0.5) otherwise")
	} else {
		steps := strings.Split(strings.TrimSpace(c.Augment.String()), "\n")
		if len(steps) > 0 && strings.HasPrefix(steps[0], "Pipeline") {
			steps = steps[1:]
		}
		if len(steps) == 0 {
			steps = []string{"(no steps)"}
		}
		for i, s := range steps {
			name := ""
			if i == 0 {
				name = "Augment"
			}
			fmt.Fprintf(&sb, "  %-11s %s\n", name, strings.TrimSpace(s))
		}
	}
	line("Seed", str(c.Seed), false, "")
	line("Quiet", str(c.Quiet), false, "")
	return strings.TrimRight(sb.String(), "\n")
}

// String summarises the run: its settings, the steps taken, the loss at
// the first and last step, the time per step and any error.
func (r *Run) String() string {
	var sb strings.Builder
	c := r.Config
	lr := fmt.Sprintf("lr %g", c.LR)
	if c.LR == 0 {
		lr = "default lr"
	}
	fmt.Fprintf(&sb, "SimCLR run: %s encoder, %d-layer head, tau %g, batch %d, %s %s", c.Encoder, c.HeadLayers, c.Temperature, c.BatchSize, c.Optimizer, lr)
	if t := r.Trainer; t != nil {
		fmt.Fprintf(&sb, "; %d steps", t.Step)
		if n := len(t.Epochs); n == 1 {
			sb.WriteString(" (1 epoch)")
		} else if n > 1 {
			fmt.Fprintf(&sb, " (%d epochs)", n)
		}
		if ls := t.Losses(); len(ls) > 0 {
			fmt.Fprintf(&sb, ", loss %.4f -> %.4f", ls[0], ls[len(ls)-1])
		}
		if n := len(t.History); n > 0 {
			var took time.Duration
			for _, s := range t.History {
				took += s.Took
			}
			fmt.Fprintf(&sb, ", %.0f ms/step", float64(took.Microseconds())/1e3/float64(n))
		}
	}
	if r.Err != nil {
		fmt.Fprintf(&sb, "; error: %v", r.Err)
	}
	return sb.String()
}

// HTML renders the run's summary for notebooks, in red when it failed.
func (r *Run) HTML() string {
	s := html.EscapeString(r.String())
	if r.Err != nil {
		return `<div style="color:#b00">` + s + `</div>`
	}
	return "<div>" + s + "</div>"
}
