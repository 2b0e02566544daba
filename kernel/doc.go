// Package kernel is contrast's Jupyter kernel: the Jupyter messaging
// protocol (version 5.3) between a Jupyter client and a session.Engine.
//
// The package has three layers, after xeus (xkernel_core, xserver):
//
//   - The wire format (message.go): a Message is decoded from and encoded to
//     ZeroMQ multipart frames — routing identities, the "<IDS|MSG>"
//     delimiter, an HMAC signature, header, parent header, metadata, content
//     and binary buffers. A Signer signs with the connection file's
//     signature_scheme (hmac-sha256 and friends); an empty key disables
//     signing. Decode rejects bad signatures, missing frames and invalid
//     JSON with an error; the kernel logs such messages and drops them.
//
//   - The protocol core (kernel.go, handlers.go, execute.go): a table maps
//     each msg_type to its handler. One function, dispatch, publishes
//     status busy before a handler and idle after it (after all of its
//     output), sends the handler's reply on the channel the request came
//     on, and turns a handler's error or panic into an error reply. Shell
//     requests are served one at a time, in order; control requests
//     (interrupt, shutdown) are served by their own goroutine while a cell
//     runs. The engine never sees a socket: the kernel gives it writers for
//     stdout and stderr (coalesced into IOPub stream messages), a
//     display.Sink (display_data, update_display_data, clear_output) and
//     an input function (input_request on the stdin channel). A cell's
//     help request ("strings.Split?", session.Result.Page) goes out as
//     IPython's pager payload in the execute_reply; history searches
//     with unique=false use session.HistorySearcher when the engine has
//     it.
//
//   - The transport (transport.go, zmq.go): the core reads and writes
//     multipart messages through the small Transport interface. ZMQ
//     implements it with github.com/go-zeromq/zmq4 (pure Go) over tcp or
//     ipc, as a connection file names them, and answers heartbeats itself.
//     Incoming ZMTP frames larger than Limits.MaxFrame close the
//     connection that sent them instead of exhausting memory. Tests run the
//     core over an in-memory transport. Package kernel/prebind binds the
//     listening sockets during program initialisation, before the large
//     symbol tables of the interpreter are set up, so that a client's first
//     connection attempt succeeds instead of waiting out libzmq's reconnect
//     interval; ZMQ serves on those sockets.
//
// Interrupts arrive as interrupt_request on the control channel (the kernel
// spec declares interrupt_mode "message") or as SIGINT; both cancel the
// context of the running Execute.
//
// Kernel logs go to the *log.Logger in Config; the contrast binary points it
// at a duplicate of the original standard error taken before the session
// captures file descriptors 1 and 2, so logs never end up in a cell's output.
//
// Install writes a kernel spec (kernel.json and logos) so Jupyter can start
// `contrast kernel -f {connection_file}`.
package kernel
