package kernel

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"
)

// TestSignaturesMatchJupyterClient checks Signer against signatures that
// jupyter_client's Session computed (testdata/make_signatures.py).
func TestSignaturesMatchJupyterClient(t *testing.T) {
	raw, err := os.ReadFile("testdata/signatures.json")
	if err != nil {
		t.Fatal(err)
	}
	var vectors []struct {
		Scheme, Key, Signature string
		Parts                  []string
	}
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatal(err)
	}
	if len(vectors) == 0 {
		t.Fatal("no vectors")
	}
	for _, v := range vectors {
		s, err := NewSigner(v.Scheme, []byte(v.Key))
		if err != nil {
			t.Fatalf("%s: %v", v.Scheme, err)
		}
		p := v.Parts
		got := s.Sign([]byte(p[0]), []byte(p[1]), []byte(p[2]), []byte(p[3]))
		if string(got) != v.Signature {
			t.Errorf("%s key %.10q: got %s want %s", v.Scheme, v.Key, got, v.Signature)
		}
		if !s.Verify([]byte(v.Signature), []byte(p[0]), []byte(p[1]), []byte(p[2]), []byte(p[3])) {
			t.Errorf("%s: Verify rejects jupyter_client's signature", v.Scheme)
		}
		if s.Verify([]byte(v.Signature), []byte(p[0]), []byte(p[1]), []byte(p[2]), []byte(p[3]+" ")) {
			t.Errorf("%s: Verify accepts a signature for other content", v.Scheme)
		}
	}
}

func TestSignerSchemes(t *testing.T) {
	if _, err := NewSigner("hmac-sha3-999", []byte("k")); err == nil {
		t.Error("an unknown scheme with a key must be an error")
	}
	s, err := NewSigner("hmac-sha3-999", nil)
	if err != nil || s.Enabled() {
		t.Errorf("an empty key disables signing whatever the scheme: %v", err)
	}
	if sig := s.Sign([]byte("{}"), nil, nil, nil); sig != nil {
		t.Errorf("disabled signer signed: %q", sig)
	}
	if !s.Verify([]byte("anything"), nil, nil, nil, nil) {
		t.Error("a disabled signer accepts every signature")
	}
}

