// Package clean turns a fetched article body into the one the archive
// shows: the fetcher's debris becomes metadata (Debris), WeChat-only markup
// becomes plain HTML (WeChat), untrusted HTML is sanitized (Sanitize, last,
// on the document as it will be written), and a summary and reading time
// are computed for list pages and feeds (Summarize).
//
// It works on the article's parsed document; Debris alone works on the raw
// bytes, before parsing, because the debris is not HTML.
package clean
