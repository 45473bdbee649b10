//go:build unix

package publish

import (
	"os"
	"syscall"
)

// inode is the file's inode number: two files written in the same clock
// tick can have the same size and time, not the same inode.
func inode(info os.FileInfo) uint64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}
