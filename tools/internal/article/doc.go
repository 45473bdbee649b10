// Package article is the model every stage shares: one content file as read
// from content/, its front matter decoded exactly as Hugo decodes it, its
// body, the values stages add for the staged copy, and the findings stages
// report about it.
//
// It imports nothing of ours and never writes files: reading happens here,
// writing the staged copy happens in package stage.
package article
