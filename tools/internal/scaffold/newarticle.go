package scaffold

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// NewArticle describes an article to add by hand.
type NewArticle struct {
	Title, Account, Category, Source string
	Date                             time.Time
	Tags                             []string
	// HTML is the article body; empty leaves a body to fill in.
	HTML string
}

// Write creates the content file in contentDir, in the format the fetcher
// writes (so every stage treats it like any other article) but with a
// proper boolean draft, and returns its path. It never overwrites a file.
func (n NewArticle) Write(contentDir string) (string, error) {
	if strings.TrimSpace(n.Title) == "" || strings.TrimSpace(n.Account) == "" {
		return "", fmt.Errorf("an article needs a title and an account")
	}
	if u, err := url.Parse(n.Source); n.Source != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		return "", fmt.Errorf("--source %q is not an http(s) URL", n.Source)
	}
	if n.Date.IsZero() {
		n.Date = time.Now().UTC().Truncate(time.Second)
	}
	tags := append([]string{"fetched"}, n.Tags...)
	if !slices.Contains(tags, n.Account) {
		tags = append(tags, n.Account)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\ndate: %s\ndraft: false\ntags: %s\n", article.YAMLFlow(n.Title), n.Date.Format(time.RFC3339), article.YAMLFlow(tags))
	if n.Category != "" {
		fmt.Fprintf(&b, "categories: %s\n", article.YAMLFlow([]string{n.Category}))
	}
	b.WriteString("---\n")
	fmt.Fprintf(&b, "%s by %s\n------\n", n.Title, n.Account)
	body := strings.TrimSpace(n.HTML)
	if body == "" {
		body = "<div>\n</div>"
	}
	b.WriteString(body + "\n")
	if n.Source != "" {
		fmt.Fprintf(&b, "<hr>\n<a href=\"%s\" target=\"_blank\" rel=\"noopener noreferrer\">原文链接</a>\n", strings.ReplaceAll(n.Source, `"`, "%22"))
	}
	sum := sha256.Sum256([]byte(n.Title + n.Source + n.Date.String()))
	name := n.Date.Format("20060102") + "_" + hex.EncodeToString(sum[:8]) + ".md"
	p := filepath.Join(contentDir, name)
	if _, err := os.Stat(p); err == nil {
		return p, fmt.Errorf("%s already exists", p)
	}
	return p, safefile.Write(afero.NewOsFs(), p, []byte(b.String()), 0o644)
}
