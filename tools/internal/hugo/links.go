package hugo

import (
	"sync"

	"github.com/gohugoio/hugo/hugolib"
)

// links resolves links into a site as Hugo's relref does.
type links struct {
	sites      *hugolib.HugoSites
	permalinks sync.Map // ref → URL, of pages found by GetPage
	// pages are the regular pages' URLs by logical path, listed once.
	listPages sync.Once
	pages     map[string]string
}

func newLinks(sites *hugolib.HugoSites) *links { return &links{sites: sites} }

// permalink resolves ref in the default language's site as relref does,
// including its warning and URL for a page not found. Every page is
// checked for where its links lead, and GetPage, at 8 µs a call, took a
// third of publishing 10,000 unchanged pages: a ref that is already a
// page's logical path (as the stage writes them: lower case, no spaces),
// is looked up among the site's regular pages, listed once; any other goes
// to GetPage, once per ref.
func (l *links) permalink(ref string) string {
	l.listPages.Do(func() {
		pages := l.sites.Sites[0].RegularPages()
		l.pages = make(map[string]string, len(pages))
		for _, p := range pages {
			l.pages[p.Path()] = p.RelPermalink()
		}
	})
	if url, ok := l.pages[ref]; ok {
		return url
	}
	if url, ok := l.permalinks.Load(ref); ok {
		return url.(string)
	}
	if p, err := l.sites.Sites[0].GetPage(ref); err == nil && p != nil {
		url := p.RelPermalink()
		l.permalinks.Store(ref, url)
		return url
	}
	l.sites.Log.Warnf("REF_NOT_FOUND: Ref %q: page not found", ref)
	return l.sites.Configs.Base.RefLinksNotFoundURL
}
