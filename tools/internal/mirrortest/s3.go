package mirrortest

import (
	"bytes"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"gocloud.dev/blob"
	_ "gocloud.dev/blob/s3blob"
)

// VersityGW is the S3-compatible server the tests run on loopback:
// versitygw serving a plain directory, so a test can see, damage or
// delete the objects as files. `.ci/run` installs it with
//
//	go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
const VersityGW = "github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// S3 is a running S3-compatible server with one bucket, readable by
// anyone (as a bucket behind a publicURL is).
type S3 struct {
	Endpoint string // http://127.0.0.1:PORT
	Bucket   string
	Dir      string // the server's directory: objects are Dir/Bucket/KEY
	Log      string // the server's access log, a line per request
	cmd      *exec.Cmd
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
	bin := findVersityGW()
	if bin == "" {
		if os.Getenv("MIRROR_REQUIRE_S3") != "" {
			t.Fatalf("versitygw is not installed (MIRROR_REQUIRE_S3 is set): go install %s", VersityGW)
		}
		t.Skipf("versitygw is not installed: go install %s", VersityGW)
	}
	s := &S3{Bucket: "mirror-media", Dir: t.TempDir()}
	s.Log = filepath.Join(t.TempDir(), "access.log")
	s.start(t, bin)
	t.Setenv("AWS_ACCESS_KEY_ID", S3Access)
	t.Setenv("AWS_SECRET_ACCESS_KEY", S3Secret)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	s.createBucket(t)
	return s
}

func findVersityGW() string {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	if p := filepath.Join(gopath, "bin", "versitygw"); fileExists(p) {
		return p
	}
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// start runs the server and waits until it answers.
func (s *S3) start(t testing.TB, bin string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s.Endpoint = "http://" + addr
	var out bytes.Buffer
	s.cmd = exec.Command(bin, "--port", addr, "--access", S3Access, "--secret", S3Secret,
		"--access-log", s.Log, "--quiet", "posix", s.Dir)
	s.cmd.Stdout, s.cmd.Stderr = &out, &out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	for deadline := time.Now().Add(20 * time.Second); ; {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) || s.cmd.ProcessState != nil {
			t.Fatalf("versitygw did not start: %s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop stops the server (a test may stop it to see a build fail).
func (s *S3) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// URL is the bucket's URL as a site config names it, for bucket (a
// missing one when it is not s.Bucket).
func (s *S3) URL(bucket string) string {
	q := url.Values{"endpoint": {s.Endpoint}, "region": {"us-east-1"}, "use_path_style": {"true"}, "disable_https": {"true"}}
	return "s3://" + bucket + "?" + q.Encode()
}

// PublicURL is where the bucket's objects are served to anyone.
func (s *S3) PublicURL() string { return s.Endpoint + "/" + s.Bucket + "/" }

// createBucket makes the bucket, readable by anyone.
func (s *S3) createBucket(t testing.TB) {
	t.Helper()
	b, err := blob.OpenBucket(t.Context(), s.URL(s.Bucket))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var client *s3.Client
	if !b.As(&client) {
		t.Fatal("not an S3 bucket")
	}
	if _, err := client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: &s.Bucket, ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}); err != nil {
		t.Fatalf("creating the bucket: %v", err)
	}
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::%s/*"]}]}`, s.Bucket)
	if _, err := client.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: &s.Bucket, Policy: &policy}); err != nil {
		t.Fatalf("making the bucket public: %v", err)
	}
}

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
