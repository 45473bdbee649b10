// Package stage writes the copy of content/ that Hugo reads: each article
// as the stages left it (front matter with the values they added, body in
// the format they chose), other content files unchanged.
//
// The staged copy lives in an afero.Fs, in memory for a build, so content/
// itself is never written by a build.
package stage
