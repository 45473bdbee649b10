// Command mirror-bench measures mirror on synthetic archives shaped like
// real ones (make bench): for each size it runs, in one go, the embedded
// Hugo alone on the raw articles (the baseline: what a user would otherwise
// do), a cold mirror build (empty image store, images from a local origin),
// a warm one (nothing changed) and an incremental one (one article edited,
// one added), and prints wall time, CPU time and peak RSS of each, as
// ratios to the baseline, with the stages' times from the build reports.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/archivemirror/mirror/tools/internal/origin"
	"github.com/archivemirror/mirror/tools/internal/report"
	"github.com/archivemirror/mirror/tools/internal/scaffold"
	"github.com/archivemirror/mirror/tools/internal/search"
	"github.com/archivemirror/mirror/tools/internal/synth"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == measureChild {
		os.Exit(measure(os.Args[2:]))
	}
	if len(os.Args) > 1 && os.Args[1] == searchChild {
		os.Exit(indexSynthetic(os.Args[2:]))
	}
	sizes := flag.String("n", "1000,10000", "comma-separated archive sizes")
	out := flag.String("out", filepath.Join(os.TempDir(), "mirror-bench"), "where the archives are generated (kept between runs)")
	mirror := flag.String("mirror", "bin/mirror", "the mirror binary")
	flag.BoolVar(&skipCold, "skip-cold", false, "no cold build: keep the image store and cache of the last run (a quick check)")
	flag.BoolVar(&noPagefind, "no-pagefind", false, "do not run Pagefind beside our search index (10 GB and minutes at 10,000 articles)")
	searchOnly := flag.Int("search-only", 0, "only index `N` synthetic articles' text with the search index, in memory (no site): its time and peak RSS")
	flag.StringVar(&versitygwBin, "bucket", "", "also build with the images in a media bucket: a new bucket of the S3 server versitygw (this `BINARY`) on loopback")
	flag.Parse()
	repo, _ := os.Getwd()
	if *searchOnly > 0 {
		if err := benchSearchOnly(*searchOnly, *out); err != nil {
			fail(err)
		}
		return
	}
	exe, _ := filepath.Abs(*mirror)
	fmt.Printf("mirror bench, %s, %d cores, %s\n", time.Now().Format("2006-01-02"), runtime.NumCPU(), cpuModel())
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fail(fmt.Errorf("-n %q: want sizes such as 1000,10000", s))
		}
		if err := bench(repo, exe, filepath.Join(*out, strconv.Itoa(n)), n); err != nil {
			fail(err)
		}
	}
}

// skipCold is -skip-cold; versitygwBin is -bucket; noPagefind -no-pagefind.
var (
	skipCold     bool
	noPagefind   bool
	versitygwBin string
)

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mirror-bench:", err)
	os.Exit(1)
}

// measurement is one run's cost.
type measurement struct {
	name   string
	wall   time.Duration
	cpu    time.Duration
	rssKB  int64
	report *report.Report
}

func bench(repo, exe, dir string, n int) error {
	fmt.Printf("\nN = %d articles (%s)\n", n, dir)
	arts, err := prepare(repo, dir, n)
	if err != nil {
		return err
	}
	srv, originURL, err := serveImages(arts)
	if err != nil {
		return err
	}
	defer srv.Close()
	remap := "mmbiz.qpic.cn=" + originURL
	build := func(name string, extra ...string) (measurement, error) {
		reportPath := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		args := append([]string{"--root", dir, "build", "--remap-host", remap, "--quiet", "--report", reportPath}, extra...)
		m, err := run(name, exe, args...)
		if err != nil {
			return m, err
		}
		m.report, err = readReport(reportPath)
		return m, err
	}
	var ms []measurement
	// Into a new directory: Hugo writing over its last output is slower
	// (ext4 flushes each file truncated and written again), and the
	// baseline is not to be measured at its worst.
	baseDest := filepath.Join(dir, "baseline-public")
	os.RemoveAll(baseDest)
	base, err := run("baseline: Hugo alone", exe, "hugo", "--source", filepath.Join(dir, "site"), "--contentDir", filepath.Join(dir, "content"),
		"--destination", baseDest, "--quiet")
	if err != nil {
		return err
	}
	ms = append(ms, base)
	steps := []struct {
		name   string
		before func() error
		extra  []string
	}{
		{"cold build", nil, nil},
		{"warm build", nil, nil},
		{"warm build, --no-search", nil, []string{"--no-search"}},
		// The search index made anew (its state gone), on a warm build.
		{"warm build, search index anew", func() error { return os.Remove(filepath.Join(dir, ".mirror-cache", "search-state.json")) }, nil},
		{"incremental build", func() error { return editAndAdd(dir, arts, n) }, nil},
	}
	if skipCold {
		steps = steps[1:] // on the store and cache of the last run
	} else {
		os.RemoveAll(filepath.Join(dir, "media"))
		os.RemoveAll(filepath.Join(dir, ".mirror-cache"))
	}
	for _, step := range steps {
		if step.before != nil {
			if err := step.before(); err != nil {
				return err
			}
		}
		m, err := build(step.name, step.extra...)
		if err != nil {
			return err
		}
		ms = append(ms, m)
		if step.name == "warm build" {
			printQueryBytes(filepath.Join(dir, "public"))
			// Pagefind on the same site, for comparison, unless -no-pagefind.
			if exe, ok := search.FindPagefind(repo); ok && !noPagefind {
				m, err := run("Pagefind on the built site", exe, "--site", filepath.Join(dir, "public"), "--output-path", filepath.Join(dir, "pagefind"), "--silent")
				if err != nil {
					return err
				}
				ms = append(ms, m)
				printPagefindBytes(filepath.Join(dir, "pagefind"))
			}
		}
	}
	// The same warm build where memory is scarcer than time.
	m, err := build("warm build, --memory-limit "+lowMemory, "--memory-limit", lowMemory)
	if err != nil {
		return err
	}
	ms = append(ms, m)
	if versitygwBin != "" {
		bucketed, err := benchBucket(dir, build)
		if err != nil {
			return err
		}
		ms = append(ms, bucketed...)
	}
	printTable(ms)
	return nil
}

