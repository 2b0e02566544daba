package kernel

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
)

// writeRecorder is a net.Conn that records each Write call.
type writeRecorder struct {
	net.Conn
	writes [][]byte
}

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.writes = append(w.writes, bytes.Clone(p))
	return len(p), nil
}

func frame(flags byte, body []byte) [][]byte {
	if len(body) > 255 {
		var h [9]byte
		h[0] = flags | flagLong
		binary.BigEndian.PutUint64(h[1:], uint64(len(body)))
		return [][]byte{h[:], body}
	}
	return [][]byte{{flags, byte(len(body))}, body}
}

// TestGuardWritesWholeMessages: the guard sends the greeting, each command
// and each message in one write, however zmq4 splits them.
func TestGuardWritesWholeMessages(t *testing.T) {
	rec := &writeRecorder{}
	g := newGuardConn(rec, Limits{}.withDefaults())
	write := func(parts ...[]byte) {
		for _, p := range parts {
			if n, err := g.Write(p); n != len(p) || err != nil {
				t.Fatalf("Write: %d, %v", n, err)
			}
		}
	}
	write(make([]byte, 10), make([]byte, 54)) // greeting in two pieces
	write(frame(flagCommand, []byte("\x05READY"))...)
	var msg [][]byte
	msg = append(msg, frame(flagMore, []byte("id"))...)
	msg = append(msg, frame(flagMore, nil)...)
	msg = append(msg, frame(flagMore, bytes.Repeat([]byte("x"), 300))...)
	msg = append(msg, frame(0, []byte("last"))...)
	write(msg...)
	write(frame(0, nil)...) // an empty one-frame message
	want := []int{64, 8, 2 + 2 + 2 + 0 + 9 + 300 + 2 + 4, 2}
	if len(rec.writes) != len(want) {
		t.Fatalf("got %d writes, want %d (greeting, command, two messages)", len(rec.writes), len(want))
	}
	for i, w := range rec.writes {
		if len(w) != want[i] {
			t.Errorf("write %d: %d bytes want %d", i, len(w), want[i])
		}
	}
}

// TestGuardReadsThroughBuffer: frames split across TCP reads arrive intact.
func TestGuardReadsThroughBuffer(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	g := newGuardConn(b, Limits{MaxFrame: 1 << 20}.withDefaults())
	var stream []byte
	stream = append(stream, make([]byte, greetingSize)...)
	for _, p := range frame(flagCommand, []byte("\x05READY")) {
		stream = append(stream, p...)
	}
	for _, p := range frame(0, bytes.Repeat([]byte("y"), 1000)) {
		stream = append(stream, p...)
	}
	go func() {
		for i := 0; i < len(stream); i += 7 {
			a.Write(stream[i:min(i+7, len(stream))])
		}
	}()
	got := make([]byte, len(stream))
	g.Conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(g, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, stream) {
		t.Error("the guard changed the bytes it passed on")
	}
	if !g.ready {
		t.Error("READY was read but the handshake is not marked done")
	}
}
