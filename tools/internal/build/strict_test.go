package build_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/archivemirror/mirror/tools/internal/build"
)

// --strict fails on image failures new in this build; an image that
// failed for good in an earlier build (a 404 forever) is reported, not
// fatal, so the next deployment goes through. One failing now for
// another reason still fails it.
func TestStrictFailsOnNewImageFailuresOnly(t *testing.T) {
	status := http.StatusNotFound
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", status)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	s := newTestSite(t, victimArchive+`-- posts/gone.md --
---
title: "Gone"
date: 2024-05-01T00:00:00Z
categories: ["Tech"]
---
<p><img data-src="https://mmbiz.qpic.cn/mmbiz_jpg/gone/640?wx_fmt=jpeg"></p>
`)
	s.Opts.Offline, s.Opts.Strict = false, true
	s.Opts.Remap = map[string]*url.URL{"mmbiz.qpic.cn": base}

	_, err := build.Run(context.Background(), s.Opts)
	if !errors.Is(err, build.ErrStrict) || !strings.Contains(err.Error(), "1 images not localized") {
		t.Fatalf("a new 404: %v", err)
	}
	r := s.build(t) // the same 404, recorded for good by the first build
	if r.Images.FailedBefore != 1 || !hasFinding(r, "gone.md", "img/failed") {
		t.Errorf("the old failure is not reported: %+v %v", r.Images, r.Findings)
	}

	// A new image failing with a server error fails the build again.
	status = http.StatusInternalServerError
	s.write(t, "-- posts/new.md --\n---\ntitle: \"New\"\ndate: 2024-06-01T00:00:00Z\ncategories: [\"Tech\"]\n---\n<p><img data-src=\"https://mmbiz.qpic.cn/mmbiz_jpg/new/640?wx_fmt=jpeg\"></p>\n")
	if _, err := build.Run(context.Background(), s.Opts); !errors.Is(err, build.ErrStrict) {
		t.Fatalf("a new failure passed: %v", err)
	}
}
