// Package hugo is the only package that builds a site with Hugo. It runs the
// Hugo module in-process over the site/ project, with the staged content
// layered in front of the disk so content/ is never written, writing the
// site through the file system it is given (see package publish), to which
// it hands the resolver of links into the site; and it exposes Hugo's own
// command line for `mirror hugo`.
//
// It imports no package of ours. A Hugo upgrade should need changes here
// and nowhere else (the front matter reader in package article uses Hugo's
// parser packages, which are stable).
package hugo
