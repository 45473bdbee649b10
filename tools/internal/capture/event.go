package capture

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
)

// Event is what a capture needs of a GitHub issues or issue_comment
// event: the issue's title, the article's URL in it, its labels, and the
// capture comment, if any.
type Event struct {
	Kind    string // "issues" or "issue_comment"
	Number  int
	Title   string
	URL     string
	Labels  []string
	Comment string
	// Trusted says the comment's author may write the archive: the
	// repository's owner, a member or collaborator, or a bot (a fetcher
	// posting with a token the owner gave it). Anyone can comment on an
	// open issue; their comment must not become, or replace, an article.
	Trusted bool
}

// trustedAssociations are the authors whose comments are captures.
var trustedAssociations = []string{"OWNER", "MEMBER", "COLLABORATOR"}

// ReadEvent reads a GitHub event file ($GITHUB_EVENT_PATH).
func ReadEvent(file string) (Event, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return Event{}, err
	}
	var raw struct {
		Issue *struct {
			Number      int             `json:"number"`
			Title       string          `json:"title"`
			Body        string          `json:"body"`
			PullRequest json.RawMessage `json:"pull_request"`
			Labels      []struct {
				Name string `json:"name"`
			} `json:"labels"`
		} `json:"issue"`
		Comment *struct {
			Body              string `json:"body"`
			AuthorAssociation string `json:"author_association"`
			User              struct {
				Type string `json:"type"`
			} `json:"user"`
		} `json:"comment"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Event{}, fmt.Errorf("%s: not a GitHub event: %w", file, err)
	}
	if raw.Issue == nil || raw.Issue.PullRequest != nil {
		return Event{}, fmt.Errorf("%s: not an issues or issue_comment event (no issue in it)", file)
	}
	e := Event{Kind: "issues", Number: raw.Issue.Number, Title: strings.TrimSpace(raw.Issue.Title)}
	for _, l := range raw.Issue.Labels {
		e.Labels = append(e.Labels, l.Name)
	}
	if raw.Comment != nil {
		e.Kind, e.Comment = "issue_comment", raw.Comment.Body
		e.Trusted = slices.Contains(trustedAssociations, raw.Comment.AuthorAssociation) || raw.Comment.User.Type == "Bot"
	}
	e.URL = firstURL(raw.Issue.Body)
	if e.URL == "" {
		e.URL = firstURL(raw.Issue.Title)
	}
	if e.URL == "" {
		return e, fmt.Errorf("%s: issue #%d names no article URL", file, e.Number)
	}
	return e, nil
}

var urlPattern = regexp.MustCompile(`https?://[^\s<>"'\x60)\]]+`)

func firstURL(s string) string { return urlPattern.FindString(s) }

// Category is the first of the issue's labels among the site's
// categories, "" when none.
func (e Event) Category(categories []string) string {
	for _, l := range e.Labels {
		if slices.Contains(categories, l) {
			return l
		}
	}
	return ""
}

// FromComment is the capture an issue_comment event carries: a whole
// page (read as ParseWeChat does), or an article body with the issue's
// title and URL, which must be a WeChat article's. An interstitial is
// refused either way, and so is a comment by an author not trusted.
func (e Event) FromComment() (Capture, error) {
	if strings.TrimSpace(e.Comment) == "" {
		return Capture{}, fmt.Errorf("issue #%d: the event has no capture comment", e.Number)
	}
	if !e.Trusted {
		return Capture{}, fmt.Errorf("issue #%d: the comment's author is not the repository's owner, a member, a collaborator or a bot: not imported", e.Number)
	}
	if err := ArticleURL(e.URL); err != nil {
		return Capture{}, fmt.Errorf("issue #%d: %w", e.Number, err)
	}
	if strings.Contains(e.Comment, `id="js_content"`) || strings.Contains(e.Comment, "<html") {
		c, err := ParseWeChat([]byte(e.Comment), e.URL)
		if err == nil {
			// The page names its own source: a WeChat article's, or none.
			if err := ArticleURL(c.Source); err != nil {
				return Capture{}, fmt.Errorf("issue #%d: the page in the comment: %w", e.Number, err)
			}
		}
		return c, err
	}
	if class, msg := ClassifyText(e.Comment); class != Article {
		return Capture{}, &Refused{Class: class, Message: msg}
	}
	return Capture{Title: e.Title, Body: strings.TrimSpace(e.Comment), Source: e.URL, Truncated: Truncated(e.Comment)}, nil
}
