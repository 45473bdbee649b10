// Package images is the image stage: every image an article shows is
// fetched once, checked, resized and kept in the mirror's store, and the
// article HTML points at the local copy.
//
// It works in two phases, so the network work can run on more connections
// than there are cores: Scan lists the image URLs of an article without
// building a tree, Localize fetches all the missing ones into the store
// (fetch/ and resize/ do the work), and Rewrite points each article's
// parsed document at the stored files.
package images
