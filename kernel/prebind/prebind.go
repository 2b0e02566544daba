// Package prebind binds the Jupyter kernel's listening sockets while the
// program is still initialising, so that a client's first connection
// attempt succeeds.
//
// jupyter_client connects to the kernel's ports a few milliseconds after it
// starts the kernel process. A ZeroMQ client whose first attempt is refused
// waits its reconnect interval (100 ms plus up to 100 ms of jitter in
// libzmq) before trying again, which more than doubles the kernel's
// start-up time whenever the process has not bound its ports in time. Go
// initialises every linked package (yaegi's symbol tables pull in most of
// the standard library, net and net/http included) before main runs. This
// package depends on neither: it binds with raw system calls from its init
// function, early in that sequence, and the kernel later serves on these
// sockets (Take). Connections made in between wait in the listen backlog.
//
// It acts only when the command line is `PROGRAM kernel -f FILE` (the argv
// of contrast's kernel spec), FILE is a readable connection file and its ip
// is a literal IPv4 address (or the transport is ipc); on any problem it
// does nothing and the kernel binds its ports as usual, reporting errors
// then.
package prebind

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"sync"
)

var (
	mu  sync.Mutex
	fds = map[string]int{} // "tcp 127.0.0.1:5555" or "unix PATH" to a listening socket
)

func init() {
	if path, ok := connectionFile(os.Args); ok {
		Bind(path)
	}
}

// connectionFile returns FILE from `PROGRAM kernel -f FILE` (also -f=FILE,
// --f FILE).
func connectionFile(args []string) (string, bool) {
	if len(args) < 3 || args[1] != "kernel" {
		return "", false
	}
	for i := 2; i < len(args); i++ {
		a := strings.TrimPrefix(strings.TrimPrefix(args[i], "-"), "-")
		if a == "f" && i+1 < len(args) {
			return args[i+1], true
		}
		if v, ok := strings.CutPrefix(a, "f="); ok {
			return v, true
		}
	}
	return "", false
}

// Bind binds the sockets the connection file at path names, for Take; init
// calls it for `PROGRAM kernel -f FILE`. Problems are ignored.
func Bind(path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var ci struct {
		Transport string `json:"transport"`
		IP        string `json:"ip"`
		Shell     int    `json:"shell_port"`
		Control   int    `json:"control_port"`
		Stdin     int    `json:"stdin_port"`
		IOPub     int    `json:"iopub_port"`
		HB        int    `json:"hb_port"`
	}
	if json.Unmarshal(data, &ci) != nil {
		return
	}
	for _, port := range []int{ci.Shell, ci.Control, ci.Stdin, ci.IOPub, ci.HB} {
		if port <= 0 || port > 65535 {
			return
		}
		switch ci.Transport {
		case "", "tcp":
			ip := ci.IP
			if ip == "" {
				ip = "127.0.0.1"
			}
			addr, ok := parseIPv4(ip)
			if !ok {
				return
			}
			if fd, err := listenTCP4(addr, port); err == nil {
				keep("tcp "+TCPAddr(ip, strconv.Itoa(port)), fd)
			}
		case "ipc":
			ip := ci.IP
			if ip == "" {
				ip = "kernel-ipc"
			}
			p := ip + "-" + strconv.Itoa(port)
			if fd, err := listenUnix(p); err == nil {
				keep("unix "+p, fd)
			}
		default:
			return
		}
	}
}

func keep(key string, fd int) {
	mu.Lock()
	fds[key] = fd
	mu.Unlock()
}

// parseIPv4 parses a dotted IPv4 address; "*" and "0.0.0.0" are any.
func parseIPv4(s string) ([4]byte, bool) {
	var a [4]byte
	if s == "*" {
		return a, true
	}
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return a, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 255 || p == "" || (len(p) > 1 && p[0] == '0') {
			return a, false
		}
		a[i] = byte(n)
	}
	return a, true
}

// TCPAddr normalises a host and port as zmq4's tcp transport does, so that
// keys match: an empty host or "*" is 0.0.0.0, a port "*" or "" is 0.
func TCPAddr(host, port string) string {
	switch host {
	case "", "*":
		host = "0.0.0.0"
	}
	switch port {
	case "", "*":
		port = "0"
	}
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + port
	}
	return host + ":" + port
}

// take returns and forgets the socket bound early for key, or -1.
func take(key string) int {
	mu.Lock()
	defer mu.Unlock()
	fd, ok := fds[key]
	if !ok {
		return -1
	}
	delete(fds, key)
	return fd
}
