package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strings"
	"sync"
	"time"
)

// ProtocolVersion is the Jupyter messaging protocol version this kernel
// speaks.
const ProtocolVersion = "5.3"

// delimiter separates routing identities from the message proper.
var delimiter = []byte("<IDS|MSG>")

// Header is a message header. Unknown fields of a request's header are kept
// in Message.RawHeader and echoed back verbatim as the parent header.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one Jupyter message.
type Message struct {
	// Identities are the ZeroMQ routing frames before the delimiter. A reply
	// carries its request's identities so a ROUTER socket delivers it.
	Identities [][]byte
	Header     Header
	// RawHeader is the header as received (nil on messages built here).
	RawHeader json.RawMessage
	// Parent is the parent header: the raw header of the request this
	// message answers, or "{}".
	Parent   json.RawMessage
	Metadata json.RawMessage
	Content  json.RawMessage
	// Buffers are the binary frames after the content; they are kept as
	// received and sent as given.
	Buffers [][]byte
}

// Errors that Decode wraps; test with errors.Is.
var (
	ErrNoDelimiter  = errors.New("no <IDS|MSG> delimiter")
	ErrTooFewFrames = errors.New("too few frames after the delimiter")
	ErrBadSignature = errors.New("bad signature")
	ErrInvalidJSON  = errors.New("invalid JSON")
	ErrBadHeader    = errors.New("bad header")
)

// Signer computes and checks message signatures: the hex HMAC of header,
// parent header, metadata and content, keyed by the connection file's key,
// with the hash its signature_scheme names. A Signer with an empty key signs
// nothing and accepts any signature. It is safe for concurrent use.
type Signer struct {
	key  []byte
	pool sync.Pool
}

// NewSigner returns a signer for scheme (such as "hmac-sha256") and key.
// An empty key disables signing whatever the scheme; an unknown scheme with
// a non-empty key is an error.
func NewSigner(scheme string, key []byte) (*Signer, error) {
	s := &Signer{key: bytes.Clone(key)}
	if len(key) == 0 {
		return s, nil
	}
	var h func() hash.Hash
	switch strings.ToLower(scheme) {
	case "hmac-sha256", "":
		h = sha256.New
	case "hmac-sha1":
		h = sha1.New
	case "hmac-sha224":
		h = sha256.New224
	case "hmac-sha384":
		h = sha512.New384
	case "hmac-sha512":
		h = sha512.New
	case "hmac-md5":
		h = md5.New
	default:
		return nil, fmt.Errorf("kernel: unknown signature_scheme %q: use hmac-sha256 (or hmac-sha1, hmac-sha224, hmac-sha384, hmac-sha512, hmac-md5)", scheme)
	}
	s.pool.New = func() any { return hmac.New(h, s.key) }
	return s, nil
}

// Enabled reports whether messages are signed.
func (s *Signer) Enabled() bool { return len(s.key) > 0 }

// Sign returns the hex signature of the four message parts, or nil when
// signing is disabled.
func (s *Signer) Sign(header, parent, metadata, content []byte) []byte {
	if !s.Enabled() {
		return nil
	}
	mac := s.pool.Get().(hash.Hash)
	mac.Reset()
	mac.Write(header)
	mac.Write(parent)
	mac.Write(metadata)
	mac.Write(content)
	var sum [64]byte
	raw := mac.Sum(sum[:0])
	s.pool.Put(mac)
	out := make([]byte, hex.EncodedLen(len(raw)))
	hex.Encode(out, raw)
	return out
}

// Verify reports whether sig is the signature of the four parts. With
// signing disabled every signature is accepted.
func (s *Signer) Verify(sig, header, parent, metadata, content []byte) bool {
	if !s.Enabled() {
		return true
	}
	return hmac.Equal(sig, s.Sign(header, parent, metadata, content))
}

// Decode parses a multipart message and checks its signature. It copies
// nothing: the message refers to the frames. It returns an error (wrapping
// one of the Err variables above) for a message that must be dropped.
func Decode(frames [][]byte, s *Signer) (*Message, error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], delimiter) {
		i++
	}
	if i == len(frames) {
		return nil, fmt.Errorf("kernel: %w in %d frames", ErrNoDelimiter, len(frames))
	}
	parts := frames[i+1:]
	if len(parts) < 5 {
		return nil, fmt.Errorf("kernel: %w: got %d, want signature, header, parent header, metadata and content", ErrTooFewFrames, len(parts))
	}
	sig, header, parent, metadata, content := parts[0], parts[1], parts[2], parts[3], parts[4]
	if !s.Verify(sig, header, parent, metadata, content) {
		return nil, fmt.Errorf("kernel: %w (check that client and kernel share the connection file's key)", ErrBadSignature)
	}
	m := &Message{
		Identities: frames[:i],
		RawHeader:  header,
		Parent:     parent,
		Metadata:   metadata,
		Content:    content,
		Buffers:    parts[5:],
	}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("kernel: %w in header: %v", ErrInvalidJSON, err)
	}
	for _, p := range []struct {
		name string
		data []byte
	}{{"parent header", parent}, {"metadata", metadata}, {"content", content}} {
		if !isJSONObject(p.data) {
			return nil, fmt.Errorf("kernel: %w: %s is not a JSON object", ErrInvalidJSON, p.name)
		}
	}
	if m.Header.MsgType == "" {
		return nil, fmt.Errorf("kernel: %w: no msg_type", ErrBadHeader)
	}
	if m.Header.MsgID == "" {
		return nil, fmt.Errorf("kernel: %w: no msg_id", ErrBadHeader)
	}
	return m, nil
}

// isJSONObject reports whether data is one valid JSON object.
func isJSONObject(data []byte) bool {
	data = bytes.TrimSpace(data)
	return len(data) >= 2 && data[0] == '{' && json.Valid(data)
}

// Encode returns the frames of m, signed by s: identities, delimiter,
// signature, header, parent header, metadata, content and buffers. Empty
// parent, metadata and content are sent as "{}".
func Encode(m *Message, s *Signer) ([][]byte, error) {
	header := []byte(m.RawHeader)
	if header == nil {
		var err error
		if header, err = json.Marshal(&m.Header); err != nil {
			return nil, fmt.Errorf("kernel: encoding header: %w", err)
		}
	}
	parent, metadata, content := orEmpty(m.Parent), orEmpty(m.Metadata), orEmpty(m.Content)
	frames := make([][]byte, 0, len(m.Identities)+7+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, delimiter, s.Sign(header, parent, metadata, content), header, parent, metadata, content)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

func orEmpty(b json.RawMessage) []byte {
	if len(b) == 0 {
		return []byte("{}")
	}
	return b
}

// newID returns a random message or session id (32 hex digits).
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("kernel: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// timestamp is the ISO 8601 date of a header, in UTC with microseconds.
func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}
