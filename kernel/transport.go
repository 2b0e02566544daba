package kernel

import "fmt"

// Channel names one of the kernel's sockets.
type Channel int

// The channels of the Jupyter protocol. Heartbeat is the transport's own
// business: the core never sees it.
const (
	Shell Channel = iota
	Control
	Stdin
	IOPub
)

func (c Channel) String() string {
	switch c {
	case Shell:
		return "shell"
	case Control:
		return "control"
	case Stdin:
		return "stdin"
	case IOPub:
		return "iopub"
	}
	return fmt.Sprintf("Channel(%d)", int(c))
}

// Transport carries multipart messages between the protocol core and the
// clients. Frames include the routing identities the transport needs to
// deliver a reply: on Shell, Control and Stdin the first frames Recv returns
// identify the sender, and Send delivers to the peer named by the first
// frame; on IOPub the first frame of Send is the topic.
//
// Recv and Send may be called from several goroutines, but only one Recv per
// channel at a time. After Close, Recv returns an error.
type Transport interface {
	// Recv blocks until a message arrives on ch (Shell, Control or Stdin).
	Recv(ch Channel) ([][]byte, error)
	// Send sends a message on ch. The core never modifies frames after
	// Send, so a transport may queue them as they are.
	Send(ch Channel, frames [][]byte) error
	Close() error
}
