// Package search writes the site's full-text index: static files the
// search page fetches as a query needs them (see format.go), written by
// the build from the staged articles it already holds, updated in
// proportion to what changed (see Update), and exact for Chinese: any run
// of two or more Han characters of a title or body finds its article, in
// simplified or traditional script.
package search