func testMessage() *Message {
	return &Message{
		Identities: [][]byte{[]byte("peer-1"), []byte("peer-2")},
		Header:     Header{MsgID: "m1", Session: "s1", Username: "u", Date: "2024-01-01T00:00:00.000000Z", MsgType: "comm_msg", Version: ProtocolVersion},
		Parent:     json.RawMessage(`{"msg_id":"p1","unknown_field":[1,2]}`),
		Metadata:   json.RawMessage(`{"k":"v"}`),
		Content:    json.RawMessage(`{"comm_id":"c","data":{}}`),
		Buffers:    [][]byte{{0, 1, 2, 255}, {}, []byte("<IDS|MSG>")},
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, key := range []string{"", "secret"} {
		s, _ := NewSigner("hmac-sha256", []byte(key))
		frames, err := Encode(testMessage(), s)
		if err != nil {
			t.Fatal(err)
		}
		if key == "" && len(frames[3]) != 0 {
			t.Errorf("unsigned message has signature %q", frames[3])
		}
		m, err := Decode(frames, s)
		if err != nil {
			t.Fatalf("key %q: %v", key, err)
		}
		want := testMessage()
		if !reflect.DeepEqual(m.Identities, want.Identities) || m.Header != want.Header ||
			!bytes.Equal(m.Parent, want.Parent) || !bytes.Equal(m.Metadata, want.Metadata) ||
			!bytes.Equal(m.Content, want.Content) || !reflect.DeepEqual(m.Buffers, want.Buffers) {
			t.Errorf("key %q: round trip changed the message:\ngot  %+v\nwant %+v", key, m, want)
		}
	}
}

func TestEncodeEmptyPartsAsObjects(t *testing.T) {
	s, _ := NewSigner("", nil)
	frames, _ := Encode(&Message{Header: Header{MsgID: "x", MsgType: "status"}}, s)
	for i, name := range []string{"parent", "metadata", "content"} {
		if got := string(frames[3+i]); got != "{}" {
			t.Errorf("%s: got %q want {}", name, got)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", []byte("key"))
	good, _ := Encode(testMessage(), s)
	resign := func(f [][]byte) [][]byte {
		i := 3 // 2 identities, delimiter, signature
		f[i] = s.Sign(f[i+1], f[i+2], f[i+3], f[i+4])
		return f
	}
	clone := func() [][]byte {
		out := make([][]byte, len(good))
		for i := range good {
			out[i] = bytes.Clone(good[i])
		}
		return out
	}
	tampered := clone()
	tampered[7] = []byte(`{"comm_id":"d","data":{}}`)
	badHeader := clone()
	badHeader[4] = []byte(`{"msg_id":"m1"}`)
	headerArray := clone()
	headerArray[4] = []byte(`[1]`)
	contentArray := clone()
	contentArray[7] = []byte(`[]`)
	truncatedJSON := clone()
	truncatedJSON[7] = truncatedJSON[7][:5]
	cases := []struct {
		name   string
		frames [][]byte
		want   error
	}{
		{"no frames", nil, ErrNoDelimiter},
		{"no delimiter", [][]byte{[]byte("a"), []byte("b")}, ErrNoDelimiter},
		{"delimiter only", good[:3], ErrTooFewFrames},
		{"no content", good[:7], ErrTooFewFrames},
		{"tampered content", tampered, ErrBadSignature},
		{"empty signature", append(append(clone()[:3:3], nil), good[4:]...), ErrBadSignature},
		{"header without msg_type", resign(badHeader), ErrBadHeader},
		{"header not an object", resign(headerArray), ErrInvalidJSON},
		{"content not an object", resign(contentArray), ErrInvalidJSON},
		{"truncated content", resign(truncatedJSON), ErrInvalidJSON},
	}
	for _, c := range cases {
		_, err := Decode(c.frames, s)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v want %v", c.name, err, c.want)
		}
	}
}

// FuzzDecode feeds arbitrary frames to Decode: it must never panic, and a
// message it accepts must survive Encode and Decode unchanged.
func FuzzDecode(f *testing.F) {
	s, _ := NewSigner("hmac-sha256", []byte("fuzz"))
	unsigned, _ := NewSigner("", nil)
	for _, signer := range []*Signer{s, unsigned} {
		frames, _ := Encode(testMessage(), signer)
		f.Add(joinFrames(frames), signer.Enabled())
	}
	f.Add([]byte("<IDS|MSG>\x00|\x00|{}\x00|{}\x00|{}\x00|{}"), false)
	f.Add([]byte{}, true)
	f.Fuzz(func(t *testing.T, data []byte, signed bool) {
		signer := unsigned
		if signed {
			signer = s
		}
		frames := bytes.Split(data, []byte("\x00|"))
		m, err := Decode(frames, signer)
		if err != nil {
			return
		}
		again, err := Encode(m, signer)
		if err != nil {
			t.Fatalf("Encode of a decoded message: %v", err)
		}
		m2, err := Decode(again, signer)
		if err != nil {
			t.Fatalf("Decode of a re-encoded message: %v", err)
		}
		if m2.Header != m.Header || !bytes.Equal(m2.Content, m.Content) || !bytes.Equal(m2.Parent, m.Parent) ||
			len(m2.Buffers) != len(m.Buffers) || len(m2.Identities) != len(m.Identities) {
			t.Fatalf("round trip changed the message: %+v vs %+v", m, m2)
		}
	})
}

func joinFrames(frames [][]byte) []byte { return bytes.Join(frames, []byte("\x00|")) }
