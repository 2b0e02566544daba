// Command gen regenerates package exports: the yaegi symbol tables and the
// doc table of the packages listed in packages.txt.
//
//	go generate ./session/...
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/gocontrast/contrast/session/internal/generate"
)

func main() {
	list := flag.String("list", "packages.txt", "file listing the import paths, one a line")
	out := flag.String("out", ".", "directory to write the tables to")
	pkg := flag.String("pkg", "exports", "package name of the generated files")
	flag.Parse()
	if err := generate.Write(*list, *out, *pkg); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
