// Package versitygw runs versitygw, an S3-compatible server over a plain
// directory, on loopback: the real object storage the media bucket's
// tests and benchmark use (never a fake that answers what the code
// expects). Objects are files under DIR/BUCKET/KEY.
package versitygw

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"
	_ "gocloud.dev/blob/s3blob"
)

// Module is what `go install` builds it from (as .ci/run does).
const Module = "github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// Find returns the installed binary: on PATH or in GOPATH/bin; "" if
// neither.
func Find() string {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	p := filepath.Join(gopath, "bin", "versitygw")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

// Server is a running versitygw.
type Server struct {
	Endpoint string // http://127.0.0.1:PORT
	Dir      string // where the objects are
	cmd      *exec.Cmd
}

// Start runs bin over dir on a free loopback port with the given root
// credentials, writing its access log (a line per request) to accessLog
// when set, and returns once it answers.
func Start(bin, dir, access, secret, accessLog string) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	args := []string{"--port", addr, "--access", access, "--secret", secret, "--quiet"}
	if accessLog != "" {
		args = append(args, "--access-log", accessLog)
	}
	var out bytes.Buffer
	s := &Server{Endpoint: "http://" + addr, Dir: dir, cmd: exec.Command(bin, append(args, "posix", dir)...)}
	s.cmd.Stdout, s.cmd.Stderr = &out, &out
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return s, nil
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("versitygw did not start: %s", out.String())
		}
	}
}

// Stop stops the server.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// URL is a bucket's URL as a site config names it.
func (s *Server) URL(bucket string) string {
	q := url.Values{"endpoint": {s.Endpoint}, "region": {"us-east-1"}, "use_path_style": {"true"}, "disable_https": {"true"}}
	return "s3://" + bucket + "?" + q.Encode()
}

// CreateBucket makes a bucket, readable by anyone when public (as a
// bucket behind a publicURL is), with the credentials in the environment.
func (s *Server) CreateBucket(ctx context.Context, name string, public bool) error {
	b, err := blob.OpenBucket(ctx, s.URL(name))
	if err != nil {
		return err
	}
	defer b.Close()
	var client *s3.Client
	if !b.As(&client) {
		return errors.New("not an S3 bucket")
	}
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &name}); err != nil {
		return fmt.Errorf("creating the bucket: %w", err)
	}
	if !public {
		return nil
	}
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::%s/*"]}]}`, name)
	if _, err := client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &name, Policy: &policy}); err != nil {
		return fmt.Errorf("making the bucket public: %w", err)
	}
	return nil
}
