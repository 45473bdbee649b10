package pipeline

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// Step is one stage's work on one article. An error means the stage could
// not process the article at all; the article is then left out of the site
// and the error reported under the rule "stage/NAME".
type Step struct {
	Name string
	Run  func(ctx context.Context, a *article.Article) error
}

// Pipeline is the ordered list of steps every article goes through.
type Pipeline []Step

// StepStats is what one step cost over the whole run. Busy is the sum of the
// time workers spent in the step, so with several workers it can exceed the
// wall time of the run.
type StepStats struct {
	Name     string        `json:"name"`
	Articles int           `json:"articles"`
	Failures int           `json:"failures"`
	Busy     time.Duration `json:"busy_ns"`
}

// Run sends every article through the steps, in order, on up to jobs
// workers (0 means one per core). An article with an error finding skips the
// remaining steps. done, if set, is called once per article after its last
// step, from the worker goroutines.
func (p Pipeline) Run(ctx context.Context, articles []*article.Article, jobs int, done func(*article.Article)) []StepStats {
	counters := make([]stepCounter, len(p))
	Each(ctx, len(articles), jobs, func(i int) {
		a := articles[i]
		for s, step := range p {
			if a.HasErrors() || ctx.Err() != nil {
				break
			}
			counters[s].run(ctx, step, a)
		}
		if done != nil {
			done(a)
		}
	})
	stats := make([]StepStats, len(p))
	for i, step := range p {
		stats[i] = counters[i].stats(step.Name)
	}
	return stats
}

type stepCounter struct {
	articles, failures atomic.Int64
	busy               atomic.Int64
}

func (c *stepCounter) run(ctx context.Context, step Step, a *article.Article) {
	a.Stage = step.Name
	start := time.Now()
	err := step.Run(ctx, a)
	c.busy.Add(int64(time.Since(start)))
	c.articles.Add(1)
	if err != nil {
		c.failures.Add(1)
		a.Report(article.Error, "stage/"+step.Name, -1, err.Error())
	}
}

func (c *stepCounter) stats(name string) StepStats {
	return StepStats{
		Name:     name,
		Articles: int(c.articles.Load()),
		Failures: int(c.failures.Load()),
		Busy:     time.Duration(c.busy.Load()),
	}
}

// Each calls work(i) for i in [0, n) on up to jobs goroutines (0 means one
// per core) and returns when all calls have returned. Once ctx is done, no
// new calls start.
func Each(ctx context.Context, n, jobs int, work func(i int)) {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	jobs = min(jobs, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range jobs {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				work(i)
			}
		})
	}
	wg.Wait()
}
