// Package build is the product's main path, in the order a reader expects:
// read content/, run the stages over every article, stage the result in
// memory, render it with Hugo into a fresh directory, and swap that in as
// the published site.
//
// It wires the stage packages together and owns no stage logic itself.
package build
