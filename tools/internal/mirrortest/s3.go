package mirrortest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/archivemirror/mirror/tools/internal/versitygw"
)

// S3 is a running S3-compatible server (package versitygw) with one
// bucket, readable by anyone (as a bucket behind a publicURL is).
type S3 struct {
	*versitygw.Server
	Bucket string
	Log    string // the server's access log, a line per request
}

// The credentials of the test server, set in the test's environment.
const (
	S3Access = "mirrortestkey"
	S3Secret = "mirrortestsecret1234"
)

// StartS3 starts versitygw on a free loopback port with a new bucket, and
// puts its credentials in the test's environment. It skips the test when
// versitygw is not installed, unless MIRROR_REQUIRE_S3 is set (CI sets
// it: a missing server must fail there, not pass silently).
func StartS3(t testing.TB) *S3 {
	t.Helper()
	bin := versitygw.Find()
	if bin == "" {
		if os.Getenv("MIRROR_REQUIRE_S3") != "" {
			t.Fatalf("versitygw is not installed (MIRROR_REQUIRE_S3 is set): go install %s", versitygw.Module)
		}
		t.Skipf("versitygw is not installed: go install %s", versitygw.Module)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", S3Access)
	t.Setenv("AWS_SECRET_ACCESS_KEY", S3Secret)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	s := &S3{Bucket: "mirror-media", Log: filepath.Join(t.TempDir(), "access.log")}
	var err error
	if s.Server, err = versitygw.Start(bin, t.TempDir(), S3Access, S3Secret, s.Log); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	if err := s.CreateBucket(t.Context(), s.Bucket, true); err != nil {
		t.Fatal(err)
	}
	return s
}

// PublicURL is where the bucket's objects are served to anyone.
func (s *S3) PublicURL() string { return s.Endpoint + "/" + s.Bucket + "/" }

// Object is where an object is on the server's disk.
func (s *S3) Object(key string) string {
	return filepath.Join(s.Dir, s.Bucket, filepath.FromSlash(key))
}

// Request is one request in the server's access log.
type Request struct {
	Op  string // the S3 operation: PutObject, GetObject, ListObjectsV2…
	Key string // the object's key, "" for none
}

// Requests returns the requests the server has logged so far.
func (s *S3) Requests(t testing.TB) []Request {
	t.Helper()
	time.Sleep(200 * time.Millisecond) // the log is written after the answer
	data, err := os.ReadFile(s.Log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []Request
	for _, line := range strings.Split(string(data), "\n") {
		// OWNER BUCKET [TIME ZONE] IP REQUESTER ID s3_OPERATION KEY …
		f := strings.Fields(line)
		if len(f) < 9 || !strings.HasPrefix(f[7], "s3_") {
			continue
		}
		r := Request{Op: strings.TrimPrefix(f[7], "s3_"), Key: f[8]}
		if r.Key == "-" {
			r.Key = ""
		}
		out = append(out, r)
	}
	return out
}

// Count counts the requests of an operation.
func Count(requests []Request, op string) int {
	n := 0
	for _, r := range requests {
		if r.Op == op {
			n++
		}
	}
	return n
}
