package kernel

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/gocontrast/contrast/kernel/prebind"
	"github.com/gocontrast/contrast/session"
)

// freePorts returns n TCP ports that were free a moment ago.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var ls []net.Listener
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

func connInfo(t *testing.T, transport string) ConnectionInfo {
	p := freePorts(t, 5)
	ci := ConnectionInfo{Transport: transport, ShellPort: p[0], ControlPort: p[1], StdinPort: p[2], IOPubPort: p[3], HBPort: p[4], Key: "zmq-test-key", SignatureScheme: "hmac-sha256"}
	if transport == "ipc" {
		ci.IP = filepath.Join(t.TempDir(), "kernel")
		ci.ShellPort, ci.ControlPort, ci.StdinPort, ci.IOPubPort, ci.HBPort = 1, 2, 3, 4, 5
	}
	return ci
}

// zmqKernel serves a fake engine over real ZeroMQ sockets.
func zmqKernel(t *testing.T, ci ConnectionInfo, lim Limits) *Kernel {
	t.Helper()
	z, err := ListenZMQ(ci, lim, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := NewSigner(ci.SignatureScheme, []byte(ci.Key))
	k := New(z, Config{Signer: signer, Log: testLogger(t)})
	done := make(chan error, 1)
	go func() {
		done <- k.Serve(context.Background(), func(o session.Options) (session.Engine, error) { return newFakeEngine(o), nil })
	}()
	t.Cleanup(func() {
		k.Stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return")
		}
	})
	return k
}

type zmqClient struct {
	t      *testing.T
	shell  zmq4.Socket
	ctrl   zmq4.Socket
	iopub  zmq4.Socket
	hb     zmq4.Socket
	signer *Signer
	// iopubCh receives IOPub messages, read by a goroutine for the
	// client's lifetime.
	iopubCh chan [][]byte
}

func dialKernel(t *testing.T, ci ConnectionInfo) *zmqClient {
	t.Helper()
	ctx := context.Background()
	c := &zmqClient{t: t,
		shell: zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("client-shell"))),
		ctrl:  zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("client-control"))),
		iopub: zmq4.NewSub(ctx),
		hb:    zmq4.NewReq(ctx),
	}
	c.signer, _ = NewSigner(ci.SignatureScheme, []byte(ci.Key))
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{c.shell, ci.ShellPort}, {c.ctrl, ci.ControlPort}, {c.iopub, ci.IOPubPort}, {c.hb, ci.HBPort}} {
		if err := d.s.Dial(ci.Endpoint(d.port)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	c.iopubCh = make(chan [][]byte, 1000)
	go func() {
		for {
			m, err := c.iopub.Recv()
			if err != nil {
				return
			}
			c.iopubCh <- m.Frames
		}
	}()
	t.Cleanup(func() {
		for _, s := range []zmq4.Socket{c.shell, c.ctrl, c.iopub, c.hb} {
			s.Close()
		}
	})
	return c
}

func (c *zmqClient) request(s zmq4.Socket, msgType string, content any) *Message {
	c.t.Helper()
	body, _ := json.Marshal(content)
	h := Header{MsgID: newID(), Session: "zmq-client", Username: "test", Date: timestamp(time.Now()), MsgType: msgType, Version: ProtocolVersion}
	raw, _ := json.Marshal(h)
	m := &Message{Header: h, RawHeader: raw, Content: body, Buffers: [][]byte{{1, 2, 3}}}
	frames, _ := Encode(m, c.signer)
	if err := s.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		c.t.Fatal(err)
	}
	return m
}

func (c *zmqClient) recv(s zmq4.Socket) *Message {
	c.t.Helper()
	type res struct {
		msg zmq4.Msg
		err error
	}
	ch := make(chan res, 1)
	go func() { m, err := s.Recv(); ch <- res{m, err} }()
	select {
	case r := <-ch:
		if r.err != nil {
			c.t.Fatal(r.err)
		}
		m, err := Decode(r.msg.Frames, c.signer)
		if err != nil {
			c.t.Fatal(err)
		}
		return m
	case <-time.After(5 * time.Second):
		c.t.Fatal("no message within 5s")
	}
	return nil
}