// lowMemory is the soft memory limit of the last run, a little under the
// build's own budget at 10,000 articles (379 MiB): what tightening it costs.
const lowMemory = "360MiB"

// prepare writes the archive once: the repository's site and theme, n
// synthetic articles, the links data joining their two URL forms, and a
// site config without the examples' category list.
func prepare(repo, dir string, n int) ([]synth.Article, error) {
	o := synth.NewDefaultOptions()
	var arts []synth.Article
	for i := range n + 1 { // one more, for the incremental build to add
		arts = append(arts, o.Build(i, n))
	}
	content := filepath.Join(dir, "content")
	marker := filepath.Join(content, ".synth-"+strconv.Itoa(n))
	_, statErr := os.Stat(marker)
	generated := statErr == nil
	if !generated {
		os.RemoveAll(dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// The site and theme as they are now, even over a generated archive.
	for _, sub := range []string{"site", "themes"} {
		os.RemoveAll(filepath.Join(dir, sub))
		if out, err := exec.Command("cp", "-r", filepath.Join(repo, sub), filepath.Join(dir, sub)).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("copying %s: %v %s", sub, err, out)
		}
	}
	if _, err := os.Stat(filepath.Join(repo, "node_modules")); err == nil {
		os.Symlink(filepath.Join(repo, "node_modules"), filepath.Join(dir, "node_modules"))
	}
	cfgPath := filepath.Join(dir, "site", "hugo.toml")
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, err
	}
	cfg = []byte(scaffold.SetTOML(string(cfg), "params.mirror.validate", "categories", "[]"))
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		return nil, err
	}
	var links strings.Builder
	for i := range n {
		fmt.Fprintf(&links, "- - %s\n  - %s\n", synth.ShortURL(o.Seed, i), strings.SplitN(synth.LongURL(o.Seed, i), "#", 2)[0])
	}
	if err := os.WriteFile(filepath.Join(dir, "site", "data", "links.yaml"), []byte(links.String()), 0o644); err != nil {
		return nil, err
	}
	if generated {
		// Undo the last incremental run: the article it added.
		err := os.Remove(filepath.Join(content, arts[n].Name))
		if errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
		return arts, err
	}
	if err := os.MkdirAll(content, 0o755); err != nil {
		return nil, err
	}
	for _, a := range arts[:n] {
		if err := os.WriteFile(filepath.Join(content, a.Name), a.Source, 0o644); err != nil {
			return nil, err
		}
	}
	return arts, os.WriteFile(marker, nil, 0o644)
}

