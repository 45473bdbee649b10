package reuse

import (
	"encoding/binary"
	"strconv"

	"github.com/archivemirror/mirror/tools/internal/store"
)

// StagedInputs is everything an article's staged copy depends on: a
// build whose inputs for an article are those of an earlier one restages
// the copy that one wrote instead of rewriting the article. A field left
// out would let a build publish a page made from other inputs (see the
// test that checks every field changes the key).
type StagedInputs struct {
	// File is the key of the article's file: its bytes, its path and the
	// settings.
	File Key
	// Images are its images' store entries, in the order it shows them.
	Images []store.Entry
	// Links are where each of its links leads (see links.Graph.Resolution).
	Links []string
	// CitedBy, Related, Newer and Older are the lists under it.
	CitedBy, Related []string
	Newer, Older     string
	// MediaPrefix is the URL path stored images are published under.
	MediaPrefix string
}

// notShown are the fields of a store entry that never show in a staged
// article: when the image was fetched, how often it was tried, whether
// through a remap.
var notShown = map[string]bool{"Fetched": true, "Attempts": true, "Remapped": true}

// StepsVersion is the version of what the document steps stage (see
// package transform): a step added or changed bumps it, so no article is
// kept as an earlier version of the steps staged it (the stage's own
// record would keep the old file: it names files by this key).
const StepsVersion = 6 // 2: the status id; 3: a front matter account listed; 4: labels, hidden tags; 5: summaries keep blocks apart; 6: headings below the title, list items in lists

// Key hashes the inputs, each field with its length or count before it.
func (in StagedInputs) Key() Key {
	b := append(make([]byte, 0, 512), StepsVersion)
	b = append(b, in.File[:]...)
	b = binary.AppendUvarint(b, uint64(len(in.Images)))
	for _, e := range in.Images {
		b = appendEntry(b, e)
	}
	b = appendStrings(b, in.Links...)
	b = appendStrings(b, in.CitedBy...)
	b = appendStrings(b, in.Related...)
	b = appendStrings(b, in.Newer, in.Older, in.MediaPrefix)
	return KeyOf(b)
}

// appendStrings appends how many strings there are, then each with its
// length before it.
func appendStrings(b []byte, ss ...string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = append(binary.AppendUvarint(b, uint64(len(s))), s...)
	}
	return b
}

// appendEntry appends what of a store entry shows in a staged article
// (all of it but notShown).
func appendEntry(b []byte, e store.Entry) []byte {
	b = appendStrings(b, e.Key, e.URL, string(e.Status), e.File, e.Format, e.Error)
	for _, n := range []int64{int64(e.Width), int64(e.Height), e.Bytes} {
		b = binary.AppendVarint(b, n)
	}
	b = strconv.AppendBool(b, e.Permanent)
	b = binary.AppendUvarint(b, uint64(len(e.Variants)))
	for _, v := range e.Variants {
		b = binary.AppendVarint(b, int64(v.Width))
		b = appendStrings(b, v.File)
	}
	return b
}
