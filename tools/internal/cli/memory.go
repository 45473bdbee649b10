package cli

import (
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"strings"
)

// memoryLimit is --memory-limit: Go's soft memory limit (what GOMEMLIMIT
// sets), for machines where memory is scarcer than time, or "off". Under
// it the garbage collector works harder as the heap nears the limit; below
// the build's live heap it cannot hold, and the build slows down instead.
// Unset, the build sets one from the archive's size (build.memoryBudget).
type memoryLimit struct {
	value string
	bytes *int64
}

func (m *memoryLimit) String() string { return m.value }
func (m *memoryLimit) Type() string   { return "SIZE" }

func (m *memoryLimit) Set(s string) error {
	n := int64(math.MaxInt64)
	if s != "off" {
		var err error
		if n, err = parseSize(s); err != nil {
			return err
		}
	}
	m.value, *m.bytes = s, n
	debug.SetMemoryLimit(n)
	return nil
}

var sizeUnits = []struct {
	suffix string
	bytes  int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}

// parseSize reads a size such as 400MiB, 1.5GiB or 800MB.
func parseSize(s string) (int64, error) {
	for _, u := range sizeUnits {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
			if err != nil || f <= 0 {
				break
			}
			return int64(f * float64(u.bytes)), nil
		}
	}
	return 0, fmt.Errorf("%q is not a size such as 400MiB or 1GiB", s)
}
