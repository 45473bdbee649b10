package hugo

import (
	"errors"

	"github.com/gohugoio/hugo/commands"
	"github.com/gohugoio/hugo/common/herrors"
)

// Command runs Hugo's own command line with args, exactly as a separately
// installed hugo binary would, so nobody needs one. Hugo reads the raw
// content/ in that case: no stage runs.
func Command(args []string) error {
	err := commands.Execute(args)
	if err == nil {
		return nil
	}
	return errors.Join(herrors.Errors(err)...)
}
