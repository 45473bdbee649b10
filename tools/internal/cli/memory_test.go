package cli

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
	}{
		{"400MiB", 400 << 20},
		{"1.5GiB", 3 << 29},
		{"800MB", 800e6},
		{"2 GB", 2e9},
		{"512KiB", 512 << 10},
		{"100B", 100},
		{"", -1},
		{"400", -1},
		{"-1GiB", -1},
		{"lots MiB", -1},
	} {
		got, err := parseSize(tt.in)
		if tt.want < 0 {
			if err == nil {
				t.Errorf("parseSize(%q) = %d, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

// --memory-limit sets Go's limit and tells the build: a size, or off.
func TestMemoryLimitFlag(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for _, tt := range []struct {
		in   string
		want int64
	}{
		{"300MiB", 300 << 20},
		{"off", math.MaxInt64},
	} {
		var got int64
		if err := (&memoryLimit{bytes: &got}).Set(tt.in); err != nil || got != tt.want || debug.SetMemoryLimit(-1) != tt.want {
			t.Errorf("Set(%q): %d, %v; Go's limit %d; want %d", tt.in, got, err, debug.SetMemoryLimit(-1), tt.want)
		}
	}
	var got int64
	if err := (&memoryLimit{bytes: &got}).Set("lots"); err == nil || got != 0 {
		t.Errorf("Set(lots): %d, %v; want an error", got, err)
	}
}