// serveImages stands in for mmbiz.qpic.cn on 127.0.0.1.
func serveImages(arts []synth.Article) (*http.Server, string, error) {
	o := origin.New()
	for _, a := range arts {
		for _, img := range a.Images {
			kind := origin.Photo
			if img.Format != "jpeg" {
				kind = origin.Chart
			}
			path := strings.SplitN(strings.TrimPrefix(img.URL, "https://mmbiz.qpic.cn"), "?", 2)[0]
			o.Add(path, origin.Image{Width: img.Width, Height: img.Height, Format: img.Format, Kind: kind})
		}
	}
	start := time.Now()
	o.Prerender(runtime.NumCPU())
	fmt.Printf("origin: %d images drawn in %s\n", o.Len(), secs(time.Since(start)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{Handler: o}
	go srv.Serve(ln)
	return srv, "http://" + ln.Addr().String(), nil
}

// editAndAdd changes one article's text and adds a new one.
func editAndAdd(dir string, arts []synth.Article, n int) error {
	first := filepath.Join(dir, "content", arts[0].Name)
	data, err := os.ReadFile(first)
	if err != nil {
		return err
	}
	edited := strings.Replace(string(data), "<div>", "<div><p>An edit for the incremental build, "+time.Now().Format(time.RFC3339Nano)+".</p>", 1)
	if err := os.WriteFile(first, []byte(edited), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "content", arts[n].Name), arts[n].Source, 0o644)
}

// run runs a command and measures its wall time, CPU time and peak RSS.
// It runs it through a small child of this process (see measure): Linux
// counts in a process's peak RSS the memory of the process that started it,
// and this one holds the whole synthetic archive.
func run(name, exe string, args ...string) (measurement, error) {
	// Each run starts with the disk settled: the cold build leaves gigabytes
	// of images to write back, which would otherwise land on the next run.
	syscall.Sync()
	self, err := os.Executable()
	if err != nil {
		return measurement{}, err
	}
	var out strings.Builder
	cmd := exec.Command(self, append([]string{measureChild, exe}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return measurement{}, fmt.Errorf("%s: %v", name, err)
	}
	var u usage
	if err := json.Unmarshal([]byte(out.String()), &u); err != nil {
		return measurement{}, fmt.Errorf("%s: reading its measurement: %v", name, err)
	}
	return measurement{name: name, wall: u.Wall, cpu: u.CPU, rssKB: u.RSSKB}, nil
}

// measureChild is the argument that makes this program measure a command.
const measureChild = "measure-child"

// usage is what measure reports.
type usage struct {
	Wall, CPU time.Duration
	RSSKB     int64
}

// measure runs a command, prints its usage as JSON and returns its exit
// code.
func measure(args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "mirror-bench:", err)
		return 1
	}
	u := usage{Wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		u.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		u.RSSKB = ru.Maxrss
	}
	json.NewEncoder(os.Stdout).Encode(u)
	return 0
}

func readReport(p string) (*report.Report, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var r report.Report
	return &r, json.Unmarshal(data, &r)
}

func printTable(ms []measurement) {
	base := ms[0]
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "run\twall\t×base\tCPU\t×base\tpeak RSS\t×base\tstages (ours)\tHugo\tsearch\t")
	for _, m := range ms {
		stages, hugo, search := "", "", ""
		if m.report != nil {
			ours, h, s := stageTimes(m.report)
			stages, hugo, search = secs(ours), secs(h), secs(s)
		}
		fmt.Fprintf(w, "%s\t%s\t%.2f\t%s\t%.2f\t%d MB\t%.2f\t%s\t%s\t%s\t\n", m.name,
			secs(m.wall), ratio(m.wall, base.wall), secs(m.cpu), ratio(m.cpu, base.cpu),
			m.rssKB/1024, float64(m.rssKB)/float64(base.rssKB), stages, hugo, search)
	}
	w.Flush()
	for _, m := range ms[1:] {
		if m.report == nil {
			continue
		}
		var parts []string
		for _, s := range m.report.Stages {
			part := fmt.Sprintf("%s %s", s.Name, secs(s.Duration))
			if s.CPU > 0 {
				part += fmt.Sprintf(" (CPU %s, %.1f cores)", secs(s.CPU), float64(s.CPU)/float64(s.Duration))
			}
			parts = append(parts, part)
		}
		fmt.Printf("  %s: %s\n", m.name, strings.Join(parts, ", "))
		if im := m.report.Images; im != nil && im.Stored > 0 {
			fmt.Printf("  %s: %s\n", m.name, im)
		}
		fmt.Printf("  %s: public/ %d files, %.1f MB", m.name, m.report.SiteFiles, float64(m.report.SiteBytes)/1e6)
		if up := m.report.Uploaded; up != nil {
			fmt.Printf("; media bucket: %d files uploaded (%.1f MB), %d held, media step %s", up.Files, float64(up.Bytes)/1e6, up.Held, secs(up.Duration))
		}
		fmt.Println()
	}
}

// stageTimes splits a build's time into our stages, Hugo and search: the
// wall time of the whole build less Hugo's and Pagefind's. Splicing bodies
// into the pages happens inside Hugo's time, on its workers; it counts as
// ours, whole (its time summed over the workers, so ours errs long).
func stageTimes(r *report.Report) (ours, hugo, search time.Duration) {
	var splice time.Duration
	for _, s := range r.Stages {
		switch s.Name {
		case "hugo":
			hugo = s.Duration
		case "splice":
			splice = s.Duration
		case "search":
			search = s.Duration
		}
	}
	hugo -= splice
	return r.Duration - hugo - search, hugo, search
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "model name") {
			return strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
		}
	}
	return runtime.GOARCH
}
