//go:build unix

package content

import (
	"os"
	"syscall"
)

// openNoFollow opens a file for reading, failing if it is a symbolic link.
func openNoFollow(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
}
