package status

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkCheckRate checks 100 originals against the local WeChat-shaped
// server at 20 a second: the time taken over the time the rate implies
// (99 intervals) is reported as ratio (1.00 is exact; the tests check the
// default rate, 1 a second, on a simulated clock).
func BenchmarkCheckRate(b *testing.B) {
	for range b.N {
		hits := 0
		c := checker(b, &hits)
		c.Rate = 20
		var paths []string
		for i := range 100 {
			paths = append(paths, fmt.Sprintf("Live%03d", i))
		}
		store, _ := Load(b.TempDir())
		start := time.Now()
		if _, err := c.Run(b.Context(), store, originals(paths...), Options{}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds()/(99.0/20), "ratio")
	}
}
