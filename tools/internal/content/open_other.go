//go:build !unix

package content

import (
	"fmt"
	"io/fs"
	"os"
)

// openNoFollow opens a file for reading, failing if it is a symbolic link
// (checked before opening: this system has no O_NOFOLLOW).
func openNoFollow(name string) (*os.File, error) {
	info, err := os.Lstat(name)
	if err != nil {
		return nil, err
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Errorf("%s: a symbolic link", name)
	}
	return os.Open(name)
}
