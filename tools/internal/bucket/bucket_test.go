package bucket

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/mirrortest"
	"github.com/archivemirror/mirror/tools/internal/store"
)

// files returns n distinct store files: their names and a reader of
// their bytes.
func files(n int) ([]string, func(string) ([]byte, error)) {
	data := map[string][]byte{}
	var names []string
	for i := range n {
		b := []byte(fmt.Sprintf("picture %d", i))
		name := store.Name(b, []string{"jpg", "png", "gif"}[i%3])
		data[name] = b
		names = append(names, name)
	}
	return names, func(name string) ([]byte, error) {
		if b, ok := data[name]; ok {
			return b, nil
		}
		return nil, os.ErrNotExist
	}
}

func openTest(t *testing.T, rawURL, publicURL, listing string) *Bucket {
	t.Helper()
	cfg := NewDefaultConfig()
	cfg.Bucket, cfg.PublicURL, cfg.Retries = rawURL, publicURL, 1
	b, err := Open(t.Context(), cfg, listing)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestUploadToS3(t *testing.T) {
	s := mirrortest.StartS3(t)
	listing := filepath.Join(t.TempDir(), "listing.txt")
	names, read := files(12)

	b := openTest(t, s.URL(s.Bucket), s.PublicURL(), listing)
	if err := b.Load(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	up, err := b.Upload(t.Context(), names, false, read, nil)
	if err != nil || up.Files != 12 || up.Held != 0 {
		t.Fatalf("first upload: %+v, %v", up, err)
	}
	puts := mirrortest.Count(s.Requests(t), "PutObject")
	if puts != 12 {
		t.Errorf("%d PUT requests for 12 files", puts)
	}

	// Served to anyone under the public URL with the headers of an
	// immutable image.
	resp, err := http.Get(s.PublicURL() + names[0])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !store.Holds(names[0], body) {
		t.Errorf("GET %s: %s, %q", names[0], resp.Status, body)
	}
	if got := resp.Header.Get("Content-Type"); got != "image/jpeg" {
		t.Errorf("Content-Type %q", got)
	}
	if got := resp.Header.Get("Cache-Control"); got != CacheControl {
		t.Errorf("Cache-Control %q", got)
	}

	// The next run knows what the bucket holds from the listing: no
	// request at all.
	before := len(s.Requests(t))
	b2 := openTest(t, s.URL(s.Bucket), s.PublicURL(), listing)
	if err := b2.Load(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	up, err = b2.Upload(t.Context(), names, false, read, nil)
	if err != nil || up.Files != 0 || up.Held != 12 {
		t.Fatalf("second upload: %+v, %v", up, err)
	}
	if after := s.Requests(t); len(after) != before {
		t.Errorf("the second run sent requests: %q", after[before:])
	}

	// Without the listing, one listing request finds them.
	b3 := openTest(t, s.URL(s.Bucket), s.PublicURL(), filepath.Join(t.TempDir(), "new.txt"))
	if err := b3.Load(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if !b3.Has(n) {
			t.Errorf("%s not found by listing", n)
		}
	}
}

// A damaged file is never uploaded; the others are, and the error names
// the damaged one.
func TestUploadRefusesDamagedFiles(t *testing.T) {
	names, read := files(3)
	b := openTest(t, "mem://", "https://media.example.org/", "")
	b.Load(t.Context(), false)
	damaged := func(n string) ([]byte, error) {
		if n == names[1] {
			return []byte("not the bytes"), nil
		}
		return read(n)
	}
	up, err := b.Upload(t.Context(), names, false, damaged, nil)
	if err == nil || !strings.Contains(err.Error(), names[1]) || up.Files != 2 {
		t.Fatalf("%+v, %v", up, err)
	}
	if b.Has(names[1]) || !b.Has(names[0]) {
		t.Error("the damaged file is counted as held, or a good one is not")
	}
}

// Offline, nothing is uploaded, and a build that would need to is told
// why.
func TestUploadOffline(t *testing.T) {
	names, read := files(2)
	listing := filepath.Join(t.TempDir(), "listing.txt")
	b := openTest(t, "mem://", "https://media.example.org/", listing)
	b.Load(t.Context(), true)
	if _, err := b.Upload(t.Context(), names, true, read, nil); err == nil || !strings.Contains(err.Error(), "--offline") {
		t.Fatalf("%v", err)
	}
	// What an offline run did not know is not kept as known.
	if _, err := os.Stat(listing); !os.IsNotExist(err) {
		t.Errorf("an offline run kept a listing: %v", err)
	}
}

// The listing a killed run leaves (its last line cut short) claims
// nothing it did not confirm.
func TestListingCutShort(t *testing.T) {
	names, _ := files(2)
	file := filepath.Join(t.TempDir(), "listing.txt")
	l := newListing(file, "mem://x")
	if err := l.add(names[0]); err != nil {
		t.Fatal(err)
	}
	l.close()
	f, _ := os.OpenFile(file, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(names[1][:10])
	f.Close()
	l2 := newListing(file, "mem://x")
	if !l2.load() || !l2.has(names[0]) || l2.has(names[1]) {
		t.Fatalf("held %v", l2.held)
	}
	if newListing(file, "mem://other").load() {
		t.Error("another bucket's listing was trusted")
	}
}

// Bad settings and a bad server give errors that say what to fix.
func TestBucketErrors(t *testing.T) {
	s := mirrortest.StartS3(t)
	names, read := files(1)
	cases := []struct {
		name, url, want string
		env             map[string]string
	}{
		{"missing bucket", s.URL("no-such-bucket"), "does not exist", nil},
		{"wrong secret", s.URL(s.Bucket), "AWS_SECRET_ACCESS_KEY is wrong", map[string]string{"AWS_SECRET_ACCESS_KEY": "wrong-secret-1234"}},
		{"unknown key", s.URL(s.Bucket), "AWS_ACCESS_KEY_ID", map[string]string{"AWS_ACCESS_KEY_ID": "nobody"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			b := openTest(t, c.url, s.PublicURL(), "")
			err := b.Load(t.Context(), false)
			if err == nil {
				_, err = b.Upload(t.Context(), names, false, read, nil)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
	t.Run("no credentials", func(t *testing.T) {
		t.Setenv("AWS_ACCESS_KEY_ID", "")
		cfg := NewDefaultConfig()
		cfg.Bucket, cfg.PublicURL = s.URL(s.Bucket), s.PublicURL()
		if _, err := Open(t.Context(), cfg, ""); err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("server gone", func(t *testing.T) {
		b := openTest(t, s.URL(s.Bucket), s.PublicURL(), "")
		if err := b.Load(t.Context(), false); err != nil {
			t.Fatal(err)
		}
		s.Stop()
		_, err := b.Upload(t.Context(), names, false, read, nil)
		if err == nil || !strings.Contains(err.Error(), names[0]) || b.Has(names[0]) {
			t.Fatalf("%v", err)
		}
	})
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		bucket, public, want string
	}{
		{"", "", ""},
		{"s3://b?endpoint=http://x&region=r", "https://media.example.org/", ""},
		{"s3://b", "", "publicURL"},
		{"", "https://media.example.org/", "bucket is not"},
		{"gs://b", "https://m.example.org/", "scheme"},
		{"s3://b?secret_access_key=x", "https://m.example.org/", "environment"},
		{"s3://b", "ftp://m.example.org/", "publicURL"},
		{"s3://b", "https://m.example.org/?x=1", "publicURL"},
	}
	for _, c := range cases {
		cfg := NewDefaultConfig()
		cfg.Bucket, cfg.PublicURL = c.bucket, c.public
		err := cfg.Validate()
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%q %q: %v, want %q", c.bucket, c.public, err, c.want)
		}
	}
}

// verify finds a corrupted and a missing object; gc lists exactly the
// unused ones and deletes them only when asked; pull stores what the
// local store lacks, never a corrupt file.
func TestMaintenanceAgainstS3(t *testing.T) {
	s := mirrortest.StartS3(t)
	names, read := files(10)
	b := openTest(t, s.URL(s.Bucket), s.PublicURL(), filepath.Join(t.TempDir(), "listing.txt"))
	if err := b.Load(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Upload(t.Context(), names, false, read, nil); err != nil {
		t.Fatal(err)
	}
	corrupt, missing := names[2], names[7]
	if err := os.WriteFile(s.Object(corrupt), []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(s.Object(missing)); err != nil {
		t.Fatal(err)
	}

	v, err := Verify(t.Context(), b, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.Missing, []string{missing}) || !slices.Equal(v.Corrupt, []string{corrupt}) || v.Checked != 9 {
		t.Errorf("verify: %+v", v)
	}
	if b.Has(corrupt) || b.Has(missing) {
		t.Error("a corrupt or missing file is still counted as held")
	}
	// The next upload puts them back.
	up, err := b.Upload(t.Context(), names, false, read, nil)
	if err != nil || up.Files != 2 {
		t.Fatalf("re-upload: %+v, %v", up, err)
	}
	if v, _ := Verify(t.Context(), b, names, nil); !v.OK() {
		t.Errorf("after the re-upload: %+v", v)
	}

	used := names[:6]
	want := slices.Sorted(slices.Values(names[6:]))
	unused, _, err := Unused(t.Context(), b, used, false)
	if err != nil || !slices.Equal(unused, want) {
		t.Fatalf("gc dry run: %v, %v; want %v", unused, err, want)
	}
	if mirrortest.Count(s.Requests(t), "DeleteObject") != 0 {
		t.Fatal("the dry run deleted")
	}
	if unused, _, err = Unused(t.Context(), b, used, true); err != nil || !slices.Equal(unused, want) {
		t.Fatalf("gc: %v, %v", unused, err)
	}
	listed, _ := b.List(t.Context())
	if len(listed) != 6 {
		t.Errorf("after gc the bucket holds %d files, want 6", len(listed))
	}
	for _, n := range used {
		if _, ok := listed[n]; !ok {
			t.Errorf("gc deleted %s, in use", n)
		}
	}

	// Pull into an empty store: every file, bytes checked.
	os.WriteFile(s.Object(names[0]), []byte("damaged"), 0o644)
	st, err := store.Open(afero.NewOsFs(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, err := Pull(t.Context(), b, st, nil)
	if err != nil || p.Files != 5 || !slices.Equal(p.Corrupt, []string{names[0]}) {
		t.Fatalf("pull: %+v, %v", p, err)
	}
	for _, n := range used[1:] {
		if !st.Intact(n) {
			t.Errorf("%s not pulled", n)
		}
	}
}
