package capture

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"strings"
	"time"
)

// FeedItem is one article of a feed, captured or refused.
type FeedItem struct {
	URL     string
	Capture Capture
	Err     error
}

// ReadFeed reads a JSON Feed or Atom file with the articles' full text,
// as WeChat-to-RSS services publish them: an item each, its account the
// item's author or the feed's title. An item that is an interstitial, or
// has no URL, title or text, carries its error.
func ReadFeed(file string) ([]FeedItem, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(data)
	var items []FeedItem
	switch {
	case bytes.HasPrefix(trimmed, []byte("{")):
		items, err = jsonFeed(trimmed)
	case bytes.HasPrefix(trimmed, []byte("<")):
		items, err = atomFeed(trimmed)
	default:
		err = fmt.Errorf("neither JSON Feed nor Atom")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return items, nil
}

func jsonFeed(data []byte) ([]FeedItem, error) {
	var f struct {
		Version string `json:"version"`
		Title   string `json:"title"`
		Items   []struct {
			URL       string `json:"url"`
			Title     string `json:"title"`
			HTML      string `json:"content_html"`
			Summary   string `json:"summary"`
			Published string `json:"date_published"`
			Authors   []struct {
				Name string `json:"name"`
			} `json:"authors"`
		} `json:"items"`
	}
	if err := json.Unmarshal(data, &f); err != nil || !strings.Contains(f.Version, "jsonfeed.org") {
		return nil, fmt.Errorf("not a JSON Feed (version %q): %v", f.Version, err)
	}
	var out []FeedItem
	for _, it := range f.Items {
		account := f.Title
		if len(it.Authors) > 0 && it.Authors[0].Name != "" {
			account = it.Authors[0].Name
		}
		out = append(out, feedItem(it.URL, it.Title, account, it.HTML, it.Summary, it.Published))
	}
	return out, nil
}

func atomFeed(data []byte) ([]FeedItem, error) {
	var f struct {
		XMLName xml.Name `xml:"feed"`
		Title   string   `xml:"title"`
		Entries []struct {
			Title string `xml:"title"`
			Links []struct {
				Href string `xml:"href,attr"`
				Rel  string `xml:"rel,attr"`
			} `xml:"link"`
			Published string `xml:"published"`
			Updated   string `xml:"updated"`
			Content   string `xml:"content"`
			Summary   string `xml:"summary"`
			Author    string `xml:"author>name"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("not an Atom feed: %w", err)
	}
	var out []FeedItem
	for _, e := range f.Entries {
		link := ""
		for _, l := range e.Links {
			if l.Rel == "" || l.Rel == "alternate" {
				link = l.Href
				break
			}
		}
		account := f.Title
		if e.Author != "" {
			account = e.Author
		}
		published := e.Published
		if published == "" {
			published = e.Updated
		}
		out = append(out, feedItem(link, e.Title, account, e.Content, e.Summary, published))
	}
	return out, nil
}

func feedItem(link, title, account, body, summary, published string) FeedItem {
	it := FeedItem{URL: link}
	switch {
	case link == "":
		it.Err = fmt.Errorf("an item without a URL (%q)", title)
	case strings.TrimSpace(title) == "" || strings.TrimSpace(body) == "":
		it.Err = fmt.Errorf("%w: no title or no full text in the feed", ErrNotArticle)
	}
	if it.Err != nil {
		return it
	}
	if class, msg := ClassifyText(body); class != Article {
		it.Err = &Refused{Class: class, Message: msg}
		return it
	}
	c := Capture{Title: strings.TrimSpace(title), Account: strings.TrimSpace(account), Body: strings.TrimSpace(body),
		Digest: strings.TrimSpace(summary), Source: canonical(link, link), Truncated: Truncated(body)}
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(published)); err == nil {
		c.Published = t.In(ChinaTime)
	}
	it.Capture = c
	return it
}
