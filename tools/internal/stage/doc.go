// Package stage writes the copy of content/ that Hugo reads: each article
// as the stages left it (front matter with the values they added, body in
// the format they chose), other content files unchanged.
//
// The staged copy lives in an afero.Fs: on disk in the build cache
// (ROOT/.mirror-cache/content), where it persists so a build rewrites only
// what changed, or in a scratch directory; content/ itself is never written
// by a build.
package stage
