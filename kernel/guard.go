package kernel

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
	"github.com/gocontrast/contrast/kernel/prebind"
)

// Limits bound what a peer may send before the kernel drops its connection.
// zmq4 allocates each incoming frame at the size its header claims, so
// without a guard one forged header could exhaust memory or crash the
// kernel. Zero fields mean the defaults.
type Limits struct {
	// MaxFrame is the largest frame accepted, in bytes. Default 1 GiB.
	MaxFrame uint64
	// MaxFrames is the most frames in one message. Default 65536.
	MaxFrames int
	// Handshake bounds the ZMTP greeting and handshake of a new
	// connection, which zmq4 performs one connection at a time. Default 5s.
	Handshake time.Duration
}

func (l Limits) withDefaults() Limits {
	if l.MaxFrame == 0 {
		l.MaxFrame = 1 << 30
	}
	if l.MaxFrames == 0 {
		l.MaxFrames = 1 << 16
	}
	if l.Handshake <= 0 {
		l.Handshake = 5 * time.Second
	}
	return l
}

var guards struct {
	sync.Mutex
	names map[string]bool
}

// guardedEndpoint returns ep with its transport replaced by a guarded one
// enforcing lim, registering that transport with zmq4 the first time.
func guardedEndpoint(ep string, lim Limits) string {
	scheme, addr, ok := strings.Cut(ep, "://")
	if !ok || (scheme != "tcp" && scheme != "ipc") {
		return ep
	}
	name := fmt.Sprintf("contrast-guard-%d-%d-%d+%s", lim.MaxFrame, lim.MaxFrames, lim.Handshake.Milliseconds(), scheme)
	guards.Lock()
	defer guards.Unlock()
	if !guards.names[name] && !slices.Contains(zmq4.Transports(), name) {
		network := map[string]string{"tcp": "tcp", "ipc": "unix"}[scheme]
		if err := zmq4.RegisterTransport(name, guardTransport{transport.New(network), network, lim}); err != nil {
			return ep
		}
		if guards.names == nil {
			guards.names = map[string]bool{}
		}
		guards.names[name] = true
	}
	return name + "://" + addr
}

type guardTransport struct {
	transport.Transport
	network string
	lim     Limits
}

// Listen listens on addr, or takes the listener package prebind bound for
// it while the program was starting.
func (g guardTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l := prebound(g.network, addr)
	if l == nil {
		var err error
		if l, err = g.Transport.Listen(ctx, addr); err != nil {
			return nil, err
		}
	}
	return guardListener{l, g.lim}, nil
}

// prebound returns the listener package prebind bound for network and
// addr, or nil.
func prebound(network, addr string) net.Listener {
	f := prebind.Take(network, addr)
	if f == nil {
		return nil
	}
	defer f.Close()
	l, err := net.FileListener(f)
	if err != nil {
		if network == "unix" {
			os.Remove(addr)
		}
		return nil
	}
	if ul, ok := l.(*net.UnixListener); ok {
		ul.SetUnlinkOnClose(true)
	}
	return l
}

type guardListener struct {
	net.Listener
	lim Limits
}

func (l guardListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c.SetReadDeadline(time.Now().Add(l.lim.Handshake))
	return newGuardConn(c, l.lim), nil
}

// greetingSize is the length of a ZMTP 3 greeting.
const greetingSize = 64

// ZMTP frame flags.
const (
	flagMore    = 0x01
	flagLong    = 0x02
	flagCommand = 0x04
)

// Buffer sizes of a guarded connection: reads are buffered (zmq4 reads
// each frame header and body with its own call), and writes are gathered
// until the end of a message (zmq4 writes each frame header and body with
// its own call) or until maxWriteBuf bytes wait.
const (
	readBuf     = 64 << 10
	maxWriteBuf = 256 << 10
)

// guardConn sits between zmq4 and a connection. On the way in it parses
// ZMTP frame headers and fails the connection when a frame or message
// exceeds the limits, and it lifts the handshake deadline once the peer's
// first command (READY) has arrived. It also buffers both ways, so that a
// message costs a system call or two instead of two per frame.
type guardConn struct {
	net.Conn
	lim Limits

	r     *bufio.Reader
	in    frameScanner
	ready bool // the first command (READY) has arrived
	err   error

	wmu  sync.Mutex
	out  frameScanner
	wbuf []byte
}

