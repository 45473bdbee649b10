// Package validate checks each article's front matter and file against the
// rules a mirror relies on, reporting findings with stable rule ids such as
// "fm/draft-type" at the file, line and column they concern.
//
// Check runs in the build: errors exclude the article, warnings are fixed in
// the in-memory copy that gets staged. Fix computes byte-level edits for
// `mirror validate --fix`, which leave every other byte of the file as it
// was. The package never writes files itself.
package validate
