// Package store keeps the mirror's images: content-addressed files (the
// file name is a hash of the stored bytes, so one picture used by many
// articles is stored once) and a manifest that records, per source URL,
// which file holds it, its size and format, when it was fetched, or why it
// could not be.
//
// The store is the one thing besides content/ that a mirror keeps (it is
// committed, or cached in CI), so every write is atomic and a run killed at
// any moment leaves it readable; the next run completes it. It works on an
// afero.Fs and never touches the network or decodes an image.
package store
