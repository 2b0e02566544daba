package kernel

import (
	"context"

	"github.com/gocontrast/contrast/session"
)

type executeRequest struct {
	Code            string            `json:"code"`
	Silent          bool              `json:"silent"`
	StoreHistory    *bool             `json:"store_history"`
	UserExpressions map[string]string `json:"user_expressions"`
	AllowStdin      bool              `json:"allow_stdin"`
	StopOnError     *bool             `json:"stop_on_error"`
}

// execute runs a cell. IOPub gets execute_input (unless silent), the cell's
// streams and displays, then execute_result or error; the reply carries the
// execution count, which only grows for cells that are stored in history
// (store_history true and silent false).
func (k *Kernel) execute(r *request) (any, error) {
	var c executeRequest
	if err := decode(r, &c); err != nil {
		return nil, err
	}
	eng, err := k.getEngine()
	if err != nil {
		return nil, err
	}
	store := !c.Silent && (c.StoreHistory == nil || *c.StoreHistory)
	count := eng.Count()
	if store {
		count++
	}
	if !c.Silent {
		k.publish("execute_input", r.msg, map[string]any{"code": c.Code, "execution_count": count})
	}

	ctx, cancel := context.WithCancel(k.ctx)
	k.mu.Lock()
	if k.shutdown {
		k.mu.Unlock()
		cancel()
		return nil, &replyError{"KernelShutdown", "the kernel is shutting down"}
	}
	k.cancelCell, k.cellCtx, k.allowStdin = cancel, ctx, c.AllowStdin
	k.mu.Unlock()

	res := eng.Execute(ctx, c.Code, store)

	k.mu.Lock()
	k.cancelCell, k.cellCtx, k.allowStdin = nil, nil, false
	k.mu.Unlock()
	cancel()
	k.streams.flush()

	if res.Err != nil {
		tb := res.Err.Traceback
		if tb == nil {
			tb = []string{res.Err.Name + ": " + res.Err.Message}
		}
		errContent := map[string]any{"ename": res.Err.Name, "evalue": res.Err.Message, "traceback": tb}
		if !c.Silent {
			k.publish("error", r.msg, errContent)
			if c.StopOnError == nil || *c.StopOnError {
				// Abort the execute requests queued now, as ipykernel
				// does; counted before the reply goes out, so that a
				// request sent after the client sees the error runs.
				k.startAborting()
			}
		}
		reply := map[string]any{
			"status": "error", "execution_count": res.Count,
			"ename": res.Err.Name, "evalue": res.Err.Message, "traceback": tb,
			"user_expressions": map[string]any{}, "payload": []any{},
		}
		return reply, nil
	}
	if res.Value != nil && !c.Silent {
		meta := res.Metadata
		if meta == nil {
			meta = map[string]any{}
		}
		k.publish("execute_result", r.msg, map[string]any{
			"execution_count": res.Count, "data": k.mimeData(res.Value), "metadata": meta,
		})
	}
	payload := []any{}
	if res.Page != nil {
		// Help for the pager, as IPython sends it for "name?".
		payload = append(payload, map[string]any{"source": "page", "data": k.mimeData(res.Page), "start": 0})
	}
	return map[string]any{
		"status": "ok", "execution_count": res.Count,
		"user_expressions": k.userExpressions(eng, c.UserExpressions), "payload": payload,
	}, nil
}

// userExpressions evaluates each expression after the cell, silently.
func (k *Kernel) userExpressions(eng session.Engine, exprs map[string]string) map[string]any {
	out := make(map[string]any, len(exprs))
	for name, expr := range exprs {
		b, err := eng.Eval(k.ctx, expr)
		if err != nil {
			tb := err.Traceback
			if tb == nil {
				tb = []string{err.Name + ": " + err.Message}
			}
			out[name] = map[string]any{"status": "error", "ename": err.Name, "evalue": err.Message, "traceback": tb}
			continue
		}
		out[name] = map[string]any{"status": "ok", "data": k.mimeData(b), "metadata": map[string]any{}}
	}
	return out
}
