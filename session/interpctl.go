package session

import (
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// interpCtl stops a running program the way yaegi's ExecuteWithContext
// does (advance the run id, which every frame checks between steps, and
// close the channel that blocked channel operations select on), without
// that function's flaw: on cancel it returns while its goroutine still
// writes the results, a data race, and leaves no way to wait for the
// program to actually stop. The session runs interp.Execute on a goroutine
// of its own instead and stops it with these fields of yaegi v0.16.1's
// Interpreter, found by name and type; newCtl fails if they change.
//
// It also grows the interpreter's global frame. Every evaluation adds the
// slots of its top-level temporaries to it, and yaegi reallocates and
// copies the whole frame for each: a session of thousands of cells would
// spend most of a trivial cell's time copying. grow extends it in place
// with room to spare first, which leaves yaegi nothing to do.
type interpCtl struct {
	id         *uint64
	mu         *sync.RWMutex
	done       *chan struct{}
	cancelChan *bool
	closed     bool // *done is closed; guarded by mu

	frameData *[]reflect.Value // interp.frame.data: the global frame
	frameMu   *sync.RWMutex    // interp.frame.mutex
	types     *[]reflect.Type  // interp.universe.types: its layout

	// Lists that keep every compiled syntax tree alive (13 kB a cell) for
	// yaegi's debugger only: interp.roots and the child scopes of the
	// universe and of package main. prune empties them.
	roots       *[]unsafe.Pointer
	childLists  []*[]unsafe.Pointer
	interpValue reflect.Value
}

func newCtl(in *interp.Interpreter) (*interpCtl, error) {
	v := reflect.ValueOf(in).Elem()
	field := func(name string, want reflect.Type) (unsafe.Pointer, error) {
		f := v.FieldByName(name)
		if !f.IsValid() || f.Type() != want {
			return nil, fmt.Errorf("session: yaegi's Interpreter has no field %s of type %v: the session supports yaegi v0.16.1", name, want)
		}
		return unsafe.Pointer(f.UnsafeAddr()), nil
	}
	var c interpCtl
	p, err := field("id", reflect.TypeOf(uint64(0)))
	if err != nil {
		return nil, err
	}
	c.id = (*uint64)(p)
	if p, err = field("mutex", reflect.TypeOf(sync.RWMutex{})); err != nil {
		return nil, err
	}
	c.mu = (*sync.RWMutex)(p)
	if p, err = field("done", reflect.TypeOf(make(chan struct{}))); err != nil {
		return nil, err
	}
	c.done = (*chan struct{})(p)
	if p, err = field("cancelChan", reflect.TypeOf(false)); err != nil {
		return nil, err
	}
	c.cancelChan = (*bool)(p)

	sub := func(ptr reflect.Value, name string, want reflect.Type) (unsafe.Pointer, error) {
		if ptr.Kind() != reflect.Pointer || ptr.IsNil() || ptr.Elem().Kind() != reflect.Struct {
			return nil, fmt.Errorf("session: yaegi's interpreter is not laid out as v0.16.1's")
		}
		f := ptr.Elem().FieldByName(name)
		if !f.IsValid() || f.Type() != want {
			return nil, fmt.Errorf("session: yaegi has no field %s of type %v: the session supports yaegi v0.16.1", name, want)
		}
		return unsafe.Pointer(f.UnsafeAddr()), nil
	}
	frame := v.FieldByName("frame")
	if p, err = sub(frame, "data", reflect.TypeOf([]reflect.Value(nil))); err != nil {
		return nil, err
	}
	c.frameData = (*[]reflect.Value)(p)
	if p, err = sub(frame, "mutex", reflect.TypeOf(sync.RWMutex{})); err != nil {
		return nil, err
	}
	c.frameMu = (*sync.RWMutex)(p)
	if p, err = sub(v.FieldByName("universe"), "types", reflect.TypeOf([]reflect.Type(nil))); err != nil {
		return nil, err
	}
	c.types = (*[]reflect.Type)(p)

	roots := v.FieldByName("roots")
	if !roots.IsValid() || roots.Kind() != reflect.Slice || roots.Type().Elem().Kind() != reflect.Pointer {
		return nil, fmt.Errorf("session: yaegi has no roots list: the session supports yaegi v0.16.1")
	}
	c.roots = (*[]unsafe.Pointer)(unsafe.Pointer(roots.UnsafeAddr()))
	c.interpValue = v
	if cl, err := childList(v.FieldByName("universe")); err == nil {
		c.childLists = append(c.childLists, cl)
	} else {
		return nil, err
	}

	c.mu.Lock()
	*c.done = make(chan struct{})
	*c.cancelChan = true // channel operations in cells can be interrupted
	c.mu.Unlock()
	return &c, nil
}

// begin readies the interpreter for a run: a fresh done channel if the
// last one was closed by stop, and a global frame big enough for what was
// compiled.
func (c *interpCtl) begin() {
	c.mu.Lock()
	if c.closed {
		*c.done = make(chan struct{})
		c.closed = false
	}
	c.mu.Unlock()
	c.grow()
}

// grow extends the global frame to the layout, as yaegi's resizeFrame
// does, but in place when there is room and with room to spare when not.
func (c *interpCtl) grow() {
	c.frameMu.Lock()
	defer c.frameMu.Unlock()
	types := *c.types
	d := *c.frameData
	b, l := len(d), len(types)
	if l <= b {
		return
	}
	if cap(d) < l {
		nd := make([]reflect.Value, b, max(2*cap(d), l, 256))
		copy(nd, d)
		d = nd
	}
	d = d[:l]
	for j, t := range types[b:l] {
		d[b+j] = reflect.New(t).Elem()
	}
	*c.frameData = d
}

// stop makes the running program stop at its next step.
func (c *interpCtl) stop() {
	atomic.AddUint64(c.id, 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		close(*c.done)
		c.closed = true
	}
}

// childList is the address of a *scope's child list.
func childList(sc reflect.Value) (*[]unsafe.Pointer, error) {
	if sc.Kind() != reflect.Pointer || sc.IsNil() {
		return nil, fmt.Errorf("session: yaegi scope missing: the session supports yaegi v0.16.1")
	}
	f := sc.Elem().FieldByName("child")
	if !f.IsValid() || f.Kind() != reflect.Slice || f.Type().Elem() != sc.Type() {
		return nil, fmt.Errorf("session: yaegi's scope has no child list: the session supports yaegi v0.16.1")
	}
	return (*[]unsafe.Pointer)(unsafe.Pointer(f.UnsafeAddr())), nil
}

// prune lets the syntax trees of finished evaluations go. Only the
// debugger reads these lists; what a program still needs (functions,
// types, closures) stays reachable from the scopes and the frame.
func (c *interpCtl) prune() {
	if len(c.childLists) == 1 {
		// Package main's scope exists once the first cell compiled.
		scopes := c.interpValue.FieldByName("scopes")
		if main := scopes.MapIndex(reflect.ValueOf("main")); main.IsValid() {
			if cl, err := childList(main); err == nil {
				c.childLists = append(c.childLists, cl)
			}
		}
	}
	*c.roots = nil
	for _, cl := range c.childLists {
		*cl = nil
	}
}
