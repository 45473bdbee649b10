package main

import (
	"bytes"
	"context"
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

// benchBucket runs the builds again with the images in a media bucket on
// a local versitygw: the first uploads every image, the second finds them
// all held. The site's config is put back after.
func benchBucket(dir string, build func(name string, extra ...string) (measurement, error)) ([]measurement, error) {
	endpoint, stop, err := startS3(filepath.Join(dir, "bucket"))
	if err != nil {
		return nil, err
	}
	defer stop()
	cfgPath := filepath.Join(dir, "site", "hugo.toml")
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, err
	}
	defer os.WriteFile(cfgPath, cfg, 0o644)
	bucketURL := "s3://media?" + url.Values{"endpoint": {endpoint}, "region": {"us-east-1"}, "use_path_style": {"true"}, "disable_https": {"true"}}.Encode()
	setting := fmt.Sprintf("\n[params.mirror.media]\n  bucket = %q\n  publicURL = %q\n", bucketURL, endpoint+"/media/")
	if err := os.WriteFile(cfgPath, append(append([]byte{}, cfg...), setting...), 0o644); err != nil {
		return nil, err
	}
	if err := createBucket(bucketURL); err != nil {
		return nil, err
	}
	var ms []measurement
	for _, name := range []string{"bucket: first build (uploads)", "bucket: warm build"} {
		m, err := build(name)
		if err != nil {
			return ms, err
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// startS3 starts versitygw over a new directory, with its credentials in
// this process's environment (which the builds inherit).
func startS3(dir string) (endpoint string, stop func(), err error) {
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := l.Addr().String()
	l.Close()
	os.Setenv("AWS_ACCESS_KEY_ID", "benchkey")
	os.Setenv("AWS_SECRET_ACCESS_KEY", "benchsecret123")
	var out bytes.Buffer
	cmd := exec.Command(versitygw, "--port", addr, "--access", "benchkey", "--secret", "benchsecret123", "--quiet", "posix", dir)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() { cmd.Process.Kill(); cmd.Wait(); os.RemoveAll(dir) }
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("versitygw did not start: %s", out.String())
		}
	}
}

func createBucket(bucketURL string) error {
	ctx := context.Background()
	b, err := blob.OpenBucket(ctx, bucketURL)
	if err != nil {
		return err
	}
	defer b.Close()
	var client *s3.Client
	if !b.As(&client) {
		return fmt.Errorf("not an S3 bucket")
	}
	name := "media"
	_, err = client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &name})
	return err
}
