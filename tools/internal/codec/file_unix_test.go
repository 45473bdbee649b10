//go:build unix

package codec

import (
	"os"
	"testing"
)

// A file read as resident is mapped like any, and left out of what
// ReleaseMapped releases.
func TestReadFileResident(t *testing.T) {
	name := t.TempDir() + "/f"
	e := &Encoder{}
	e.Text("kept")
	os.WriteFile(name, e.B, 0o644)
	MapFiles(true)
	defer MapFiles(false)
	before := len(mapped.files)
	data, err := ReadFileResident(name)
	if err != nil || NewDecoder(data).Text() != "kept" {
		t.Fatalf("read %q, %v", data, err)
	}
	if len(mapped.files) != before {
		t.Error("a resident file is among those ReleaseMapped releases")
	}
	if _, err := ReadFile(name); err != nil || len(mapped.files) != before+1 {
		t.Errorf("a file read so is not: %v", err)
	}
}
