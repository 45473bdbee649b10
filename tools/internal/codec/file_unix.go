//go:build unix

package codec

import (
	"os"
	"sync"
	"syscall"
)

// mapped are the files mapped so far, for ReleaseMapped.
var mapped struct {
	sync.Mutex
	files [][]byte
}

// mapFile maps a file, read only, to be released by ReleaseMapped when
// release is set; ok is false when it cannot.
func mapFile(name string, release bool) (data []byte, ok bool) {
	f, err := os.Open(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() == 0 || int64(int(info.Size())) != info.Size() {
		return nil, false
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(info.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE)
	if err != nil {
		return nil, false
	}
	if release {
		mapped.Lock()
		mapped.files = append(mapped.files, data)
		mapped.Unlock()
	}
	return data, true
}

// releaseMapped tells the system the mapped files' pages are not needed
// now. They stay mapped: one read again is read from the file again.
func releaseMapped() {
	mapped.Lock()
	defer mapped.Unlock()
	for _, data := range mapped.files {
		syscall.Madvise(data, syscall.MADV_DONTNEED)
	}
}
