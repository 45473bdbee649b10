// Package filelock takes an exclusive flock on an open file, waiting for
// the run that holds it. The kernel releases the lock of a run that dies,
// so a killed run never leaves anything locked.
package filelock

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"
)

// ErrLocked says another run holds the lock.
var ErrLocked = errors.New("locked by another run")

// TryLock locks f exclusively, or says ErrLocked at once.
func TryLock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrLocked
	}
	return err
}

// Lock waits until f is locked exclusively or ctx is done, calling waiting
// once when another run holds it, so a person knows why nothing happens.
func Lock(ctx context.Context, f *os.File, waiting func()) error {
	for told := false; ; {
		err := TryLock(f)
		if !errors.Is(err, ErrLocked) {
			return err // nil: locked
		}
		if !told && waiting != nil {
			waiting()
			told = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Unlock releases the lock.
func Unlock(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
