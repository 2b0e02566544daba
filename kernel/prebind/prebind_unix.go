//go:build unix

package prebind

import (
	"os"
	"syscall"
)

func listenTCP4(addr [4]byte, port int) (int, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return -1, err
	}
	syscall.CloseOnExec(fd)
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Port: port, Addr: addr}); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	if err := syscall.Listen(fd, syscall.SOMAXCONN); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	return fd, nil
}

func listenUnix(path string) (int, error) {
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		return -1, err
	}
	syscall.CloseOnExec(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	if err := syscall.Listen(fd, syscall.SOMAXCONN); err != nil {
		syscall.Close(fd)
		os.Remove(path)
		return -1, err
	}
	return fd, nil
}

// Take returns the socket bound early for network ("tcp" or "unix") and
// addr (as zmq4's transports normalise it) as a file, and forgets it; nil if
// there is none. The caller makes a listener of it with net.FileListener and
// closes the file.
func Take(network, addr string) *os.File {
	fd := take(network + " " + addr)
	if fd < 0 {
		return nil
	}
	return os.NewFile(uintptr(fd), network+":"+addr)
}
