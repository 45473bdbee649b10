package validate

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// kind is what type a known front matter key must hold.
type kind int

const (
	kindAny kind = iota
	kindString
	kindBool
	kindInt
	kindDate
	kindStringList
	kindMap
)

func (k kind) String() string {
	return [...]string{"any value", "a string", "true or false", "a whole number", "a date", "a list of strings", "a map"}[k]
}

// schema lists the front matter keys Hugo and this project read, with the
// type each must have. Taxonomies and the draft key have rules of their own.
var schema = map[string]kind{
	"title": kindString, "linktitle": kindString, "slug": kindString, "url": kindString,
	"summary": kindString, "description": kindString, "layout": kindString, "type": kindString,
	"translationkey": kindString, "markup": kindString, "kind": kindString, "lang": kindString,
	"date": kindDate, "lastmod": kindDate, "publishdate": kindDate, "pubdate": kindDate,
	"published": kindAny, "expirydate": kindDate, "unpublishdate": kindDate, "modified": kindDate,
	"draft": kindAny, "headless": kindBool, "iscjklanguage": kindBool,
	"weight":  kindInt,
	"aliases": kindStringList, "keywords": kindStringList, "outputs": kindStringList,
	"images": kindAny, "videos": kindAny, "audio": kindAny, "series": kindAny,
	"params": kindMap, "build": kindMap, "sitemap": kindMap,
	"cascade": kindAny, "menu": kindAny, "menus": kindAny, "resources": kindAny,
	// This project's keys.
	"source": kindString, "sources": kindStringList, "account": kindString, "readingtime": kindInt,
}

// checkTypes reports values of the wrong type for known keys and repairs a
// draft written as a list or a string.
func (c *Checker) checkTypes(fm *frontMatter) {
	for lower := range fm.keys {
		if lower == "draft" {
			c.checkDraft(fm)
			continue
		}
		k, known := schema[lower]
		if !known || c.taxonomies[lower] {
			continue
		}
		v, _ := fm.get(lower)
		if !hasKind(v, k) {
			report(fm.a, RuleType, fm.valueAt(lower), "%s must be %s, not %s", fm.keys[lower], k, describe(v))
		}
	}
}

func hasKind(v any, k kind) bool {
	switch k {
	case kindString:
		_, ok := v.(string)
		return ok
	case kindBool:
		_, ok := v.(bool)
		return ok
	case kindInt:
		switch v.(type) {
		case int, int64, uint64, int32:
			return true
		}
		return false
	case kindDate:
		switch v.(type) {
		case string, time.Time, fmt.Stringer:
			return true
		}
		return false
	case kindStringList:
		if _, ok := v.(string); ok {
			return true // Hugo reads a lone string as a one-item list
		}
		list, ok := v.([]any)
		if !ok {
			return false
		}
		for _, it := range list {
			if _, ok := it.(string); !ok {
				return false
			}
		}
		return true
	case kindMap:
		_, ok := v.(map[string]any)
		return ok
	}
	return true
}

// describe names a value's type for messages, showing short scalars.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "empty"
	case string:
		return strconv.Quote(x)
	case bool, int, int64, uint64, float64:
		return fmt.Sprintf("%v", x)
	case []any:
		return "a list"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return "a map {" + strings.Join(keys, ", ") + "}"
	}
	return fmt.Sprintf("%T", v)
}

// checkDraft accepts a boolean; a list holding one boolean-like value or a
// string such as "false" is read as that boolean (the fetcher writes
// `draft: ["false"]`, which Hugo would read as false whatever it held).
func (c *Checker) checkDraft(fm *frontMatter) {
	v, _ := fm.get("draft")
	if b, ok := v.(bool); ok {
		if b {
			report(fm.a, RuleDraft, fm.valueAt("draft"), "draft is true: Hugo will not publish this article")
		}
		return
	}
	b, ok := draftValue(v)
	if !ok {
		report(fm.a, RuleType, fm.valueAt("draft"), "draft must be true or false, not %s", describe(v))
		return
	}
	report(fm.a, RuleDraftType, fm.valueAt("draft"), "draft is %s, not a boolean; read as %t", fm.raw("draft"), b)
	fm.set("draft", b)
	if b {
		report(fm.a, RuleDraft, fm.valueAt("draft"), "draft is true: Hugo will not publish this article")
	}
}

// draftValue reads the boolean a malformed draft value means.
func draftValue(v any) (bool, bool) {
	switch x := v.(type) {
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(x))
		return b, err == nil
	case []any:
		if len(x) != 1 {
			return false, false
		}
		if b, ok := x[0].(bool); ok {
			return b, true
		}
		return draftValue(x[0])
	}
	return false, false
}
