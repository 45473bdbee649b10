// Package hugo is the only package that builds a site with Hugo. It runs the
// Hugo module in-process over the site/ project, with the staged content
// layered in front of the disk so content/ is never written, and it exposes
// Hugo's own command line for `mirror hugo`.
//
// A Hugo upgrade should need changes here and nowhere else (the front matter
// reader in package article uses Hugo's parser packages, which are stable).
package hugo
