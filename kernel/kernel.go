package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/user"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gocontrast/contrast/session"
)

// Config configures a Kernel. Zero fields mean sensible defaults.
type Config struct {
	// Signer signs outgoing and checks incoming messages. Nil disables
	// signing (as an empty key in the connection file does).
	Signer *Signer
	// Log receives the kernel's own log lines (dropped messages, failed
	// handlers). Nil discards them.
	Log *log.Logger
	// Debug logs every message received and sent.
	Debug bool
	// Version is the implementation_version in kernel_info_reply.
	Version string
	// Options are the session options the kernel completes with its own
	// Stdout, Stderr, Sink and Input before starting the engine.
	Options session.Options
	// StreamDelay is how long stream output is held to coalesce small
	// writes into one IOPub message. Default 2ms; output is always flushed
	// before any other message of the same request, before a reply and
	// before idle.
	StreamDelay time.Duration
}

// EngineFunc starts the engine. The kernel calls it once, in its own
// goroutine, so that it answers kernel_info while the engine starts.
type EngineFunc func(session.Options) (session.Engine, error)

// Kernel serves the Jupyter protocol for one engine over one transport.
type Kernel struct {
	t       Transport
	cfg     Config
	signer  *Signer
	log     *log.Logger
	session string // this kernel's session id, in every header it sends
	user    string

	engineReady chan struct{}
	engine      session.Engine
	engineErr   error

	iopubMu sync.Mutex // serialises IOPub sends
	streams streams

	ctx  context.Context // cancelled on shutdown
	stop context.CancelFunc

	mu         sync.Mutex
	parent     *Message           // request whose output is being produced
	cancelCell context.CancelFunc // cancels the running Execute, if any
	cellCtx    context.Context
	allowStdin bool
	inputs     chan *Message // input_reply messages from the stdin reader
	shutdown   bool
	restart    bool

	shellQ msgQueue
	// abort is how many queued shell messages are still to be handled in
	// aborting mode after a failed execute with stop_on_error.
	abort int
}

// New returns a kernel serving over t. Serve starts it.
func New(t Transport, cfg Config) *Kernel {
	if cfg.Signer == nil {
		cfg.Signer, _ = NewSigner("", nil)
	}
	if cfg.Log == nil {
		cfg.Log = log.New(io.Discard, "", 0)
	}
	if cfg.StreamDelay <= 0 {
		cfg.StreamDelay = 2 * time.Millisecond
	}
	if cfg.Version == "" {
		cfg.Version = moduleVersion()
	}
	k := &Kernel{
		t:           t,
		cfg:         cfg,
		signer:      cfg.Signer,
		log:         cfg.Log,
		session:     newID(),
		user:        username(),
		engineReady: make(chan struct{}),
		inputs:      make(chan *Message, 1),
	}
	k.ctx, k.stop = context.WithCancel(context.Background())
	k.streams.k = k
	k.shellQ.cond = sync.NewCond(&k.shellQ.mu)
	return k
}

func username() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "contrast"
}

func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// Serve starts the engine with start (in the background) and serves
// requests until a shutdown_request arrives, ctx is cancelled or the
// transport fails. It closes the engine and the transport before it
// returns. A shutdown by request returns nil.
func (k *Kernel) Serve(ctx context.Context, start EngineFunc) error {
	go k.startEngine(start)
	k.publish("status", nil, map[string]any{"execution_state": "starting"})

	errc := make(chan error, 3)
	go func() { errc <- k.readLoop(Shell, k.shellQ.push) }()
	go func() { errc <- k.readLoop(Control, func(m *Message) { k.dispatch(Control, m) }) }()
	go func() { errc <- k.readLoop(Stdin, k.stdinReply) }()
	shellDone := make(chan struct{})
	go func() { k.shellLoop(); close(shellDone) }()

	var err error
	select {
	case <-k.ctx.Done(): // shutdown_request
	case <-ctx.Done():
		err = ctx.Err()
	case err = <-errc:
		err = fmt.Errorf("kernel: transport failed: %w", err)
	}
	k.Stop()
	select {
	case <-shellDone:
	case <-time.After(2 * time.Second):
		k.log.Printf("the running cell did not stop within 2s of shutdown; exiting anyway")
	}
	k.streams.flush()
	if e := k.closeEngine(); e != nil {
		k.log.Printf("closing the engine: %v", e)
	}
	if e := k.t.Close(); e != nil && err == nil {
		err = e
	}
	return err
}

