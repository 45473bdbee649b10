package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/filelock"
)

// memLocks serializes stores on in-memory file systems within the process.
var memLocks sync.Map // dir → *sync.Mutex

// Lock takes the store's lock, waiting for another run that holds it (and
// calling waiting once, so a person knows why nothing happens), until ctx is
// done. On the OS file system it is an flock on DIR/.mirror.lock, which the kernel
// releases when a run dies, so a killed run never leaves the store locked.
// A run that died holding the lock left half-written files: they are
// removed.
func (s *Store) Lock(ctx context.Context, waiting func()) error {
	unlock, interrupted, err := s.acquire(ctx, waiting)
	if err != nil {
		return err
	}
	s.unlock, s.interrupted = unlock, interrupted
	if interrupted {
		if err := s.Clean(); err != nil {
			s.Unlock()
			return err
		}
	}
	// Another run may have written the manifest while we waited.
	if err := s.readManifest(); err != nil {
		s.Unlock()
		return err
	}
	return nil
}

// The lock file says whether the run holding it is still going: a run
// that finds "running" in it after taking the lock follows one that died.
const (
	stateRunning = "running\n"
	stateDone    = "done\n"
)

func (s *Store) acquire(ctx context.Context, waiting func()) (unlock func() error, interrupted bool, err error) {
	if _, ok := s.fs.(*afero.OsFs); !ok {
		mu, _ := memLocks.LoadOrStore(s.dir, &sync.Mutex{})
		mu.(*sync.Mutex).Lock()
		return func() error { mu.(*sync.Mutex).Unlock(); return nil }, true, nil
	}
	f, err := os.OpenFile(filepath.Join(s.dir, ".mirror.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("image store lock: %w", err)
	}
	if err := filelock.Lock(ctx, f, waiting); err != nil {
		f.Close()
		if ctx.Err() == nil {
			err = fmt.Errorf("image store lock: %w", err)
		}
		return nil, false, err
	}
	state, _ := io.ReadAll(f)
	interrupted = string(state) == stateRunning
	setState(f, stateRunning)
	return func() error {
		setState(f, stateDone)
		filelock.Unlock(f)
		return f.Close()
	}, interrupted, nil
}

func setState(f *os.File, state string) {
	f.Truncate(0)
	f.WriteAt([]byte(state), 0)
	f.Sync()
}

// Interrupted says whether the run that held the lock before died holding
// it, leaving temporary files for Clean to remove.
func (s *Store) Interrupted() bool { return s.interrupted }

// Unlock releases the lock taken by Lock.
func (s *Store) Unlock() error {
	if s.unlock == nil {
		return nil
	}
	err := s.unlock()
	s.unlock = nil
	return err
}

// OpenLocked opens the store in dir for a run that adds to it: its
// manifest kept indexed in index, the files found intact recorded in
// fixity (see KeepFixity; "" keeps none), its lock taken (see Lock).
func OpenLocked(ctx context.Context, fsys afero.Fs, dir, index, fixity string, waiting func()) (*Store, error) {
	st, err := OpenIndexed(fsys, dir, index)
	if err != nil {
		return nil, err
	}
	st.KeepFixity(fixity)
	return st, st.Lock(ctx, waiting)
}
