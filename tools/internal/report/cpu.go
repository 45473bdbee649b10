package report

import (
	"syscall"
	"time"
)

// CPUTime is the CPU time the process has used, user and system, so a stage
// can report how busy it kept the cores.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
