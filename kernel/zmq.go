package kernel

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
)

// ZMQ is the Transport over ZeroMQ sockets (github.com/go-zeromq/zmq4):
// ROUTER sockets for shell, control and stdin, a PUB socket for IOPub and a
// ROUTER socket that echoes heartbeats, bound to the endpoints of a
// connection file. Incoming connections go through a ZMTP frame guard (see
// Limits).
type ZMQ struct {
	socks  [4]zmq4.Socket // indexed by Channel
	hb     zmq4.Socket
	ctx    context.Context
	cancel context.CancelFunc
	sendMu [4]sync.Mutex
	hbDone chan struct{}
	log    *log.Logger
}

// ListenZMQ binds the kernel's five sockets to the endpoints ci names.
// Limits' zero fields mean the defaults. Logs go to logger (nil discards).
func ListenZMQ(ci ConnectionInfo, lim Limits, logger *log.Logger) (*ZMQ, error) {
	if err := ci.Validate(); err != nil {
		return nil, fmt.Errorf("kernel: %w", err)
	}
	if logger == nil {
		logger = log.New(discard{}, "", 0)
	}
	lim = lim.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	z := &ZMQ{ctx: ctx, cancel: cancel, hbDone: make(chan struct{}), log: logger}
	// A send blocks while no peer has ever connected (an input_request
	// with no stdin connection): give up after sendTimeout rather than
	// hold the channel for zmq4's default of five minutes.
	opts := []zmq4.Option{zmq4.WithLogger(logger), zmq4.WithTimeout(sendTimeout)}
	z.socks[Shell] = zmq4.NewRouter(ctx, opts...)
	z.socks[Control] = zmq4.NewRouter(ctx, opts...)
	z.socks[Stdin] = zmq4.NewRouter(ctx, opts...)
	z.socks[IOPub] = zmq4.NewPub(ctx, opts...)
	z.hb = zmq4.NewRouter(ctx, opts...)
	// Bound the IOPub queue as libzmq's high-water mark does, so a client
	// that stops reading cannot make the kernel's memory grow without end.
	// Stream output is coalesced, so a busy cell sends few messages.
	if err := z.socks[IOPub].SetOption(zmq4.OptionHWM, iopubHWM); err != nil {
		z.Close()
		return nil, fmt.Errorf("kernel: %w", err)
	}
	binds := []struct {
		s    zmq4.Socket
		port int
		name string
	}{
		{z.socks[Shell], ci.ShellPort, "shell"},
		{z.socks[Control], ci.ControlPort, "control"},
		{z.socks[Stdin], ci.StdinPort, "stdin"},
		{z.socks[IOPub], ci.IOPubPort, "iopub"},
		{z.hb, ci.HBPort, "heartbeat"},
	}
	for _, b := range binds {
		ep := guardedEndpoint(ci.Endpoint(b.port), lim)
		if err := b.s.Listen(ep); err != nil {
			z.Close()
			return nil, fmt.Errorf("kernel: cannot listen for the %s channel on %s: %w", b.name, ci.Endpoint(b.port), err)
		}
	}
	go z.heartbeat()
	return z, nil
}

// heartbeat echoes every message on the heartbeat socket.
func (z *ZMQ) heartbeat() {
	defer close(z.hbDone)
	for {
		msg, err := z.hb.Recv()
		if err != nil {
			if z.ctx.Err() != nil {
				return
			}
			z.log.Printf("heartbeat: %v", err)
			continue
		}
		if err := z.hb.Send(msg); err != nil && z.ctx.Err() == nil {
			z.log.Printf("heartbeat: %v", err)
		}
	}
}

// Recv implements Transport.
func (z *ZMQ) Recv(ch Channel) ([][]byte, error) {
	if ch != Shell && ch != Control && ch != Stdin {
		return nil, fmt.Errorf("kernel: cannot receive on %s", ch)
	}
	for {
		msg, err := z.socks[ch].Recv()
		if err != nil {
			if z.ctx.Err() != nil {
				return nil, errClosed
			}
			return nil, err
		}
		if len(msg.Frames) == 0 {
			continue
		}
		return msg.Frames, nil
	}
}

// Send implements Transport.
func (z *ZMQ) Send(ch Channel, frames [][]byte) error {
	if ch < Shell || ch > IOPub {
		return fmt.Errorf("kernel: cannot send on %s", ch)
	}
	z.sendMu[ch].Lock()
	defer z.sendMu[ch].Unlock()
	if z.ctx.Err() != nil {
		return errClosed
	}
	return z.socks[ch].SendMulti(zmq4.NewMsgFrom(frames...))
}

var errClosed = errors.New("kernel: transport closed")

const (
	sendTimeout = 30 * time.Second
	iopubHWM    = 10000
)

// Close closes the sockets (removing ipc socket files).
func (z *ZMQ) Close() error {
	z.cancel()
	var errs []error
	for _, s := range append(z.socks[:], z.hb) {
		if s != nil {
			if err := s.Close(); err != nil && !isClosedErr(err) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func isClosedErr(err error) bool {
	return strings.Contains(err.Error(), "use of closed network connection")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