// Stop makes Serve return: it interrupts the running cell and stops taking
// requests.
func (k *Kernel) Stop() {
	k.mu.Lock()
	k.shutdown = true
	if k.cancelCell != nil {
		k.cancelCell()
	}
	k.mu.Unlock()
	k.shellQ.close()
	k.stop()
}

// Interrupt cancels the running cell's context, if a cell is running. It is
// what interrupt_request and SIGINT do.
func (k *Kernel) Interrupt() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cancelCell != nil {
		k.cancelCell()
	}
}

// Restart reports whether the last shutdown_request asked for a restart.
func (k *Kernel) Restart() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.restart
}

func (k *Kernel) startEngine(start EngineFunc) {
	opts := k.cfg.Options
	opts.Stdout = &streamWriter{k: k, name: "stdout"}
	opts.Stderr = &streamWriter{k: k, name: "stderr"}
	opts.Sink = sink{k}
	opts.Input = k.input
	defer close(k.engineReady)
	defer func() {
		if r := recover(); r != nil {
			k.engineErr = fmt.Errorf("panic while starting: %v", r)
		}
	}()
	if start == nil {
		k.engineErr = errors.New("no engine")
		return
	}
	k.engine, k.engineErr = start(opts)
	if k.engineErr == nil && k.engine == nil {
		k.engineErr = errors.New("no engine")
	}
	if k.engineErr != nil {
		k.log.Printf("the engine failed to start: %v", k.engineErr)
	}
}

// getEngine waits for the engine to start.
func (k *Kernel) getEngine() (session.Engine, error) {
	select {
	case <-k.engineReady:
	case <-k.ctx.Done():
		return nil, errors.New("the kernel is shutting down")
	}
	if k.engineErr != nil {
		return nil, &replyError{"EngineError", "the Go engine failed to start: " + k.engineErr.Error()}
	}
	return k.engine, nil
}

func (k *Kernel) closeEngine() error {
	select {
	case <-k.engineReady:
	case <-time.After(5 * time.Second):
		return errors.New("the engine is still starting")
	}
	if k.engine == nil {
		return nil
	}
	return k.engine.Close()
}

// readLoop decodes messages from ch and hands them to handle. Messages that
// fail to decode are logged and dropped.
func (k *Kernel) readLoop(ch Channel, handle func(*Message)) error {
	for {
		frames, err := k.t.Recv(ch)
		if err != nil {
			if k.ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("%s: %w", ch, err)
		}
		m, err := Decode(frames, k.signer)
		if err != nil {
			k.log.Printf("dropped a message on %s: %v", ch, err)
			continue
		}
		if k.cfg.Debug {
			k.log.Printf("%s <- %s %s", ch, m.Header.MsgType, m.Header.MsgID)
		}
		handle(m)
	}
}

// shellLoop handles shell requests one at a time, in order.
func (k *Kernel) shellLoop() {
	for {
		m, ok := k.shellQ.pop()
		if !ok {
			return
		}
		k.dispatch(Shell, m)
	}
}

// request is one incoming message being handled.
type request struct {
	ch  Channel
	msg *Message
}

// replyError is a failure that a handler reports as an error reply.
type replyError struct {
	name, msg string
}

func (e *replyError) Error() string { return e.name + ": " + e.msg }

// dispatch is the one place that handles a request: status busy, the
// handler from the table, its reply (or an error reply), idle.
func (k *Kernel) dispatch(ch Channel, m *Message) {
	mt := m.Header.MsgType
	if ch == Shell {
		k.setParent(m)
	}
	k.publish("status", m, map[string]any{"execution_state": "busy"})
	defer k.publish("status", m, map[string]any{"execution_state": "idle"})
	defer k.streams.flush()

	h, ok := handlers[mt]
	if ok && ch == Control && !h.control || ok && ch == Shell && !h.shell {
		k.log.Printf("%s is not served on the %s channel; ignored", mt, ch)
		ok = false
	}
	if !ok {
		if reply, isReq := strings.CutSuffix(mt, "_request"); isReq {
			k.reply(ch, m, reply+"_reply", errorContent(&replyError{"UnknownMessageType",
				fmt.Sprintf("the contrast kernel does not handle %s on the %s channel", mt, ch)}))
		} else {
			k.log.Printf("ignored a %s message on %s", mt, ch)
		}
		return
	}
	if ch == Shell && k.aborting() && mt == "execute_request" {
		k.reply(ch, m, h.reply, map[string]any{"status": "aborted"})
		return
	}
	content, err := k.call(h, &request{ch, m})
	if err != nil {
		k.log.Printf("%s failed: %v", mt, err)
		content = errorContent(err)
	}
	if h.reply != "" {
		k.streams.flush()
		k.reply(ch, m, h.reply, content)
	}
	if h.after != nil {
		h.after(k, &request{ch, m}, content)
	}
}

