package kernel

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/session"
)

// handler serves one msg_type.
type handler struct {
	reply          string // reply msg_type; "" sends no reply
	shell, control bool   // the channels it is served on
	fn             func(k *Kernel, r *request) (content any, err error)
	// after, if set, runs once the reply is sent (before idle).
	after func(k *Kernel, r *request, content any)
}

// handlers is the routing table from msg_type to handler.
var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"kernel_info_request": {reply: "kernel_info_reply", shell: true, control: true, fn: (*Kernel).kernelInfo},
		"execute_request":     {reply: "execute_reply", shell: true, fn: (*Kernel).execute},
		"complete_request":    {reply: "complete_reply", shell: true, fn: (*Kernel).complete},
		"inspect_request":     {reply: "inspect_reply", shell: true, fn: (*Kernel).inspect},
		"is_complete_request": {reply: "is_complete_reply", shell: true, fn: (*Kernel).isComplete},
		"history_request":     {reply: "history_reply", shell: true, fn: (*Kernel).history},
		"comm_info_request":   {reply: "comm_info_reply", shell: true, fn: (*Kernel).commInfo},
		"comm_open":           {shell: true, fn: (*Kernel).commOpen},
		"comm_msg":            {shell: true, fn: (*Kernel).commIgnore},
		"comm_close":          {shell: true, fn: (*Kernel).commIgnore},
		"shutdown_request":    {reply: "shutdown_reply", shell: true, control: true, fn: (*Kernel).shutdownRequest, after: (*Kernel).afterShutdown},
		"interrupt_request":   {reply: "interrupt_reply", control: true, fn: (*Kernel).interruptRequest},
	}
}

// decode unmarshals a request's content into v.
func decode(r *request, v any) error {
	if err := json.Unmarshal(r.msg.Content, v); err != nil {
		return &replyError{"BadRequest", fmt.Sprintf("bad %s content: %v", r.msg.Header.MsgType, err)}
	}
	return nil
}

func (k *Kernel) kernelInfo(*request) (any, error) {
	return map[string]any{
		"status":                 "ok",
		"protocol_version":       ProtocolVersion,
		"implementation":         "contrast",
		"implementation_version": k.cfg.Version,
		"language_info": map[string]any{
			"name":               "go",
			"version":            strings.TrimPrefix(runtime.Version(), "go"),
			"mimetype":           "text/x-go",
			"file_extension":     ".go",
			"pygments_lexer":     "go",
			"codemirror_mode":    "go",
			"nbconvert_exporter": "",
		},
		"banner":   "contrast " + k.cfg.Version + ": Go cells interpreted by yaegi, for contrastive representation learning",
		"debugger": false,
		"help_links": []map[string]string{
			{"text": "Go documentation", "url": "https://go.dev/doc/"},
			{"text": "Go packages", "url": "https://pkg.go.dev/"},
		},
	}, nil
}

func (k *Kernel) complete(r *request) (any, error) {
	var c struct {
		Code      string `json:"code"`
		CursorPos *int   `json:"cursor_pos"`
	}
	if err := decode(r, &c); err != nil {
		return nil, err
	}
	eng, err := k.getEngine()
	if err != nil {
		return nil, err
	}
	cursor := len(c.Code)
	if c.CursorPos != nil {
		cursor = byteOffset(c.Code, *c.CursorPos)
	}
	comp := eng.Complete(c.Code, cursor)
	start, end := comp.Start, comp.End
	if start < 0 || start > len(c.Code) || end < start || end > len(c.Code) {
		start, end = cursor, cursor
	}
	matches := comp.Matches
	if matches == nil {
		matches = []string{}
	}
	cs, ce := runeOffset(c.Code, start), runeOffset(c.Code, end)
	meta := map[string]any{}
	if len(comp.Types) == len(matches) && len(matches) > 0 {
		types := make([]map[string]any, len(matches))
		for i, m := range matches {
			types[i] = map[string]any{"start": cs, "end": ce, "text": m, "type": comp.Types[i]}
		}
		meta["_jupyter_types_experimental"] = types
	}
	return map[string]any{
		"status": "ok", "matches": matches, "cursor_start": cs, "cursor_end": ce, "metadata": meta,
	}, nil
}

func (k *Kernel) inspect(r *request) (any, error) {
	var c struct {
		Code        string `json:"code"`
		CursorPos   *int   `json:"cursor_pos"`
		DetailLevel int    `json:"detail_level"`
	}
	if err := decode(r, &c); err != nil {
		return nil, err
	}
	eng, err := k.getEngine()
	if err != nil {
		return nil, err
	}
	cursor := len(c.Code)
	if c.CursorPos != nil {
		cursor = byteOffset(c.Code, *c.CursorPos)
	}
	in := eng.Inspect(c.Code, cursor, c.DetailLevel)
	data := map[string]any{}
	if in.Found {
		data = k.mimeData(in.Data)
	}
	return map[string]any{"status": "ok", "found": in.Found, "data": data, "metadata": map[string]any{}}, nil
}

func (k *Kernel) isComplete(r *request) (any, error) {
	var c struct {
		Code string `json:"code"`
	}
	if err := decode(r, &c); err != nil {
		return nil, err
	}
	eng, err := k.getEngine()
	if err != nil {
		return nil, err
	}
	status, indent := eng.IsComplete(c.Code)
	switch status {
	case session.Complete, session.Invalid, session.Unknown:
		return map[string]any{"status": status}, nil
	case session.Incomplete:
		return map[string]any{"status": status, "indent": indent}, nil
	}
	return map[string]any{"status": session.Unknown}, nil
}

