package validate

import (
	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/capture"
	"github.com/archivemirror/mirror/tools/internal/content"
)

// Rule ids. They are shared with --fix, the JSON report and the README;
// never rename one.
const (
	RuleBOM           = "file/bom"
	RuleInvalidUTF8   = "file/invalid-utf8"
	RuleCRLF          = "file/crlf"
	RuleEmptyBody     = "file/empty-body"
	RuleMissingKey    = "fm/missing-key"
	RuleMissingTitle  = "fm/missing-title"
	RuleEmptyTitle    = "fm/empty-title"
	RuleMissingDate   = "fm/missing-date"
	RuleDateInvalid   = "fm/date-invalid"
	RuleDateFuture    = "fm/date-future"
	RuleLastmod       = "fm/lastmod-before-date"
	RuleExpired       = "fm/expired"
	RuleDraftType     = "fm/draft-type"
	RuleDraft         = "fm/draft"
	RuleType          = "fm/type"
	RuleListString    = "fm/list-as-string"
	RuleListItem      = "fm/list-item"
	RuleCategory      = "fm/category-unknown"
	RuleUnknownKey    = "fm/unknown-key"
	RuleKeyNotAllowed = "fm/key-not-allowed"
	RuleTermUnsafe    = "fm/term-unsafe"
	RuleTooManyTerms  = "fm/too-many-terms"
	RuleReservedPath  = "fm/reserved-path"
	RuleDupSource     = "fm/duplicate-source"
	RuleDupPath       = "fm/duplicate-path"
	RuleTruncated     = "capture/truncated"
)

// Rule describes one check, for `mirror validate --rules` and the docs.
type Rule struct {
	ID       string
	Severity article.Severity
	Fixable  bool
	Doc      string
}

// Rules lists every check, including the reader's, in the order of the docs.
var Rules = []Rule{
	{article.RuleNoFrontMatter, article.Error, false, "the file does not start with front matter"},
	{article.RuleUnclosed, article.Error, false, "the front matter's closing delimiter is missing"},
	{article.RuleSyntax, article.Error, false, "the front matter is not valid YAML, TOML or JSON (with the parser's line and column)"},
	{article.RuleYAMLEscape, article.Error, true, `a double-quoted YAML string holds an unknown escape such as "\副", which makes Hugo abort the whole site; the fix keeps the backslash as text`},
	{content.RuleSymlink, article.Error, false, "a symbolic link in content/: never followed, never published"},
	{content.RuleNotRegular, article.Error, false, "a device, pipe or socket in content/: skipped"},
	{content.RuleNotArticle, article.Warning, false, "a file in content/ that is not an article (.svg, .org, .adoc, images…): not published"},
	{content.RuleSectionFile, article.Warning, false, "an _index file in content/: skipped (the site's own pages go in site/content/)"},
	{article.RuleTooLarge, article.Error, false, "the file is larger than limits.maxFileBytes: not read"},
	{RuleBOM, article.Warning, true, "the file starts with a UTF-8 byte order mark"},
	{RuleInvalidUTF8, article.Warning, false, "the file is not valid UTF-8; the build shows the bad bytes as U+FFFD"},
	{RuleCRLF, article.Warning, true, "lines end with CR LF"},
	{RuleEmptyBody, article.Warning, false, "the article has no body"},
	{capture.Deleted.Rule(), article.Error, false, "the capture is WeChat's page for an article deleted by its publisher, not the article: left out"},
	{capture.Violation.Rule(), article.Error, false, "the capture is WeChat's page for an article removed for a violation: left out"},
	{capture.Failed.Rule(), article.Error, false, "the capture is WeChat's page for a post that failed to send: left out"},
	{capture.Privacy.Rule(), article.Error, false, "the capture is WeChat's page for an article its author's privacy setting hides: left out"},
	{capture.Expired.Rule(), article.Error, false, "the capture is WeChat's page for an expired link: left out"},
	{capture.AccountGone.Rule(), article.Error, false, "the capture is WeChat's page for a closed or banned account: left out"},
	{capture.Captcha.Rule(), article.Error, false, "the capture is WeChat's captcha or rate-limit page (环境异常, 去验证): left out; capture it again later"},
	{RuleTruncated, article.Warning, false, "the capture looks cut short (GitHub's comment limit, a tag left open at the end): capture it again"},
	{RuleMissingTitle, article.Error, false, "no title"},
	{RuleEmptyTitle, article.Error, false, "the title is empty"},
	{RuleMissingDate, article.Error, false, "no date"},
	{RuleMissingKey, article.Error, false, "a key the site requires (validate.required) is missing"},
	{RuleDateInvalid, article.Error, false, "a date Hugo cannot parse"},
	{RuleDateFuture, article.Error, false, "date or publishDate in the future: Hugo would silently skip the page (unless buildFuture)"},
	{RuleLastmod, article.Warning, false, "lastmod is before date"},
	{RuleExpired, article.Warning, false, "expiryDate has passed: Hugo will not publish the page"},
	{RuleDraftType, article.Warning, true, `draft is not a boolean (["false"], "false"); read as that boolean`},
	{RuleDraft, article.Info, false, "the article is a draft and will not be published"},
	{RuleType, article.Error, false, "a value of the wrong type (tags: 42, categories: {a: 1}, title: [x])"},
	{RuleListString, article.Warning, true, `a taxonomy written as a string (tags: "a"); read as a one-item list`},
	{RuleListItem, article.Warning, false, "an empty or non-string item in a taxonomy list; empty items are dropped, others read as text"},
	{RuleCategory, article.Warning, false, "a category not in the site's list (validate.categories), with the closest as a suggestion"},
	{RuleUnknownKey, article.Warning, false, "a front matter key neither Hugo nor the site uses (a typo such as catagories?): dropped from the staged copy"},
	{RuleKeyNotAllowed, article.Warning, false, "a key an article may not set (url, aliases, layout, menus, weight, cascade…: they place or render other pages): dropped from the staged copy"},
	{RuleTermUnsafe, article.Warning, false, `a taxonomy term that would make a path ("../..", "a/b", "a#b"): written with full-width forms, or dropped when it names no page`},
	{RuleTooManyTerms, article.Warning, false, "a taxonomy with more terms than limits.maxTerms: the first ones are kept"},
	{RuleDupSource, article.Warning, false, "two articles have the same source URL (the same article fetched twice)"},
	{RuleDupPath, article.Error, false, "two articles would be published at the same URL; the first in path order is kept"},
	{RuleReservedPath, article.Error, false, "the article would be published where the site's own pages are (/about/, /tags/, /media/…): rename the file"},
}

// Describe returns what a rule checks, or "" for an unknown id.
func Describe(id string) string {
	for _, r := range Rules {
		if r.ID == id {
			return r.Doc
		}
	}
	return ""
}

// severityOf returns the severity of a rule id.
func severityOf(id string) article.Severity {
	for _, r := range Rules {
		if r.ID == id {
			return r.Severity
		}
	}
	return article.Error
}

// fixable says whether --fix can repair findings of a rule.
func fixable(id string) bool {
	for _, r := range Rules {
		if r.ID == id {
			return r.Fixable
		}
	}
	return false
}
