// Package repl is contrast's terminal front end: the session engine of the
// Jupyter kernel (package session), driven from a line editor, and the
// script runner behind `contrast run`.
//
// Interactive (Interactive): the prompt is ready at once and the session
// starts in the background; the first cell waits for it, typing never
// does (Tab gives up after completeTimeout). Enter runs the cell when the
// session says it is complete or invalid, and otherwise opens a new,
// numbered, indented line; a closing bracket typed first on a line
// dedents it. History is one entry per cell, in DefaultHistoryFile (0600,
// in a 0700 directory), at most MaxHistory entries. Ctrl-C at the prompt
// drops the line; while a cell runs (the terminal is then in its normal
// mode, so Ctrl-C is SIGINT) it cancels the cell's context, which stops
// interpreted code and the compiled helpers that watch display.Context.
// Lines starting with ':' are commands (:help lists them).
//
// Output: streams, results and errors go to the terminal; rich displays
// through the screen, a display.Sink. Images are written to a folder
// (Options.ImagesDir) and their path printed, and drawn inline with the
// kitty graphics protocol, iTerm2's OSC 1337 or sixel where the terminal
// speaks one (see detectInline; CONTRAST_INLINE overrides). HTML becomes
// plain text (tables aligned), Markdown and LaTeX are shown as they are.
// Progress bars (display.Progress) are redrawn in place at the bottom of
// the screen while other output scrolls above them; off a terminal they
// print a line every few seconds, and no escape sequence is ever written.
//
// Scripts (Run): the input is cut into cells as if typed at the prompt, or
// run as a program when it has package main and func main (see
// splitScript). The first error is printed on the error stream with the
// file's line numbers and Run returns an error wrapping ErrFailed.
//
// The line editor is github.com/reeflective/readline: maintained, with a
// multi-line buffer (a cell is edited and recalled as one entry), Emacs
// and Vi keys, the user's ~/.inputrc, incremental history search and
// completion menus. Its query of the cursor position is turned off because
// keys typed while the answer is on the way are lost; the REPL instead
// keeps rows free below the input (reserveRows) so that the editor's
// relative cursor moves stay right at the bottom of the screen.
package repl
