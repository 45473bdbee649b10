package safefile

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"os"

	"github.com/spf13/afero"
)

// WriteGob replaces the file name on the disk with v, gob-encoded (see
// Write): how the build keeps what it derived for the next run.
func WriteGob(name string, v any) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return err
	}
	return Write(afero.NewOsFs(), name, buf.Bytes(), 0o644)
}

// ReadGob decodes into v what WriteGob wrote in name, streamed (no copy of
// the whole file in memory). v may be partly filled when it fails.
func ReadGob(name string, v any) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return gob.NewDecoder(bufio.NewReader(f)).Decode(v)
}
