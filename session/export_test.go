package session

import "os"

func osStdout() *os.File { return os.Stdout }
