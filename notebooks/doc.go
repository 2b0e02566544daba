// Package notebooks holds contrast's example notebooks (*.ipynb) and the
// tests that run them: every code cell of every notebook in this folder is
// executed in order through a real session (TestNotebooks), and tour.ipynb
// also through Jupyter itself with the contrast kernel
// (TestTourExecutedByJupyter).
//
// Notebooks are stored without outputs. A cell tagged "raises-exception"
// must fail; any other failing cell fails the test. The cell tagged
// "parameters" (papermill's convention) holds the sizes that keep a run
// short; with CONTRAST_NOTEBOOKS_LONG=1 the tests inject larger ones after
// it, as papermill would, and check that training helps.
package notebooks
