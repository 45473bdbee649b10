//go:build !unix

package publish

import "os"

// inode is 0 where files have no inode number: size and time tell them apart.
func inode(os.FileInfo) uint64 { return 0 }
