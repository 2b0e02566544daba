package kernel

import (
	"context"
	"testing"
	"time"

	"github.com/gocontrast/contrast/session"
)

var sinkMsg *Message

// BenchmarkRequest measures one request through the protocol core over the
// in-memory transport: decode, busy, handler, reply, idle, and the client's
// decoding of the three messages.
func BenchmarkRequest(b *testing.B) {
	for _, bc := range []struct {
		name, msgType string
		content       any
		iopub         int // IOPub messages per request
	}{
		{"kernel_info", "kernel_info_request", map[string]any{}, 2},
		{"execute", "execute_request", execute("value 2"), 4},
	} {
		b.Run(bc.name, func(b *testing.B) {
			signer, _ := NewSigner("hmac-sha256", []byte(testKey))
			tr := newMemTransport()
			k := New(tr, Config{Signer: signer})
			go k.Serve(context.Background(), func(o session.Options) (session.Engine, error) { return newFakeEngine(o), nil })
			defer k.Stop()
			<-tr.out[IOPub] // starting
			tk := &testKernel{t: b, k: k, tr: tr, signer: signer, ident: []byte("bench")}
			frames, _ := Encode(tk.message(bc.msgType, bc.content), signer)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tr.in[Shell] <- frames
				r := <-tr.out[Shell]
				m, err := Decode(r.frames, signer)
				if err != nil {
					b.Fatal(err)
				}
				sinkMsg = m
				for j := 0; j < bc.iopub; j++ {
					select {
					case s := <-tr.out[IOPub]:
						sinkMsg, _ = Decode(s.frames, signer)
					case <-time.After(time.Second):
						b.Fatal("missing iopub")
					}
				}
			}
		})
	}
}
