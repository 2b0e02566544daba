// Package display shows rich output (images, HTML, Markdown, progress bars)
// from notebook cells and from the compiled helpers that cells call, without
// knowing which front end is listening.
//
// A front end (the Jupyter kernel, the REPL, the report renderer) gives the
// session a Sink; the session binds it, with the running cell's context, for
// the duration of each cell (Bind). Everything in this package then reaches
// that Sink. With no Sink bound (a plain Go program), output falls back to
// text on standard error, so helpers never need to ask who is listening.
//
// Values render themselves by implementing one of the small interfaces in
// this package (Renderer for a full MIME bundle, or PNGer, SVGer, HTMLer,
// Markdowner, LaTeXer); Of finds the richest one, as io.Copy finds
// WriterTo.
//
// Interrupts: Context returns the running cell's context. A compiled helper
// that loops should check Context().Err() (or select on Done) every so often
// and return early when it is set: that is how a notebook's interrupt button
// stops compiled code.
//
// All functions are safe for concurrent use.
package display
