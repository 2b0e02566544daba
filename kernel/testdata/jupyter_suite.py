"""The jupyter_kernel_test conformance suite for the contrast kernel, with
every optional sample filled in.

Run by kernel/jupyter_test.go (TestJupyterKernelSuite), which builds the
binary, installs its kernel spec in a temporary JUPYTER_PATH and runs
    /usr/bin/python3 kernel/testdata/jupyter_suite.py RESULT.json
The last argument is where a summary (tests run, failures, skips) goes.
"""

import json
import os
import sys
import unittest

import jupyter_kernel_test

PNG_CELL = """import (
	"bytes"
	"image"
	"image/color"
	"image/png"

	"github.com/gocontrast/contrast/display"
)

img := image.NewRGBA(image.Rect(0, 0, 4, 4))
img.Set(1, 1, color.RGBA{255, 0, 0, 255})
var buf bytes.Buffer
png.Encode(&buf, img)
display.PNG(buf.Bytes())"""


class ContrastKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("CONTRAST_KERNEL_NAME", "contrast")

    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'import "fmt"\n\nfmt.Println("hello, world")'

    code_stderr = 'import (\n\t"fmt"\n\t"os"\n)\n\nfmt.Fprintln(os.Stderr, "to stderr")'

    # Matches replace the word before the cursor (cursor_start is at its
    # first letter), as Jupyter front ends expect. The suite gives no way
    # to run a cell first: the samples complete builtins, and members of a
    # package that the text imports itself or uses without importing it.
    completion_samples = [
        {"text": "pri", "matches": {"print", "println"}},
        {"text": "n := le", "matches": {"len"}},
        {"text": "zzzNoSuchName", "matches": set()},
        {"text": 'import "strings"\nstrings.ToUp', "matches": {"ToUpper", "ToUpperSpecial"}},
        {"text": "strings.ToUp", "matches": {"ToUpper", "ToUpperSpecial"}},
    ]

    complete_code_samples = ["x := 1", "fmt.Println(1)", "func twice(n int) int { return 2 * n }"]
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {", "xs := []int{1,"]
    invalid_code_samples = ["x := )", "func f() }"]

    code_generate_error = 'panic("boom")'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "6 * 7", "result": "42"},
    ]

    code_display_data = [
        {"code": 'import "github.com/gocontrast/contrast/display"\n\ndisplay.HTML("<b>hi</b>")', "mime": "text/html"},
        {"code": PNG_CELL, "mime": "image/png"},
    ]

    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "fmt.Println"

    # A cell whose last line asks for help, as in IPython, pages it.
    code_page_something = "strings.Split?"

    code_clear_output = 'import "github.com/gocontrast/contrast/display"\n\ndisplay.Clear(false)'


class Summary(unittest.TextTestResult):
    """Keeps the names of skipped tests, subtests included."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skipped_names = []
        self.subtest_failures = []

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.skipped_names.append(test.id())

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.subtest_failures.append(subtest.id())


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else None
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(ContrastKernelTests)
    runner = unittest.TextTestRunner(verbosity=2, resultclass=Summary)
    result = runner.run(suite)
    summary = {
        "run": result.testsRun,
        "failures": [t.id() for t, _ in result.failures],
        "errors": [t.id() for t, _ in result.errors],
        "subtest_failures": result.subtest_failures,
        "skipped": result.skipped_names,
        "ok": result.wasSuccessful(),
    }
    if out:
        with open(out, "w") as f:
            json.dump(summary, f)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
