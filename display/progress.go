package display

import (
	"fmt"
	"html"
	"strings"
	"sync"
	"time"
)

// Progress is a progress bar for long loops. It shows one display and
// updates it in place (update_display_data in Jupyter, a redrawn line in a
// terminal) with the count, rate and ETA, at most every Interval.
//
//	p := display.NewProgress(len(batches), "epoch 1")
//	for _, b := range batches {
//		...
//		p.SetPostfix(fmt.Sprintf("loss %.3f", loss))
//		p.Add(1)
//	}
//	p.Done()
//
// A Progress is safe for concurrent use.
type Progress struct {
	// Interval is the least time between two redraws; zero means 100 ms.
	Interval time.Duration

	mu      sync.Mutex
	id      string
	label   string
	postfix string
	total   int
	n       int
	start   time.Time
	last    time.Time
	shown   bool
	done    bool
	now     func() time.Time
}

// NewProgress returns a progress bar for total steps (0 when unknown) with a
// label shown before it. It displays nothing until the first Add or Set.
func NewProgress(total int, label string) *Progress {
	return &Progress{id: NewID(), label: label, total: total, now: time.Now}
}

// ID returns the display id the bar updates.
func (p *Progress) ID() string { return p.id }

// Add advances the bar by n steps.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	p.n += n
	p.redraw(false)
	p.mu.Unlock()
}

// Set sets the number of steps done.
func (p *Progress) Set(n int) {
	p.mu.Lock()
	p.n = n
	p.redraw(false)
	p.mu.Unlock()
}

// SetPostfix sets the text shown after the bar, such as the current loss.
func (p *Progress) SetPostfix(s string) {
	p.mu.Lock()
	p.postfix = s
	p.mu.Unlock()
}

// SetLabel changes the text shown before the bar.
func (p *Progress) SetLabel(s string) {
	p.mu.Lock()
	p.label = s
	p.mu.Unlock()
}

// Done draws the final state. Further calls do nothing.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.redraw(true)
	p.done = true
}

// redraw shows the bar if force or Interval has passed. p.mu is held.
func (p *Progress) redraw(force bool) {
	if p.done {
		return
	}
	now := p.now()
	if p.start.IsZero() {
		p.start = now
	}
	iv := p.Interval
	if iv == 0 {
		iv = 100 * time.Millisecond
	}
	if p.shown && !force && now.Sub(p.last) < iv && p.n != p.total {
		return
	}
	p.last = now
	b := p.bundle(now, force)
	if !p.shown {
		p.shown = true
		sink().Display(b, map[string]any{"contrast": map[string]any{"progress": true}}, p.id)
		return
	}
	sink().Update(p.id, b, map[string]any{"contrast": map[string]any{"progress": true, "done": force}})
}

// bundle renders the bar as text and HTML.
func (p *Progress) bundle(now time.Time, final bool) Bundle {
	elapsed := now.Sub(p.start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.n) / elapsed.Seconds()
	}
	frac := 0.0
	if p.total > 0 {
		frac = float64(p.n) / float64(p.total)
		if frac > 1 {
			frac = 1
		}
	}
	var info strings.Builder
	if p.total > 0 {
		fmt.Fprintf(&info, "%d/%d", p.n, p.total)
	} else {
		fmt.Fprintf(&info, "%d", p.n)
	}
	fmt.Fprintf(&info, " [%s", FormatDuration(elapsed))
	if p.total > 0 && rate > 0 && !final {
		fmt.Fprintf(&info, "<%s", FormatDuration(time.Duration(float64(p.total-p.n)/rate*float64(time.Second))))
	}
	fmt.Fprintf(&info, ", %s]", FormatRate(rate))
	if p.postfix != "" {
		info.WriteString(" " + p.postfix)
	}
	const width = 30
	filled := int(frac*width + 0.5)
	bar := strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
	label := p.label
	if label != "" {
		label += " "
	}
	pct := ""
	if p.total > 0 {
		pct = fmt.Sprintf("%3.0f%% ", 100*frac)
	}
	text := fmt.Sprintf("%s%s|%s| %s", label, pct, bar, info.String())
	htm := fmt.Sprintf(`<div class="contrast-progress" style="font-family:monospace">%s%s<progress value="%d" max="%d" style="width:20em;vertical-align:middle"></progress> %s</div>`,
		html.EscapeString(label), pct, p.n, max(p.total, p.n, 1), html.EscapeString(info.String()))
	return Bundle{MIMEText: text, MIMEHTML: htm}
}

// FormatDuration formats d as m:ss or h:mm:ss.
func FormatDuration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s < 0 {
		s = 0
	}
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// FormatRate formats a rate of steps per second, switching to seconds per
// step when it is below one.
func FormatRate(r float64) string {
	switch {
	case r <= 0:
		return "?it/s"
	case r < 1:
		return fmt.Sprintf("%.2fs/it", 1/r)
	default:
		return fmt.Sprintf("%.2fit/s", r)
	}
}
