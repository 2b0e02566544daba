package prebind

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
)

func TestConnectionFileArgs(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"contrast", "kernel", "-f", "/run/k.json"}, "/run/k.json"},
		{[]string{"contrast", "kernel", "--f=/run/k.json"}, "/run/k.json"},
		{[]string{"contrast", "kernel", "-debug", "-f", "k.json"}, "k.json"},
		{[]string{"contrast", "kernel", "-f"}, ""},
		{[]string{"contrast", "repl", "-f", "k.json"}, ""},
		{[]string{"contrast"}, ""},
	} {
		got, ok := connectionFile(c.args)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%q: got %q, %v want %q", c.args, got, ok, c.want)
		}
	}
}

func TestParseIPv4(t *testing.T) {
	for s, want := range map[string]bool{"127.0.0.1": true, "0.0.0.0": true, "*": true, "10.1.2.300": false, "::1": false, "localhost": false, "1.2.3": false, "01.2.3.4": false} {
		if _, ok := parseIPv4(s); ok != want {
			t.Errorf("%q: got %v want %v", s, ok, want)
		}
	}
}

func freePorts(t *testing.T, n int) []int {
	var ls []net.Listener
	var ports []int
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

func TestBindAndTake(t *testing.T) {
	p := freePorts(t, 5)
	dir := t.TempDir()
	conn := filepath.Join(dir, "tcp.json")
	os.WriteFile(conn, []byte(fmt.Sprintf(`{"transport":"tcp","ip":"127.0.0.1","shell_port":%d,"control_port":%d,"stdin_port":%d,"iopub_port":%d,"hb_port":%d,"key":"k"}`, p[0], p[1], p[2], p[3], p[4])), 0o600)
	Bind(conn)
	// A client can connect before anyone accepts: the backlog holds it.
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p[0]))
	if err != nil {
		t.Fatalf("the shell port is not listening after bindFile: %v", err)
	}
	c.Close()
	for _, port := range p {
		f := Take("tcp", TCPAddr("127.0.0.1", fmt.Sprint(port)))
		if f == nil {
			t.Fatalf("port %d was not bound", port)
		}
		l, err := net.FileListener(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		l.Close()
	}
	if Take("tcp", TCPAddr("127.0.0.1", fmt.Sprint(p[0]))) != nil {
		t.Error("Take must forget what it returned")
	}

	ipc := filepath.Join(dir, "ipc.json")
	prefix := filepath.Join(dir, "k")
	os.WriteFile(ipc, []byte(`{"transport":"ipc","ip":"`+prefix+`","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5}`), 0o600)
	Bind(ipc)
	for i := 1; i <= 5; i++ {
		f := Take("unix", fmt.Sprintf("%s-%d", prefix, i))
		if f == nil {
			t.Fatalf("ipc socket %d was not bound", i)
		}
		f.Close()
		os.Remove(fmt.Sprintf("%s-%d", prefix, i))
	}
}

func TestBindIgnoresBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"notjson":  "{",
		"noports":  `{"transport":"tcp"}`,
		"hostname": `{"transport":"tcp","ip":"localhost","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5}`,
		"udp":      `{"transport":"udp","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5}`,
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		Bind(p)
	}
	Bind(filepath.Join(dir, "missing"))
	mu.Lock()
	defer mu.Unlock()
	if len(fds) != 0 {
		t.Errorf("bad connection files bound %v", fds)
	}
}
