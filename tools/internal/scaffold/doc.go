// Package scaffold makes a copy of the template a mirror of one's own:
// Init writes the site's identity and image hosts into site/hugo.toml and
// can clear the example articles, their stored images and their link
// equivalences; NewArticle writes a correctly formed content file.
//
// It edits files in place the way validate --fix does: only the lines that
// change, each file written atomically.
package scaffold
