package cli

import "testing"

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