// ready sends kernel_info requests until IOPub delivers their status, so
// that the subscription is in place, then drains IOPub.
func (c *zmqClient) ready() {
	c.t.Helper()
	for i := 0; i < 50; i++ {
		req := c.request(c.shell, "kernel_info_request", map[string]any{})
		if r := c.recv(c.shell); parentID(r) != req.Header.MsgID {
			c.t.Fatalf("kernel_info_reply for another request")
		}
		select {
		case <-c.iopubCh:
			c.drain()
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
	c.t.Fatal("IOPub never delivered")
}

// drain sends one more request and reads IOPub until its idle.
func (c *zmqClient) drain() {
	req := c.request(c.shell, "kernel_info_request", map[string]any{})
	c.recv(c.shell)
	for {
		m := c.recvIOPub()
		if parentID(m) == req.Header.MsgID && content(c.t, m)["execution_state"] == "idle" {
			return
		}
	}
}

func (c *zmqClient) recvIOPub() *Message {
	c.t.Helper()
	select {
	case frames := <-c.iopubCh:
		m, err := Decode(frames, c.signer)
		if err != nil {
			c.t.Fatal(err)
		}
		return m
	case <-time.After(5 * time.Second):
		c.t.Fatal("no IOPub message within 5s")
	}
	return nil
}

func TestZMQTransports(t *testing.T) {
	for _, tr := range []string{"tcp", "ipc"} {
		t.Run(tr, func(t *testing.T) {
			ci := connInfo(t, tr)
			zmqKernel(t, ci, Limits{})
			c := dialKernel(t, ci)
			c.ready()

			req := c.request(c.shell, "execute_request", execute("print hi\npng"))
			reply := c.recv(c.shell)
			if reply.Header.MsgType != "execute_reply" || content(t, reply)["status"] != "ok" {
				t.Fatalf("execute: %s %s", reply.Header.MsgType, reply.Content)
			}
			var got []string
			for {
				m := c.recvIOPub()
				if parentID(m) != req.Header.MsgID {
					t.Fatalf("iopub message for another request: %s", m.Header.MsgType)
				}
				got = append(got, m.Header.MsgType)
				if m.Header.MsgType == "status" && content(t, m)["execution_state"] == "idle" {
					break
				}
			}
			want := []string{"status", "execute_input", "stream", "display_data", "status"}
			if len(got) != len(want) {
				t.Errorf("iopub: got %v want %v", got, want)
			}

			ir := c.request(c.ctrl, "interrupt_request", map[string]any{})
			if r := c.recv(c.ctrl); r.Header.MsgType != "interrupt_reply" || parentID(r) != ir.Header.MsgID {
				t.Errorf("control: got %s", r.Header.MsgType)
			}

			if err := c.hb.Send(zmq4.NewMsg([]byte("ping"))); err != nil {
				t.Fatal(err)
			}
			echo, err := c.hb.Recv()
			if err != nil || len(echo.Frames) != 1 || string(echo.Frames[0]) != "ping" {
				t.Errorf("heartbeat: got %q, %v", echo.Frames, err)
			}
		})
	}
}

// rawZMTP opens a connection that speaks ZMTP by hand, so a test can send
// what no well-behaved library would.
func rawZMTP(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var g [64]byte
	g[0], g[9], g[10], g[11] = 0xff, 0x7f, 3, 0
	copy(g[12:], "NULL")
	if _, err := c.Write(g[:]); err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.WriteByte(5)
	body.WriteString("READY")
	for _, p := range [][2]string{{"Socket-Type", "DEALER"}, {"Identity", "raw"}} {
		body.WriteByte(byte(len(p[0])))
		body.WriteString(p[0])
		binary.Write(&body, binary.BigEndian, uint32(len(p[1])))
		body.WriteString(p[1])
	}
	c.Write([]byte{flagCommand, byte(body.Len())})
	c.Write(body.Bytes())
	return c
}

// closedByPeer reports whether the kernel closes c within d.
func closedByPeer(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	// EOF (nil here) or a reset: closed by the kernel. A timeout: still open.
	var ne net.Error
	return err == nil || !(errors.As(err, &ne) && ne.Timeout())
}

func TestZMQBadFrames(t *testing.T) {
	ci := connInfo(t, "tcp")
	zmqKernel(t, ci, Limits{MaxFrame: 1 << 20, MaxFrames: 100, Handshake: 300 * time.Millisecond})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(ci.ShellPort))

	t.Run("oversized frame", func(t *testing.T) {
		c := rawZMTP(t, addr)
		var hdr [9]byte
		hdr[0] = flagLong
		binary.BigEndian.PutUint64(hdr[1:], 1<<50) // zmq4 alone would try to allocate a petabyte
		c.Write(hdr[:])
		if !closedByPeer(c, 2*time.Second) {
			t.Error("the kernel kept a connection that announced a 1 PiB frame")
		}
	})
	t.Run("too many frames", func(t *testing.T) {
		c := rawZMTP(t, addr)
		for i := 0; i < 200; i++ {
			c.Write([]byte{flagMore, 1, 'x'})
		}
		if !closedByPeer(c, 2*time.Second) {
			t.Error("the kernel kept a connection sending a 200-frame message")
		}
	})
	t.Run("truncated frame", func(t *testing.T) {
		c := rawZMTP(t, addr)
		c.Write([]byte{0, 100, 'a', 'b', 'c'})
		c.Close()
	})
	t.Run("garbage then silence", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	})
	t.Run("silent peer", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if !closedByPeer(c, 3*time.Second) {
			t.Error("a peer that never completes the handshake must be dropped")
		}
	})
	// After all that, a well-behaved client is served.
	c := dialKernel(t, ci)
	req := c.request(c.shell, "kernel_info_request", map[string]any{})
	if r := c.recv(c.shell); parentID(r) != req.Header.MsgID {
		t.Error("kernel_info_reply for another request")
	}
}

