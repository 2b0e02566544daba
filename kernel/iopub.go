package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gocontrast/contrast/display"
)

// maxStreamChunk is the size at which pending stream text is published
// without waiting for the coalescing delay.
const maxStreamChunk = 64 << 10

// streams coalesces a cell's stdout and stderr writes into IOPub stream
// messages. Text is held for Config.StreamDelay after the first pending
// write, so a loop of small prints becomes a few messages, and flushed at
// once before anything else is published for the request. Writes are never
// split, so a UTF-8 sequence that the engine writes whole stays whole.
type streams struct {
	k *Kernel

	mu     sync.Mutex
	name   string   // stream of the pending text
	parent *Message // request the pending text belongs to
	buf    []byte
	timer  *time.Timer
	armed  bool
}

func (s *streams) write(name string, p []byte) {
	if len(p) == 0 {
		return
	}
	parent := s.k.currentParent()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.buf) > 0 && (s.name != name || s.parent != parent) {
		s.flushLocked()
	}
	s.name, s.parent = name, parent
	s.buf = append(s.buf, p...)
	if len(s.buf) >= maxStreamChunk {
		s.flushLocked()
		return
	}
	if !s.armed {
		s.armed = true
		if s.timer == nil {
			s.timer = time.AfterFunc(s.k.cfg.StreamDelay, s.flush)
		} else {
			s.timer.Reset(s.k.cfg.StreamDelay)
		}
	}
}

// flush publishes the pending text now.
func (s *streams) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushLocked()
}

func (s *streams) flushLocked() {
	if s.armed {
		s.timer.Stop()
		s.armed = false
	}
	if len(s.buf) == 0 {
		return
	}
	s.k.publish("stream", s.parent, map[string]any{"name": s.name, "text": string(s.buf)})
	s.buf = s.buf[:0]
	if cap(s.buf) > maxStreamChunk {
		s.buf = nil
	}
}

// streamWriter is the io.Writer the engine gets as Stdout or Stderr.
type streamWriter struct {
	k    *Kernel
	name string
}

func (w *streamWriter) Write(p []byte) (int, error) {
	w.k.streams.write(w.name, p)
	return len(p), nil
}

// sink is the display.Sink the engine gets: display_data,
// update_display_data and clear_output for the current request.
type sink struct{ k *Kernel }

func (s sink) Display(data display.Bundle, metadata map[string]any, id string) {
	s.k.publishDisplay("display_data", data, metadata, id)
}

func (s sink) Update(id string, data display.Bundle, metadata map[string]any) {
	if id == "" {
		s.k.log.Printf("update_display_data without a display id; shown as new output")
		s.k.publishDisplay("display_data", data, metadata, id)
		return
	}
	s.k.publishDisplay("update_display_data", data, metadata, id)
}

func (s sink) Clear(wait bool) {
	s.k.streams.flush()
	s.k.publish("clear_output", s.k.currentParent(), map[string]any{"wait": wait})
}

func (k *Kernel) publishDisplay(msgType string, data display.Bundle, metadata map[string]any, id string) {
	k.streams.flush()
	if metadata == nil {
		metadata = map[string]any{}
	}
	transient := map[string]any{}
	if id != "" {
		transient["display_id"] = id
	}
	k.publish(msgType, k.currentParent(), map[string]any{
		"data": k.mimeData(data), "metadata": metadata, "transient": transient,
	})
}

// ErrNoInput is what a cell's read from standard input gets when the client
// did not allow input (allow_stdin false), such as nbconvert.
var ErrNoInput = errors.New("input is not available: this Jupyter client does not accept input requests (allow_stdin is false)")

// input asks the client for a line with input_request on the stdin channel
// and waits for the input_reply, or for the cell to be interrupted.
func (k *Kernel) input(prompt string, password bool) (string, error) {
	k.mu.Lock()
	parent, allow, ctx := k.parent, k.allowStdin, k.cellCtx
	k.mu.Unlock()
	if !allow || parent == nil || ctx == nil {
		return "", ErrNoInput
	}
	// Forget replies to earlier requests that nobody waited for.
	for drained := false; !drained; {
		select {
		case <-k.inputs:
		default:
			drained = true
		}
	}
	k.streams.flush() // the prompt printed before reading shows first
	req, err := k.newMessage("input_request", parent, map[string]any{"prompt": prompt, "password": password})
	if err != nil {
		return "", err
	}
	req.Identities = parent.Identities
	k.send(Stdin, req)
	for {
		select {
		case m := <-k.inputs:
			var ph struct {
				MsgID string `json:"msg_id"`
			}
			if json.Unmarshal(m.Parent, &ph) == nil && ph.MsgID != "" && ph.MsgID != req.Header.MsgID {
				k.log.Printf("dropped an input_reply to another request (%s)", ph.MsgID)
				continue
			}
			var c struct {
				Value *string `json:"value"`
			}
			if err := decode(&request{Stdin, m}, &c); err != nil {
				return "", err
			}
			if c.Value == nil {
				return "", errors.New("input_reply without a value")
			}
			return *c.Value, nil
		case <-ctx.Done():
			return "", fmt.Errorf("input interrupted: %w", ctx.Err())
		}
	}
}

// stdinReply takes a message from the stdin channel.
func (k *Kernel) stdinReply(m *Message) {
	if m.Header.MsgType != "input_reply" {
		k.log.Printf("ignored a %s message on stdin", m.Header.MsgType)
		return
	}
	select {
	case k.inputs <- m:
	default:
		k.log.Printf("dropped an input_reply that no cell was waiting for")
	}
}
