package related

import (
	"slices"
	"testing"
	"time"
)

func day(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }

func TestCompute(t *testing.T) {
	arts := []Article{
		{"/a1", "A", "Tech", day(1)}, {"/a2", "A", "Life", day(2)}, {"/a3", "A", "Tech", day(3)},
		{"/b1", "B", "Tech", day(4)}, {"/b2", "B", "Tech", day(5)}, {"/c1", "", "Life", day(6)},
	}
	lists := Compute(arts, 3)
	tests := []struct {
		ref          string
		related      []string
		newer, older string
	}{
		// Same account first (nearest in time), then the same category.
		{"/a1", []string{"/a2", "/a3", "/b1"}, "/a3", ""},
		{"/a3", []string{"/a2", "/a1", "/b1"}, "/b1", "/a1"},
		{"/b2", []string{"/b1", "/a3", "/a1"}, "", "/b1"},
		// No account: the category only.
		{"/c1", []string{"/a2"}, "", "/a2"},
	}
	for _, tt := range tests {
		l := lists[tt.ref]
		if !slices.Equal(l.Related, tt.related) || l.Newer != tt.newer || l.Older != tt.older {
			t.Errorf("%s: %+v, want related %v newer %q older %q", tt.ref, l, tt.related, tt.newer, tt.older)
		}
	}
}

// BenchmarkCompute on 10,000 articles: linear in the archive's size.
func BenchmarkCompute(b *testing.B) {
	var arts []Article
	for i := range 10000 {
		arts = append(arts, Article{Ref: "/" + string(rune('a'+i%26)) + time.Duration(i).String(), Account: string(rune('A' + i%200)), Category: string(rune('0' + i%8)), Date: day(1).Add(time.Duration(i) * time.Hour)})
	}
	for b.Loop() {
		Compute(arts, 5)
	}
}
