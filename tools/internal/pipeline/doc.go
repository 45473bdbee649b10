// Package pipeline runs the stages over the articles: each Step is one
// stage's work on one article, a Pipeline runs its steps in order on every
// article with a bounded number of workers, and times each step.
//
// It knows nothing of what the steps do; the CLI decides which steps run.
package pipeline
