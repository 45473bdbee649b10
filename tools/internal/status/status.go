// Package status keeps the record of whether each archived article's
// original still exists: what `mirror check` found when it last asked
// (live, deleted, removed for a violation…), since when, and the message
// WeChat showed. The record is data files in the site (data/status/),
// split by a hash of the article's source so a check of a few articles
// changes a few lines and merges cleanly; the theme shows it.
package status

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/filelock"
	"github.com/archivemirror/mirror/tools/internal/links"
	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// Status is what became of an original.
type Status string

const (
	Live        Status = "live"
	Deleted     Status = "deleted"      // by the publisher
	Violation   Status = "violation"    // removed for violating regulations
	Privacy     Status = "privacy"      // hidden by the author's settings
	AccountGone Status = "account-gone" // the account closed or banned
	Unavailable Status = "unavailable"  // captcha, rate limited, 5xx, not a known page: unknown, try later
	Error       Status = "error"        // the network
)

// Statuses are every status, in the order they are shown.
var Statuses = []Status{Live, Deleted, Violation, Privacy, AccountGone, Unavailable, Error}

// Known says whether a status says something of the original.
func (s Status) Known() bool { return s != Unavailable && s != Error && s != "" }

// Vanished says whether the original is gone.
func (s Status) Vanished() bool {
	return s == Deleted || s == Violation || s == Privacy || s == AccountGone
}

// Record is what is known of one original.
type Record struct {
	Source  string    `json:"source"`
	Status  Status    `json:"status"`
	Since   time.Time `json:"since"`   // the first check that saw this status
	Checked time.Time `json:"checked"` // the last check
	Message string    `json:"message,omitempty"`
}

// ID is an original's name in the record: a hash of its source's key, so
// both URL forms of one article are one original.
func ID(source string) string {
	key, ok := links.Key(source)
	if !ok {
		key = source
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:8])
}

// Shard is the file an ID's record is in: data/status/XX.yaml.
func Shard(id string) string { return id[:2] }

// Apply is a check's answer applied to what was known: a new status
// starts its since; the same keeps it; an unknown answer (unavailable,
// error) never overwrites a known status.
func Apply(old Record, known bool, answer Record) Record {
	if !known {
		answer.Since = answer.Checked
		return answer
	}
	if !answer.Status.Known() && old.Status.Known() {
		return old
	}
	if answer.Status == old.Status {
		answer.Since = old.Since
		return answer
	}
	answer.Since = answer.Checked
	return answer
}

// Store is the record, read from a site's data/status/.
type Store struct {
	dir     string
	records map[string]Record
	dirty   map[string]bool // shards changed
}

// Dir is where a site keeps the record.
func Dir(siteDir string) string { return filepath.Join(siteDir, "data", "status") }

// Empty is a record of nothing.
func Empty() *Store { return &Store{records: map[string]Record{}, dirty: map[string]bool{}} }

// Load reads the record. A damaged file is an error naming the file and
// line: it is not overwritten.
func Load(siteDir string) (*Store, error) {
	s := &Store{dir: Dir(siteDir), records: map[string]Record{}, dirty: map[string]bool{}}
	files, err := filepath.Glob(filepath.Join(s.dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := s.read(f); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// read reads a shard: a line per original, `"ID": {JSON}`, which YAML
// and Hugo's data loader read as a map.
func (s *Store) read(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		id, rest, ok := strings.Cut(text, ": ")
		var r Record
		if !ok || json.Unmarshal([]byte(rest), &r) != nil || json.Unmarshal([]byte(id), &id) != nil || r.Status == "" {
			return fmt.Errorf("%s:%d: not a status record (\"ID\": {\"source\": …, \"status\": …}); fix or remove the line, the check does not overwrite it", file, line)
		}
		s.records[id] = r
	}
	return sc.Err()
}

// Get returns the record of an original.
func (s *Store) Get(id string) (Record, bool) {
	r, ok := s.records[id]
	return r, ok
}

// Put records a check's answer (see Apply) and returns the record kept.
func (s *Store) Put(id string, answer Record) Record {
	old, known := s.records[id]
	r := Apply(old, known, answer)
	if r != old {
		s.records[id] = r
		s.dirty[Shard(id)] = true
	}
	return r
}

// Delete forgets an original.
func (s *Store) Delete(id string) {
	if _, ok := s.records[id]; ok {
		delete(s.records, id)
		s.dirty[Shard(id)] = true
	}
}

// Save writes the shards that changed, each whole and atomically; one
// left empty is removed.
func (s *Store) Save() error {
	ids := map[string][]string{} // of the shards that changed
	for id := range s.records {
		if shard := Shard(id); s.dirty[shard] {
			ids[shard] = append(ids[shard], id)
		}
	}
	for _, shard := range slices.Sorted(maps.Keys(s.dirty)) {
		file := filepath.Join(s.dir, shard+".yaml")
		if len(ids[shard]) == 0 {
			if err := os.Remove(file); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			delete(s.dirty, shard)
			continue
		}
		var b strings.Builder
		b.WriteString("# What `mirror check` found of each original (see README, \"Vanished originals\").\n")
		for _, id := range slices.Sorted(slices.Values(ids[shard])) {
			data, _ := json.Marshal(s.records[id])
			fmt.Fprintf(&b, "%s: %s\n", article.YAMLFlow(id), data)
		}
		if err := safefile.Write(afero.NewOsFs(), file, []byte(b.String()), 0o644); err != nil {
			return err
		}
		delete(s.dirty, shard)
	}
	return nil
}

// Counts counts the originals by status.
func (s *Store) Counts() map[Status]int {
	out := map[Status]int{}
	for _, r := range s.records {
		out[r.Status]++
	}
	return out
}

// LockName is the lock file's name, in the mirror's root.
const LockName = ".mirror-check.lock"

// Lock takes the record's lock file, so two checks never run at once;
// release lets it go.
func Lock(siteDir string) (release func(), err error) {
	dir := Dir(siteDir)
	// Beside the site, not in its data (Hugo reads every file there).
	f, err := os.OpenFile(filepath.Join(filepath.Dir(siteDir), LockName), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := filelock.TryLock(f); err != nil {
		f.Close()
		if errors.Is(err, filelock.ErrLocked) {
			return nil, fmt.Errorf("%s: another check is running", dir)
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}
