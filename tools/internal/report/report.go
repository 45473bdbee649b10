package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/bucket"
	"github.com/archivemirror/mirror/tools/internal/images"
	"github.com/archivemirror/mirror/tools/internal/links"
	"github.com/archivemirror/mirror/tools/internal/pipeline"
	"github.com/archivemirror/mirror/tools/internal/safefile"
	"github.com/archivemirror/mirror/tools/internal/store"
)

// Report summarizes one build.
type Report struct {
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`

	// Articles is how many article files were read; Staged how many reached
	// Hugo; Excluded how many were left out for an error.
	Articles int `json:"articles"`
	Staged   int `json:"staged"`
	Excluded int `json:"excluded"`
	// Refused is how many files of the content directory were not
	// articles (links, other formats), left out and reported.
	Refused int `json:"refused"`
	// Pages is how many pages Hugo built (articles, lists, taxonomies).
	Pages int `json:"pages"`
	// FilesWritten is how many of the site's files Hugo wrote differed from
	// those of the previous site (the rest were left as they were).
	FilesWritten int `json:"files_written"`
	// MemoryLimit is the soft memory limit the build ran under, in bytes.
	MemoryLimit int64 `json:"memory_limit,omitempty"`

	Stages []Stage `json:"stages"`
	// SiteFiles and SiteBytes measure the published site.
	SiteFiles int   `json:"site_files"`
	SiteBytes int64 `json:"site_bytes"`
	// Notices are things a person should know that are not findings.
	Notices []string      `json:"notices,omitempty"`
	Images  *images.Stats `json:"images,omitempty"`
	Links   *links.Counts `json:"links,omitempty"`
	// Uploaded is what went to the media bucket, when there is one.
	Uploaded *bucket.Uploaded `json:"uploaded,omitempty"`
	// MediaFiles are the store files of the images the articles show
	// (what a media bucket must keep).
	MediaFiles []string `json:"-"`
	// ImageFailures are the images that could not be localized, and why.
	ImageFailures []ImageFailure    `json:"image_failures,omitempty"`
	Findings      []article.Finding `json:"findings"`
}

// ImageFailure is an image left remote.
type ImageFailure struct {
	File      string `json:"file"` // an article showing it
	URL       string `json:"url"`
	Error     string `json:"error"`
	Permanent bool   `json:"permanent,omitempty"`
}

// Stage is one stage's line in the report.
type Stage struct {
	Name string `json:"name"`
	// Articles is how many articles the stage processed.
	Articles int `json:"articles"`
	// Failures counts articles the stage could not process.
	Failures int `json:"failures"`
	// Findings counts findings by severity ("error", "warning", "info").
	Findings map[string]int `json:"findings"`
	// Duration is the time spent in the stage: wall time for stages that
	// run alone, summed over workers for per-article steps.
	Duration time.Duration `json:"duration_ns"`
	// CPU is the CPU time the process used during a stage that runs alone.
	CPU time.Duration `json:"cpu_ns,omitempty"`
}

// AddStage appends a stage line.
func (r *Report) AddStage(s Stage) {
	r.Stages = append(r.Stages, s)
}

// Finish stamps the duration, sorts the findings and counts them per stage.
func (r *Report) Finish() {
	r.Duration = time.Since(r.Started)
	r.Sort()
	for i := range r.Stages {
		r.Stages[i].Findings = map[string]int{}
	}
	for _, f := range r.Findings {
		for i := range r.Stages {
			if r.Stages[i].Name == f.Stage {
				r.Stages[i].Findings[f.Severity.String()]++
			}
		}
	}
}

// AddSteps appends the lines of per-article steps, their durations
// summed over workers.
func (r *Report) AddSteps(stats []pipeline.StepStats) {
	for _, s := range stats {
		r.AddStage(Stage{Name: s.Name, Articles: s.Articles, Failures: s.Failures, Duration: s.Busy})
	}
}

// AddArticle records an article's findings, and counts it as staged or,
// with an error, excluded.
func (r *Report) AddArticle(a *article.Article) {
	r.AddFindings(a.Findings)
	if a.HasErrors() {
		r.Excluded++
	} else {
		r.Staged++
	}
}

// AddImages records the images left remote, as the manifest says of refs,
// and the store files found damaged (see images.Localizer).
func (r *Report) AddImages(m *store.Manifest, refs []article.ImageRef, repaired []string) {
	for _, ref := range refs {
		e, ok := m.Get(ref.Key)
		switch {
		case ok && e.Status == store.Failed:
			r.ImageFailures = append(r.ImageFailures, ImageFailure{File: ref.File, URL: e.URL, Error: e.Error, Permanent: e.Permanent})
		case ok:
			r.MediaFiles = append(r.MediaFiles, e.File)
			for _, v := range e.Variants {
				r.MediaFiles = append(r.MediaFiles, v.File)
			}
		}
	}
	for _, f := range repaired {
		r.Notices = append(r.Notices, "image store: "+f+" was missing or damaged: removed, and fetched again from its source (offline: reported, fetched by the next run)")
	}
}

// Exclude records the finding that left a staged article out.
func (r *Report) Exclude(f article.Finding) {
	r.AddFindings([]article.Finding{f})
	r.Staged--
	r.Excluded++
}

// Strict says what a --strict build fails for: articles excluded, files
// refused, images left remote by failures new in this build (an image that
// failed for good in an earlier build, a 404 forever, would otherwise fail
// every later one; it is reported, not fatal); "" for nothing.
func (r *Report) Strict() string {
	remote, before := r.Remote(), 0
	if s := r.Images; s != nil {
		remote, before = s.Failed-s.FailedBefore+s.Offline, s.FailedBefore
	}
	if r.Excluded > 0 || remote > 0 || r.Refused > 0 {
		return fmt.Sprintf("%d articles excluded, %d files refused, %d images not localized (and %d that failed for good in earlier builds, not counted)", r.Excluded, r.Refused, remote, before)
	}
	return ""
}

// Remote counts the images the articles show from another host (the
// image stage's warnings).
func (r *Report) Remote() int {
	n := 0
	for _, f := range r.Findings {
		if f.Stage == images.Stage && f.Severity >= article.Warning {
			n++
		}
	}
	return n
}

// AddFindings records an article's findings.
func (r *Report) AddFindings(fs []article.Finding) {
	r.Findings = append(r.Findings, fs...)
}

// Sort orders findings by file, line and column, so reports are stable
// whatever order the workers finished in.
func (r *Report) Sort() {
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Count returns how many findings have the given severity.
func (r *Report) Count(sev article.Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == sev {
			n++
		}
	}
	return n
}

// WriteJSON writes the report to path atomically: a reader never sees half
// a report.
func (r *Report) WriteJSON(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return safefile.Write(afero.NewOsFs(), path, append(data, '\n'), 0o644)
}

// WriteSummary prints the run in a few lines for a person.
func (r *Report) WriteSummary(w io.Writer) {
	fmt.Fprintf(w, "%d articles read, %d staged, %d excluded; %d pages built in %s\n",
		r.Articles, r.Staged, r.Excluded, r.Pages, r.Duration.Round(time.Millisecond))
	if r.SiteFiles > 0 {
		fmt.Fprintf(w, "  site: %s, %.1f MB; %s changed\n",
			Plural(r.SiteFiles, "file"), float64(r.SiteBytes)/1e6, Plural(r.FilesWritten, "file"))
	}
	if r.Images != nil {
		fmt.Fprintf(w, "  %s\n", r.Images)
	}
	if r.Links != nil {
		fmt.Fprintf(w, "  %s\n", r.Links)
	}
	if u := r.Uploaded; u != nil {
		fmt.Fprintf(w, "  media bucket: %s uploaded (%.1f MB), %d already there\n", Plural(u.Files, "file"), float64(u.Bytes)/1e6, u.Held)
	}
	for _, n := range r.Notices {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	for _, s := range r.Stages {
		fmt.Fprintf(w, "  %-10s %6d articles %4d failures %4d errors %4d warnings %8s\n",
			s.Name, s.Articles, s.Failures, s.Findings["error"], s.Findings["warning"], s.Duration.Round(time.Millisecond))
	}
}
