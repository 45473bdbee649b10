package build_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Account and tag names show as the sources wrote them, everywhere: Hugo
// title-cases term titles by default ("cnbeta" as "Cnbeta").
func TestNamesKeepTheirCase(t *testing.T) {
	s := newTestSite(t, `-- a.md --
---
title: "A"
date: 2024-01-01T00:00:00Z
account: "cnbeta"
tags: ["seqyuan"]
categories: ["Tech"]
---
<p>body</p>
`)
	r := s.build(t)
	if r.Staged != 1 {
		t.Fatalf("staged %d: %v", r.Staged, r.Findings)
	}
	for _, page := range []string{"accounts/cnbeta/index.html", "tags/seqyuan/index.html", "accounts/index.html", "index.html"} {
		data, err := os.ReadFile(filepath.Join(s.Opts.Dest, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		for _, wrong := range []string{"Cnbeta", "Seqyuan"} {
			if strings.Contains(string(data), wrong) {
				t.Errorf("%s shows %q", page, wrong)
			}
		}
	}
}