// call runs a handler, turning a panic into an error.
func (k *Kernel) call(h handler, r *request) (content any, err error) {
	defer func() {
		if p := recover(); p != nil {
			k.log.Printf("panic in the %s handler: %v\n%s", r.msg.Header.MsgType, p, debug.Stack())
			err = &replyError{"KernelError", fmt.Sprintf("the kernel failed while handling %s: %v", r.msg.Header.MsgType, p)}
		}
	}()
	return h.fn(k, r)
}

func errorContent(err error) map[string]any {
	name, msg := "KernelError", err.Error()
	var re *replyError
	if errors.As(err, &re) {
		name, msg = re.name, re.msg
	}
	return map[string]any{"status": "error", "ename": name, "evalue": msg, "traceback": []string{name + ": " + msg}}
}

// aborting reports whether the next shell message is handled in aborting
// mode, and counts it.
func (k *Kernel) aborting() bool {
	if k.abort == 0 {
		return false
	}
	k.abort--
	return true
}

// startAborting aborts the execute requests queued now, after a failed
// execute with stop_on_error.
func (k *Kernel) startAborting() { k.abort = k.shellQ.len() }

func (k *Kernel) setParent(m *Message) {
	k.streams.flush()
	k.mu.Lock()
	k.parent = m
	k.mu.Unlock()
}

func (k *Kernel) currentParent() *Message {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.parent
}

// newMessage builds a message of type msgType answering parent (nil for
// none) with content marshalled to JSON.
func (k *Kernel) newMessage(msgType string, parent *Message, content any) (*Message, error) {
	c, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("kernel: encoding %s content: %w", msgType, err)
	}
	m := &Message{
		Header: Header{
			MsgID:    newID(),
			Session:  k.session,
			Username: k.user,
			Date:     timestamp(time.Now()),
			MsgType:  msgType,
			Version:  ProtocolVersion,
		},
		Content: c,
	}
	if parent != nil {
		m.Parent = parent.RawHeader
	}
	return m, nil
}

// reply sends a reply to m on the channel m came on.
func (k *Kernel) reply(ch Channel, m *Message, msgType string, content any) {
	r, err := k.newMessage(msgType, m, content)
	if err != nil {
		k.log.Print(err)
		r, _ = k.newMessage(msgType, m, errorContent(err))
	}
	r.Identities = m.Identities
	k.send(ch, r)
}

// publish sends a message on IOPub.
func (k *Kernel) publish(msgType string, parent *Message, content any) {
	m, err := k.newMessage(msgType, parent, content)
	if err != nil {
		k.log.Print(err)
		return
	}
	m.Identities = [][]byte{[]byte("kernel." + k.session + "." + msgType)}
	k.iopubMu.Lock()
	defer k.iopubMu.Unlock()
	k.send(IOPub, m)
}

func (k *Kernel) send(ch Channel, m *Message) {
	frames, err := Encode(m, k.signer)
	if err != nil {
		k.log.Print(err)
		return
	}
	if k.cfg.Debug {
		k.log.Printf("%s -> %s", ch, m.Header.MsgType)
	}
	if err := k.t.Send(ch, frames); err != nil && k.ctx.Err() == nil {
		k.log.Printf("sending %s on %s: %v", m.Header.MsgType, ch, err)
	}
}

// msgQueue is the unbounded queue of shell requests between the reader and
// the shell loop, so that stop_on_error can see what is waiting.
type msgQueue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []*Message
	closed bool
}

func (q *msgQueue) push(m *Message) {
	q.mu.Lock()
	q.items = append(q.items, m)
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *msgQueue) pop() (*Message, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if q.closed {
		return nil, false
	}
	m := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	return m, true
}

func (q *msgQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

func (q *msgQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}