func TestZMQIPCRemovesSocketFiles(t *testing.T) {
	ci := connInfo(t, "ipc")
	z, err := ListenZMQ(ci, Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := ci.IP + "-1"
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("ipc socket file %s: %v", path, err)
	}
	z.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("ipc socket file left behind after Close: %v", err)
	}
}

func TestReadConnectionFile(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "c.json")
		os.WriteFile(p, []byte(s), 0o600)
		return p
	}
	ci, err := ReadConnectionFile(write(`{"shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5,"ip":"127.0.0.1","key":"k","transport":"tcp","signature_scheme":"hmac-sha256","kernel_name":"contrast"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := ci.Endpoint(ci.IOPubPort); got != "tcp://127.0.0.1:4" {
		t.Errorf("tcp endpoint: %s", got)
	}
	ci.Transport, ci.IP = "ipc", "/tmp/k"
	if got := ci.Endpoint(3); got != "ipc:///tmp/k-3" {
		t.Errorf("ipc endpoint: %s", got)
	}
	for name, bad := range map[string]string{
		"not json":       `{`,
		"no ports":       `{"transport":"tcp"}`,
		"bad transport":  `{"shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5,"transport":"udp"}`,
		"port too large": `{"shell_port":70000,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5}`,
	} {
		if _, err := ReadConnectionFile(write(bad)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := ReadConnectionFile(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file: no error")
	}
}

// TestZMQServesPreboundSockets: ListenZMQ serves on the sockets package
// prebind bound early, instead of failing to bind the same ports.
func TestZMQServesPreboundSockets(t *testing.T) {
	ci := connInfo(t, "tcp")
	path := filepath.Join(t.TempDir(), "conn.json")
	raw, _ := json.Marshal(ci)
	os.WriteFile(path, raw, 0o600)
	prebind.Bind(path)
	zmqKernel(t, ci, Limits{})
	c := dialKernel(t, ci)
	c.ready()
	if f := prebind.Take("tcp", prebind.TCPAddr("127.0.0.1", strconv.Itoa(ci.ShellPort))); f != nil {
		f.Close()
		t.Error("ListenZMQ did not take the prebound shell socket")
	}
}
