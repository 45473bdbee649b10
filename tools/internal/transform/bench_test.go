package transform

import (
	"testing"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/synth"
)

// BenchmarkRewrite runs the document stages on real-shaped articles (parse,
// images, links, WeChat cleanup, summary, serialize, sanitize) and reports
// articles per second.
func BenchmarkRewrite(b *testing.B) {
	o := synth.NewDefaultOptions()
	const n = 200
	sources := make([][]byte, n)
	for i := range sources {
		sources[i] = o.Build(i, n).Source
	}
	b.ResetTimer()
	for b.Loop() {
		for _, src := range sources {
			transform(b, article.Parse("a.md", "a.md", src))
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "articles/s")
}