func (k *Kernel) history(r *request) (any, error) {
	var c struct {
		Output  bool   `json:"output"`
		Raw     bool   `json:"raw"`
		Access  string `json:"hist_access_type"`
		Session int    `json:"session"`
		Start   int    `json:"start"`
		Stop    int    `json:"stop"`
		N       *int   `json:"n"`
		Pattern string `json:"pattern"`
		Unique  bool   `json:"unique"`
	}
	if err := decode(r, &c); err != nil {
		return nil, err
	}
	eng, err := k.getEngine()
	if err != nil {
		return nil, err
	}
	n := 10
	if c.N != nil {
		n = *c.N
	}
	var entries []session.HistoryEntry
	switch c.Access {
	case "tail":
		entries = eng.History("tail", n, "", 0, 0, 0)
	case "range":
		entries = eng.History("range", 0, "", c.Session, c.Start, c.Stop)
	case "search":
		entries = searchHistory(eng, c.Pattern, n, c.Unique)
	default:
		return nil, &replyError{"BadRequest", fmt.Sprintf("hist_access_type %q: want tail, range or search", c.Access)}
	}
	hist := make([][3]any, 0, len(entries))
	for _, e := range entries {
		var item any = e.Input
		if c.Output {
			var out any
			if e.Output != "" {
				out = e.Output
			}
			item = [2]any{e.Input, out}
		}
		hist = append(hist, [3]any{e.Session, e.Line, item})
	}
	return map[string]any{"status": "ok", "history": hist}, nil
}

// searchHistory returns the last n entries whose input matches the glob
// pattern (as IPython's: * and ? match any characters, newlines included),
// oldest first; with unique, only the last entry of each distinct input.
// n <= 0 means all. An engine without session.HistorySearcher searches
// its own way, always unique.
func searchHistory(eng session.Engine, pattern string, n int, unique bool) []session.HistoryEntry {
	if hs, ok := eng.(session.HistorySearcher); ok {
		return hs.HistorySearch(pattern, n, unique)
	}
	return eng.History("search", n, pattern, 0, 0, 0)
}

func (k *Kernel) commInfo(r *request) (any, error) {
	// No comm targets are registered: there are no widgets (yet).
	return map[string]any{"status": "ok", "comms": map[string]any{}}, nil
}

// commOpen answers a comm_open for a target that does not exist with a
// comm_close, as the protocol asks, so the client forgets the comm.
func (k *Kernel) commOpen(r *request) (any, error) {
	var c struct {
		CommID     string `json:"comm_id"`
		TargetName string `json:"target_name"`
	}
	if err := decode(r, &c); err != nil {
		return nil, err
	}
	k.log.Printf("comm_open for unknown target %q; closing comm %s", c.TargetName, c.CommID)
	k.publish("comm_close", r.msg, map[string]any{"comm_id": c.CommID, "data": map[string]any{}})
	return nil, nil
}

func (k *Kernel) commIgnore(r *request) (any, error) {
	k.log.Printf("%s for an unknown comm; ignored", r.msg.Header.MsgType)
	return nil, nil
}

func (k *Kernel) shutdownRequest(r *request) (any, error) {
	var c struct {
		Restart bool `json:"restart"`
	}
	if err := decode(r, &c); err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.restart = c.Restart
	k.mu.Unlock()
	return map[string]any{"status": "ok", "restart": c.Restart}, nil
}

func (k *Kernel) afterShutdown(r *request, content any) {
	// ipykernel also broadcasts the reply, for clients that watch IOPub.
	k.publish("shutdown_reply", r.msg, content)
	k.Stop()
}

func (k *Kernel) interruptRequest(*request) (any, error) {
	k.Interrupt()
	return map[string]any{"status": "ok"}, nil
}

// byteOffset converts a cursor in Unicode code points (the protocol's unit
// since 5.2) to a byte offset in s, clamped to s.
func byteOffset(s string, runes int) int {
	if runes <= 0 {
		return 0
	}
	i := 0
	for off := range s {
		if i == runes {
			return off
		}
		i++
	}
	return len(s)
}

// runeOffset converts a byte offset in s to code points.
func runeOffset(s string, off int) int {
	return utf8.RuneCountInString(s[:off])
}

// mimeData turns a bundle into the JSON form of a MIME bundle: []byte of
// binary types base64-encoded (as display.Bundle.String does), text as
// strings, application/json as its value. A value that cannot be encoded
// is replaced by an explanation in text/plain.
func (k *Kernel) mimeData(b display.Bundle) map[string]any {
	out := make(map[string]any, len(b))
	for mime, v := range b {
		switch d := v.(type) {
		case string:
			out[mime] = d
		case []byte:
			out[mime] = b.String(mime)
		default:
			raw, err := json.Marshal(d)
			if err != nil {
				k.log.Printf("cannot encode %s output: %v", mime, err)
				out[display.MIMEText] = fmt.Sprintf("<%s output that cannot be encoded as JSON: %v>", mime, err)
				continue
			}
			out[mime] = json.RawMessage(raw)
		}
	}
	return out
}
