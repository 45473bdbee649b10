package article

// ImageRef is one image an article shows: its key, which tells two URLs
// of one image apart from two images (see images.Key), and the URL to
// fetch.
type ImageRef struct {
	Key string
	URL string
	// File is an article showing the image (the first one listed), for
	// messages; not kept in the cache.
	File string `json:"-"`
}

// A Link is an href of an article's body with what of where it leads does
// not depend on the archive, found once when its article is scanned and
// kept with the scan: parsing every link's URL, up to three times, was
// most of the link stage's time in a build where nothing changed.
type Link struct {
	Href      string
	Key       string // see links.Key; "" when it has none
	Canonical string // see links.Canonical; "" for all but links to WeChat articles
}
