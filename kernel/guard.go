package kernel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
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
	return &guardConn{Conn: c, lim: l.lim, skip: greetingSize}, nil
}

// greetingSize is the length of a ZMTP 3 greeting.
const greetingSize = 64

// ZMTP frame flags.
const (
	flagMore    = 0x01
	flagLong    = 0x02
	flagCommand = 0x04
)

// guardConn watches the bytes zmq4 reads from a connection, parsing ZMTP
// frame headers, and fails the connection when a frame or message exceeds
// the limits. It also lifts the handshake deadline once the peer's first
// command (READY) has arrived.
type guardConn struct {
	net.Conn
	lim Limits

	skip   uint64 // bytes of greeting or frame body still to pass
	inHdr  bool   // reading a frame header
	hdr    [9]byte
	hdrN   int
	frames int  // frames so far in the current message
	inCmd  bool // reading a command's body
	ready  bool // the first command (READY) has arrived
	err    error
}

// commandDone lifts the handshake deadline after the first command.
func (c *guardConn) commandDone() {
	c.inCmd = false
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
	n, err := c.Conn.Read(p)
	if perr := c.scan(p[:n]); perr != nil {
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

func (c *guardConn) fail(err error) {
	c.err = err
	c.Conn.Close()
}

// scan advances the frame parser over b.
func (c *guardConn) scan(b []byte) error {
	for len(b) > 0 {
		if c.skip > 0 {
			n := min(c.skip, uint64(len(b)))
			c.skip -= n
			b = b[n:]
			if c.skip == 0 && c.inCmd {
				c.commandDone()
			}
			continue
		}
		if !c.inHdr {
			c.inHdr, c.hdrN = true, 0
		}
		c.hdr[c.hdrN] = b[0]
		c.hdrN++
		b = b[1:]
		flag := c.hdr[0]
		need := 2
		if flag&flagLong != 0 {
			need = 9
		}
		if c.hdrN < need {
			continue
		}
		c.inHdr = false
		size := uint64(c.hdr[1])
		if need == 9 {
			size = binary.BigEndian.Uint64(c.hdr[1:9])
		}
		if size > c.lim.MaxFrame {
			return &guardError{fmt.Sprintf("a peer sent a ZMTP frame of %d bytes, more than the limit of %d", size, c.lim.MaxFrame)}
		}
		if flag&flagCommand != 0 {
			c.inCmd = true
			if size == 0 {
				c.commandDone()
			}
		} else {
			c.frames++
			if c.frames > c.lim.MaxFrames {
				return &guardError{fmt.Sprintf("a peer sent a message of more than %d frames", c.lim.MaxFrames)}
			}
			if flag&flagMore == 0 {
				c.frames = 0
			}
		}
		c.skip = size
	}
	return nil
}
