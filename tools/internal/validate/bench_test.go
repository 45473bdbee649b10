package validate

import (
	"context"
	"sync"
	"testing"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/pipeline"
	"github.com/archivemirror/mirror/tools/internal/synth"
)

var (
	synthOnce  sync.Once
	synthFiles []synth.Article
)

func synthArchive(n int) []synth.Article {
	synthOnce.Do(func() {
		o := synth.NewDefaultOptions()
		for i := range n {
			synthFiles = append(synthFiles, o.Build(i, n))
		}
	})
	return synthFiles
}

// BenchmarkValidate10k reads and validates 10,000 real-shaped articles as
// `mirror validate` does (parse on every core, per-article rules, then the
// archive-wide rules). The target: under 2 s per op.
func BenchmarkValidate10k(b *testing.B) {
	files := synthArchive(10000)
	c := New(NewDefaultConfig(), []string{"categories", "tags"})
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		articles := make([]*article.Article, len(files))
		pipeline.Each(ctx, len(files), 0, func(i int) {
			a := article.Parse(files[i].Name, "content/"+files[i].Name, files[i].Source)
			c.Check(ctx, a)
			articles[i] = a
		})
		c.CheckArchive(Items(articles))
	}
	b.ReportMetric(float64(len(files)*b.N)/b.Elapsed().Seconds(), "articles/s")
}