func newGuardConn(c net.Conn, lim Limits) *guardConn {
	g := &guardConn{Conn: c, lim: lim}
	g.r = bufio.NewReaderSize(c, readBuf)
	g.in = frameScanner{skip: greetingSize, maxFrame: lim.MaxFrame, maxFrames: lim.MaxFrames, onCommand: g.commandDone}
	g.out = frameScanner{skip: greetingSize, maxFrame: math.MaxUint64, maxFrames: math.MaxInt}
	return g
}

// commandDone lifts the handshake deadline after the first command.
func (c *guardConn) commandDone() {
	if !c.ready {
		c.ready = true
		c.Conn.SetReadDeadline(time.Time{})
	}
}

// guardError fails a connection. It is a net.Error that is not a timeout,
// so zmq4 closes the connection instead of retrying.
type guardError struct{ msg string }

func (e *guardError) Error() string   { return "kernel: " + e.msg + "; connection closed" }
func (e *guardError) Timeout() bool   { return false }
func (e *guardError) Temporary() bool { return false }

func (c *guardConn) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	if perr := c.in.scan(p[:n]); perr != nil {
		c.fail(perr)
		return 0, c.err
	}
	var ne net.Error
	if err != nil && !c.ready && errors.As(err, &ne) && ne.Timeout() {
		c.fail(&guardError{"no ZMTP handshake within " + c.lim.Handshake.String()})
		return 0, c.err
	}
	return n, err
}

// Write gathers p and sends what is gathered at the end of a message (or
// of the greeting, or of a command).
func (c *guardConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.wbuf = append(c.wbuf, p...)
	c.out.scan(p)
	if len(c.wbuf) == 0 || !c.out.boundary() && len(c.wbuf) < maxWriteBuf {
		return len(p), nil
	}
	_, err := c.Conn.Write(c.wbuf)
	c.wbuf = c.wbuf[:0]
	if cap(c.wbuf) > maxWriteBuf {
		c.wbuf = nil
	}
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

func (c *guardConn) fail(err error) {
	c.err = err
	c.Conn.Close()
}

// frameScanner follows the ZMTP framing of a byte stream: a greeting, then
// frames of a flags byte, a 1- or 8-byte size and a body.
type frameScanner struct {
	skip      uint64 // bytes of greeting or frame body still to pass
	inHdr     bool   // in a frame header
	hdr       [9]byte
	hdrN      int
	frames    int  // frames so far in the current message
	inCmd     bool // in a command's body
	maxFrame  uint64
	maxFrames int
	onCommand func() // called at the end of each command, if set
}

// boundary reports whether the stream is between messages.
func (s *frameScanner) boundary() bool { return s.skip == 0 && !s.inHdr && s.frames == 0 }

// scan advances over b, failing on a frame or message over the limits.
func (s *frameScanner) scan(b []byte) error {
	for len(b) > 0 {
		if s.skip > 0 {
			n := min(s.skip, uint64(len(b)))
			s.skip -= n
			b = b[n:]
			if s.skip == 0 && s.inCmd {
				s.commandDone()
			}
			continue
		}
		if !s.inHdr {
			s.inHdr, s.hdrN = true, 0
		}
		s.hdr[s.hdrN] = b[0]
		s.hdrN++
		b = b[1:]
		flag := s.hdr[0]
		need := 2
		if flag&flagLong != 0 {
			need = 9
		}
		if s.hdrN < need {
			continue
		}
		s.inHdr = false
		size := uint64(s.hdr[1])
		if need == 9 {
			size = binary.BigEndian.Uint64(s.hdr[1:9])
		}
		if size > s.maxFrame {
			return &guardError{fmt.Sprintf("a peer sent a ZMTP frame of %d bytes, more than the limit of %d", size, s.maxFrame)}
		}
		s.skip = size
		if flag&flagCommand != 0 {
			s.inCmd = true
			if size == 0 {
				s.commandDone()
			}
			continue
		}
		s.frames++
		if s.frames > s.maxFrames {
			return &guardError{fmt.Sprintf("a peer sent a message of more than %d frames", s.maxFrames)}
		}
		if flag&flagMore == 0 {
			s.frames = 0
		}
	}
	return nil
}

func (s *frameScanner) commandDone() {
	s.inCmd = false
	if s.onCommand != nil {
		s.onCommand()
	}
}
