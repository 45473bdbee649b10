package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/archivemirror/mirror/tools/internal/versitygw"
)

// benchBucket runs the builds again with the images in a media bucket on
// a local versitygw: the first uploads every image, the second finds them
// all held. The site's config is put back after.
func benchBucket(dir string, build func(name string, extra ...string) (measurement, error)) ([]measurement, error) {
	objects := filepath.Join(dir, "bucket")
	os.RemoveAll(objects)
	if err := os.MkdirAll(objects, 0o755); err != nil {
		return nil, err
	}
	defer os.RemoveAll(objects)
	// The builds inherit the credentials.
	os.Setenv("AWS_ACCESS_KEY_ID", "benchkey")
	os.Setenv("AWS_SECRET_ACCESS_KEY", "benchsecret123")
	srv, err := versitygw.Start(versitygwBin, objects, "benchkey", "benchsecret123", "")
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	if err := srv.CreateBucket(context.Background(), "media", false); err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(dir, "site", "hugo.toml")
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, err
	}
	defer os.WriteFile(cfgPath, cfg, 0o644)
	setting := fmt.Sprintf("\n[params.mirror.media]\n  bucket = %q\n  publicURL = %q\n", srv.URL("media"), srv.Endpoint+"/media/")
	if err := os.WriteFile(cfgPath, append(append([]byte{}, cfg...), setting...), 0o644); err != nil {
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
