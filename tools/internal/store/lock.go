package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/afero"
)

// memLocks serializes stores on in-memory file systems within the process.
var memLocks sync.Map // dir → *sync.Mutex

// Lock takes the store's lock, waiting for another run that holds it (and
// calling waiting once, so a person knows why nothing happens), until ctx is
// done. On the OS file system it is an flock on DIR/.mirror.lock, which the kernel
// releases when a run dies, so a killed run never leaves the store locked.
func (s *Store) Lock(ctx context.Context, waiting func()) error {
	unlock, err := s.acquire(ctx, waiting)
	if err != nil {
		return err
	}
	s.unlock = unlock
	// Another run may have written the manifest while we waited.
	m, err := LoadManifest(s.fs, filepath.Join(s.dir, ManifestName))
	if err != nil {
		s.Unlock()
		return err
	}
	s.mu.Lock()
	s.manifest = m
	s.mu.Unlock()
	return nil
}

func (s *Store) acquire(ctx context.Context, waiting func()) (func() error, error) {
	if _, ok := s.fs.(*afero.OsFs); !ok {
		mu, _ := memLocks.LoadOrStore(s.dir, &sync.Mutex{})
		mu.(*sync.Mutex).Lock()
		return func() error { mu.(*sync.Mutex).Unlock(); return nil }, nil
	}
	f, err := os.OpenFile(filepath.Join(s.dir, ".mirror.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("image store lock: %w", err)
	}
	told := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if err != syscall.EWOULDBLOCK {
			f.Close()
			return nil, fmt.Errorf("image store lock: %w", err)
		}
		if !told && waiting != nil {
			waiting()
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return func() error {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return f.Close()
	}, nil
}

// Unlock releases the lock taken by Lock.
func (s *Store) Unlock() error {
	if s.unlock == nil {
		return nil
	}
	err := s.unlock()
	s.unlock = nil
	return err
}
