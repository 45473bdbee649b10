package body

import "golang.org/x/net/html/atom"

// AddedMark is the attribute of the elements the mirror adds to an
// article (account cards, "not archived" links and boxes; see package
// clean): their words are the mirror's, not the article's.
const AddedMark = "data-mirror"

// breaks are the elements a reader sees text apart at: what is before and
// after one is not one run of text. Inline elements (span, strong, a…) are
// not among them: WeChat splits a single sentence into many spans.
var breaks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Br: true, atom.Hr: true, atom.Img: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Table: true, atom.Caption: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.Blockquote: true, atom.Pre: true, atom.Figure: true, atom.Figcaption: true,
	atom.Article: true, atom.Aside: true, atom.Header: true, atom.Footer: true, atom.Nav: true, atom.Main: true,
	atom.Details: true, atom.Summary: true, atom.Address: true,
}

// BreaksText says whether an element separates the text around it. A code
// element does inside pre: WeChat writes each line of a snippet as one
// (the theme shows them as lines).
func BreaksText(a atom.Atom, inPre bool) bool {
	return breaks[a] || inPre && a == atom.Code
}
