// Package publish writes the site Hugo renders: the file system Hugo
// writes through (each page spliced with its body, and written only if it
// changed), the record of what each file was made from (so a later build
// keeps what it would write the same), and the paths Hugo touched (so what
// a new site no longer has is pruned).
//
// It never renders anything itself (package hugo does) and knows nothing
// of articles: what a page holds comes from the SpliceFunc it is given.
package publish
