// Command mirror builds a static mirror archive of fetched articles.
package main

import (
	"os"

	"github.com/archivemirror/mirror/tools/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
