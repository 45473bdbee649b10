package codec

import (
	"os"
	"sync/atomic"

	"github.com/spf13/afero"
)

// mapping says whether ReadFile maps files (see MapFiles).
var mapping atomic.Bool

// MapFiles makes ReadFile map files into memory instead of reading them,
// for a process that runs one build and exits. Memory fresh from the
// system is slow to fault in on small virtual machines (about 5 ms a
// megabyte, measured), and a mapped file's pages come from the page
// cache, ten times faster; but a mapping is never undone (the strings
// read from it may live on), so a long-running process (mirror serve)
// must leave this off.
func MapFiles(on bool) { mapping.Store(on) }

// ReleaseMapped lets the system take back the memory of the files mapped
// so far, for a process about to need its memory for something else: the
// pages of a mapped file count in its resident memory. The files stay
// mapped (the strings read from them may live on), and a page read again
// is read from the file again, so this is always safe: it is for memory,
// not for correctness.
func ReleaseMapped() { releaseMapped() }

// ReadFile returns a file's bytes, to be read with a Decoder and never
// changed: mapped when MapFiles is on (and the system can), else read.
func ReadFile(name string) ([]byte, error) { return readFile(name, true) }

// ReadFileResident is ReadFile for a file whose records are used to the
// end of the run: ReleaseMapped leaves it be. Its pages would only be
// faulted in again, one by one, each fault costing (on the small virtual
// machines builds run on) about what reading the page did.
func ReadFileResident(name string) ([]byte, error) { return readFile(name, false) }

func readFile(name string, release bool) ([]byte, error) {
	if mapping.Load() {
		if data, ok := mapFile(name, release); ok {
			return data, nil
		}
	}
	return os.ReadFile(name)
}

// ReadFileIn is ReadFile for a file in fsys, mapped only on the OS's.
func ReadFileIn(fsys afero.Fs, name string) ([]byte, error) {
	if _, ok := fsys.(*afero.OsFs); ok {
		return ReadFile(name)
	}
	return afero.ReadFile(fsys, name)
}
