// Package links knows article URLs: the canonical key that identifies an
// article whatever form its URL takes (WeChat's long and short forms, http or
// https, &amp;-escaped, with tracking noise), the archive's index of those
// keys, and the rewriting of links in article bodies.
//
// It never touches the network: two forms of one WeChat article cannot be
// matched without it, so equivalences come from data.
package links
