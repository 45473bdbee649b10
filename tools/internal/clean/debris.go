package clean

import (
	"bytes"
	"context"
	"slices"
	"strings"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// Params the cleanup stages add to the staged front matter.
const (
	// ParamAccount is the source account (a WeChat official account, a
	// news site), and ParamAccounts the taxonomy listing it.
	ParamAccount  = "account"
	ParamAccounts = "accounts"
)

// Debris removes what the fetcher wrapped around the article and keeps it as
// metadata: the leading "TITLE by ACCOUNT" line over its "------" underline
// gives the account, and the trailing <hr> with its 原文链接 anchor gives the
// source URL. A body without them is left as it is.
func Debris(_ context.Context, a *article.Article) error {
	if account, rest, ok := header(a); ok {
		a.SetParam(ParamAccount, account)
		a.SetParam(ParamAccounts, []string{account})
		a.Body = rest
	}
	// An account given in front matter (mirror fetch writes it there) is
	// the account too: listed in the accounts taxonomy like the fetcher's.
	if acc, ok := a.FrontMatter.Values[ParamAccount].(string); ok && strings.TrimSpace(acc) != "" && a.Params[ParamAccount] == nil {
		a.SetParam(ParamAccount, strings.TrimSpace(acc))
		if _, set := a.FrontMatter.Values[ParamAccounts]; !set {
			a.SetParam(ParamAccounts, []string{strings.TrimSpace(acc)})
		}
	}
	if url, start, ok := article.SourceLink(a.Body); ok {
		if _, set := a.FrontMatter.Values[article.KeySource]; !set {
			a.SetParam(article.KeySource, url)
		}
		a.Body = a.Body[:start]
	}
	return nil
}

// header recognizes the fetcher's first two lines and returns the account
// and the body after them.
func header(a *article.Article) (account string, rest []byte, ok bool) {
	body := bytes.TrimLeft(a.Body, " \t\r\n")
	first, after, found := bytes.Cut(body, []byte("\n"))
	if !found {
		return "", nil, false
	}
	underline, rest, _ := bytes.Cut(after, []byte("\n"))
	if u := bytes.TrimSpace(underline); len(u) < 3 || len(bytes.Trim(u, "-")) != 0 {
		return "", nil, false
	}
	line := strings.TrimSpace(string(first))
	if strings.HasPrefix(line, "<") {
		return "", nil, false // HTML, not the fetcher's text line
	}
	// The title is known, so a title holding " by " itself is no trouble.
	if title, _ := a.FrontMatter.Values["title"].(string); title != "" {
		if acc, found := strings.CutPrefix(line, strings.TrimSpace(title)+" by "); found && strings.TrimSpace(acc) != "" {
			return strings.TrimSpace(acc), rest, true
		}
	}
	i := strings.LastIndex(line, " by ")
	if i < 0 || strings.TrimSpace(line[i+4:]) == "" {
		return "", nil, false
	}
	return strings.TrimSpace(line[i+4:]), rest, true
}

// HideTags is the step that leaves the bookkeeping tags (HiddenTags) out
// of an article's staged tags.
func (c *Cleaner) HideTags(_ context.Context, a *article.Article) error {
	raw, ok := a.Params["tags"] // the terms step's, when it changed them
	if !ok {
		raw = a.FrontMatter.Values["tags"]
	}
	var tags []any
	switch v := raw.(type) {
	case []any:
		tags = v
	case []string:
		for _, s := range v {
			tags = append(tags, s)
		}
	}
	if len(tags) == 0 || len(c.cfg.HiddenTags) == 0 {
		return nil
	}
	kept := make([]any, 0, len(tags))
	for _, t := range tags {
		if s, ok := t.(string); !ok || !slices.ContainsFunc(c.cfg.HiddenTags, func(h string) bool { return strings.EqualFold(h, s) }) {
			kept = append(kept, t)
		}
	}
	if len(kept) != len(tags) {
		a.SetParam("tags", kept)
	}
	return nil
}
