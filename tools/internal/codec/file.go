package codec

import (
	"os"

	"github.com/spf13/afero"
)

// ReadFile returns a file's bytes, to be read with a Decoder and never
// changed: the strings a Decoder reads share them.
func ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }

// ReadFileIn is ReadFile for a file in fsys.
func ReadFileIn(fsys afero.Fs, name string) ([]byte, error) {
	if _, ok := fsys.(*afero.OsFs); ok {
		return ReadFile(name)
	}
	return afero.ReadFile(fsys, name)
}
