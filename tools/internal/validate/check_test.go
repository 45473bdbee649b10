package validate

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/content"
)

// now is the clock of every test: dates after it are in the future.
var now = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

func testChecker(cfg Config) *Checker {
	c := New(cfg, []string{"categories", "tags"})
	c.Now = func() time.Time { return now }
	c.Reserve([]string{"about", "tags"})
	return c
}

// check validates one file and returns the rule ids it was found to break.
func check(t *testing.T, cfg Config, src string) (*article.Article, []string) {
	t.Helper()
	a := article.Parse("a.md", "content/a.md", []byte(src))
	testChecker(cfg).Check(context.Background(), a)
	return a, rules(a.Findings)
}

func rules(fs []article.Finding) []string {
	var ids []string
	for _, f := range fs {
		if !slices.Contains(ids, f.Rule) {
			ids = append(ids, f.Rule)
		}
	}
	sort.Strings(ids)
	return ids
}

const good = "---\ntitle: \"A\"\ndate: 2024-04-27T08:23:57Z\ndraft: false\ntags: [\"a\"]\ncategories: [\"Duty\"]\n---\n<p>body</p>\n"

// fm builds a file from front matter lines and a body.
func fm(lines ...string) string {
	return "---\n" + strings.Join(lines, "\n") + "\n---\n<p>body</p>\n"
}

var base = []string{`title: "A"`, "date: 2024-04-27T08:23:57Z"}

// with is a good file with extra front matter lines.
func with(extra ...string) string { return fm(append(slices.Clone(base), extra...)...) }

var cats = Config{Required: []string{"title", "date"}, Categories: []string{"Academic", "Duty"}}

// ruleCases has, for every rule, a failing case and a passing case that
// differs from it only where the rule looks.
var ruleCases = []struct {
	name string
	cfg  Config
	src  string
	want []string
}{
	{"good", Config{}, good, nil},
	// Captures that are WeChat's interstitials, not articles.
	{"deleted", Config{}, strings.Replace(with(), "<p>body</p>", "<div><p>该内容已被发布者删除</p></div>", 1), []string{"capture/deleted"}},
	{"violation", Config{}, strings.Replace(with(), "<p>body</p>", "<p>此内容因违规无法查看</p>", 1), []string{"capture/violation"}},
	{"failed", Config{}, strings.Replace(with(), "<p>body</p>", "<p>此内容发送失败无法查看</p>", 1), []string{"capture/failed"}},
	{"privacy", Config{}, strings.Replace(with(), "<p>body</p>", "<p>根据作者隐私设置，无法查看该内容</p>", 1), []string{"capture/privacy"}},
	{"expired", Config{}, strings.Replace(with(), "<p>body</p>", "<p>链接已过期</p>", 1), []string{"capture/expired"}},
	{"account gone", Config{}, strings.Replace(with(), "<p>body</p>", "<p>该公众号已被封禁</p>", 1), []string{"capture/account-gone"}},
	{"captcha", Config{}, strings.Replace(with(), "<p>body</p>", "<p>环境异常</p><p>去验证</p>", 1), []string{"capture/captcha"}},
	{"an article quoting an interstitial", Config{}, strings.Replace(with(), "<p>body</p>", "<p>"+strings.Repeat("这是一篇正常的文章，", 30)+"引用了“该内容已被发布者删除”这句话。</p>", 1), nil},
	{"truncated", Config{}, strings.Replace(with(), "<p>body</p>", "<p>正文在这里被截<span style=\"color", 1), []string{"capture/truncated"}},
	// From the seed: the fetcher writes draft as a list.
	{"draft list", Config{}, with(`draft: ["false"]`), []string{RuleDraftType}},
	{"draft string", Config{}, with(`draft: "false"`), []string{RuleDraftType}},
	{"draft bool", Config{}, with(`draft: false`), nil},
	{"draft true", Config{}, with(`draft: true`), []string{RuleDraft}},
	{"draft list true", Config{}, with(`draft: ["true"]`), []string{RuleDraft, RuleDraftType}},
	{"draft nonsense", Config{}, with(`draft: ["maybe", "no"]`), []string{RuleType}},
	{"missing title", Config{}, fm("date: 2024-04-27"), []string{RuleMissingTitle}},
	{"empty title", Config{}, fm(`title: "  "`, "date: 2024-04-27"), []string{RuleEmptyTitle}},
	{"title list", Config{}, fm(`title: [a]`, "date: 2024-04-27"), []string{RuleType}},
	{"missing date", Config{}, fm(`title: "A"`), []string{RuleMissingDate}},
	{"required key", Config{Required: []string{"title", "date", "author"}}, with(), []string{RuleMissingKey}},
	{"required key present", Config{Required: []string{"title", "date", "author"}}, with(`author: x`), nil},
	{"date invalid", Config{}, fm(`title: "A"`, `date: "yesterday"`), []string{RuleDateInvalid}},
	{"date future", Config{}, fm(`title: "A"`, "date: 2027-01-01"), []string{RuleDateFuture}},
	{"date future allowed", Config{AllowFuture: true}, fm(`title: "A"`, "date: 2027-01-01"), nil},
	{"publishDate future", Config{}, with("publishDate: 2030-01-01"), []string{RuleDateFuture}},
	{"lastmod before date", Config{}, with("lastmod: 2020-01-01"), []string{RuleLastmod}},
	{"lastmod after date", Config{}, with("lastmod: 2025-01-01"), nil},
	{"expired", Config{}, with("expiryDate: 2025-01-01"), []string{RuleExpired}},
	{"not expired", Config{}, with("expiryDate: 2030-01-01"), nil},
	{"tags number", Config{}, with("tags: 42"), []string{RuleType}},
	{"categories map", Config{}, with("categories: {a: 1}"), []string{RuleType}},
	{"tags string", Config{}, with(`tags: "a"`), []string{RuleListString}},
	{"tags empty item", Config{}, with(`tags: ["a", ""]`), []string{RuleListItem}},
	{"tags number item", Config{}, with(`tags: [2024, "a"]`), []string{RuleListItem}},
	{"tags nested", Config{}, with(`tags: [[a]]`), []string{RuleType}},
	// From the real fixtures: "Acdemic" next to "Academic".
	{"category typo", cats, with(`categories: ["Acdemic"]`), []string{RuleCategory}},
	{"category known", cats, with(`categories: ["academic"]`), nil},
	{"any category without a list", Config{}, with(`categories: ["Acdemic"]`), nil},
	{"unknown key", Config{}, with(`catagories: ["Duty"]`), []string{RuleUnknownKey}},
	{"known extra key", Config{KnownKeys: []string{"author"}}, with(`author: x`), nil},
	// Keys that place or render other pages are dropped, whatever their value.
	{"weight", Config{}, with(`weight: -1000000000`), []string{RuleKeyNotAllowed}},
	{"aliases", Config{}, with(`aliases: ["/index.html", "/about/"]`), []string{RuleKeyNotAllowed}},
	{"url", Config{}, with(`url: /index.html`), []string{RuleKeyNotAllowed}},
	{"layout", Config{}, with(`layout: search`), []string{RuleKeyNotAllowed}},
	{"cascade", Config{}, with(`cascade: {draft: true}`), []string{RuleKeyNotAllowed}},
	{"image", Config{}, with(`image: https://tracker.example/x.gif`), []string{RuleKeyNotAllowed}},
	{"slug not allowed", Config{}, with(`slug: a`), []string{RuleKeyNotAllowed}},
	{"slug allowed", Config{KnownKeys: []string{"slug"}}, with(`slug: a-b_c`), nil},
	{"slug unsafe", Config{KnownKeys: []string{"slug"}}, with(`slug: ../about`), []string{RuleKeyNotAllowed}},
	{"a site's own key", Config{KnownKeys: []string{"readingTime2"}}, with(`readingTime2: 3`), nil},
	{"tags path", Config{}, with(`tags: ["../..", "a/b"]`), []string{RuleTermUnsafe}},
	{"tags text", Config{}, with(`tags: ["a b", "中文"]`), nil},
	{"too many tags", Config{}, with(`tags: [` + strings.Repeat(`"a", `, 100) + `"b"]`), []string{RuleTooManyTerms}},
	{"as many tags as allowed", Config{}, with(`tags: [` + strings.Repeat(`"a", `, 99) + `"b"]`), nil},
	{"BOM", Config{}, "\ufeff" + good, []string{RuleBOM}},
	{"CRLF", Config{}, strings.ReplaceAll(good, "\n", "\r\n"), []string{RuleCRLF}},
	{"invalid UTF-8", Config{}, strings.Replace(good, "body", "bo\xffdy", 1), []string{RuleInvalidUTF8}},
	{"empty body", Config{}, fm(base...)[:len(fm(base...))-len("<p>body</p>\n")], []string{RuleEmptyBody}},
	{"TOML good", Config{}, "+++\ntitle = 'A'\ndate = 2024-04-27T08:23:57Z\ndraft = false\n+++\nbody", nil},
	{"TOML draft string", Config{}, "+++\ntitle = 'A'\ndate = 2024-04-27\ndraft = 'false'\n+++\nbody", []string{RuleDraftType}},
	{"JSON good", Config{}, "{\"title\": \"A\", \"date\": \"2024-04-27\"}\nbody", nil},
	{"JSON tags number", Config{}, "{\"title\": \"A\", \"date\": \"2024-04-27\", \"tags\": 42}\nbody", []string{RuleType}},
	// The reader's rules: the article never reaches the front matter checks.
	{"unclosed", Config{}, "---\ntitle: A\n", []string{article.RuleUnclosed}},
	{"no front matter", Config{}, "<p>just html</p>", []string{article.RuleNoFrontMatter}},
	{"syntax", Config{}, fm(`title: "A"`, "tags: [a, b"), []string{article.RuleSyntax}},
	// From a real fetcher: an unknown escape Hugo v0.165 aborts on.
	{"yaml escape", Config{}, fm(`title: "招聘助理教授\副教授"`, "date: 2024-04-27"), []string{article.RuleYAMLEscape}},
	{"yaml escape fixed", Config{}, fm(`title: "招聘助理教授\\副教授"`, "date: 2024-04-27"), nil},
}

func TestRules(t *testing.T) {
	for _, tt := range ruleCases {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cfg.Required == nil {
				tt.cfg.Required = []string{"title", "date"}
			}
			a, got := check(t, tt.cfg, tt.src)
			if !slices.Equal(got, tt.want) {
				t.Errorf("rules = %v, want %v\nfindings: %v", got, tt.want, a.Findings)
			}
		})
	}
}

// Every rule in Rules has a failing case in ruleCases or archiveCases.
func TestEveryRuleIsTested(t *testing.T) {
	tested := map[string]bool{}
	for _, c := range ruleCases {
		for _, r := range c.want {
			tested[r] = true
		}
	}
	for _, c := range archiveCases {
		for _, rs := range c.want {
			for _, r := range rs {
				tested[r] = true
			}
		}
	}
	// The reader's rules about files: see package content's tests.
	for _, r := range []string{article.RuleTooLarge, content.RuleSymlink, content.RuleNotRegular, content.RuleNotArticle, content.RuleSectionFile} {
		tested[r] = true
	}
	for _, r := range Rules {
		if !tested[r.ID] {
			t.Errorf("rule %s has no failing test case", r.ID)
		}
	}
}

func TestFindingPositions(t *testing.T) {
	src := "---\ntitle: \"会谈纪要\"\ndate: 2024-04-27T08:23:57Z\ndraft: [\"false\"]\ntags: [\n  \"fetched\"\n]\ncatagories: [\"Duty\"]\n---\nbody"
	a, _ := check(t, NewDefaultConfig(), src)
	want := map[string][2]int{RuleDraftType: {4, 8}, RuleUnknownKey: {8, 1}}
	for _, f := range a.Findings {
		if pos, ok := want[f.Rule]; ok && (f.Line != pos[0] || f.Col != pos[1]) {
			t.Errorf("%s at %d:%d, want %d:%d", f.Rule, f.Line, f.Col, pos[0], pos[1])
		}
		if f.Rule == RuleUnknownKey && !strings.Contains(f.Message, "did you mean categories?") {
			t.Errorf("no suggestion: %s", f.Message)
		}
	}
}

func TestWarningsAreFixedInTheStagedCopy(t *testing.T) {
	a, _ := check(t, NewDefaultConfig(), fm(`title: "A"`, "date: 2024-04-27", `draft: ["false"]`, `tags: "one tag"`, `categories: ["a", ""]`))
	v := a.FrontMatter.Values
	if v["draft"] != false {
		t.Errorf("draft = %#v, want false", v["draft"])
	}
	if !slices.Equal(v["tags"].([]any), []any{"one tag"}) {
		t.Errorf("tags = %#v", v["tags"])
	}
	if !slices.Equal(v["categories"].([]any), []any{"a"}) {
		t.Errorf("categories = %#v", v["categories"])
	}
	if string(a.Source) != fm(`title: "A"`, "date: 2024-04-27", `draft: ["false"]`, `tags: "one tag"`, `categories: ["a", ""]`) {
		t.Error("Check changed the source bytes")
	}
}

func TestCategorySuggestion(t *testing.T) {
	a, _ := check(t, Config{Required: []string{"title"}, Categories: []string{"Academic", "Duty"}}, fm(`title: "A"`, `date: 2024-01-01`, `categories: ["Acdemic"]`))
	if len(a.Findings) != 1 || !strings.Contains(a.Findings[0].Message, `did you mean "Academic"?`) {
		t.Errorf("findings = %v", a.Findings)
	}
}

const longURL = "http://mp.weixin.qq.com/s?__biz=MjM5&amp;mid=265&amp;idx=1&amp;sn=86&amp;chksm=bd&amp;scene=21#wechat_redirect"

var archiveCases = []struct {
	name  string
	files map[string]string
	want  map[string][]string
}{
	{"distinct", map[string]string{
		"a.md": fm(`title: "A"`, "date: 2024-01-01", `source: "https://mp.weixin.qq.com/s/AAA"`),
		"b.md": fm(`title: "B"`, "date: 2024-01-01", `source: "https://mp.weixin.qq.com/s/BBB"`),
	}, map[string][]string{}},
	{"same source in two forms", map[string]string{
		"a.md": fm(`title: "A"`, "date: 2024-01-01") + "<hr>\n<a href=\"" + longURL + "\",target=\"_blank\">原文链接</a>\n",
		"b.md": fm(`title: "B"`, "date: 2024-01-01", `source: "https://mp.weixin.qq.com/s?mid=265&__biz=MjM5&idx=1"`),
	}, map[string][]string{"b.md": {RuleDupSource}}},
	{"same page, two formats", map[string]string{
		"a.html": fm(`title: "A"`, "date: 2024-01-01"),
		"a.md":   fm(`title: "B"`, "date: 2024-01-01"),
	}, map[string][]string{"a.md": {RuleDupPath}}},
	{"names that differ", map[string]string{
		"A.md":     fm(`title: "A"`, "date: 2024-01-01"),
		"a.md":     fm(`title: "B"`, "date: 2024-01-01"),
		"a b.md":   fm(`title: "C"`, "date: 2024-01-01"),
		"a-b.md":   fm(`title: "D"`, "date: 2024-01-01"),
		"a%2eb.md": fm(`title: "E"`, "date: 2024-01-01"),
		"a.b.md":   fm(`title: "F"`, "date: 2024-01-01"),
	}, map[string][]string{}},
	{"the site's pages", map[string]string{
		"about.md":  fm(`title: "A"`, "date: 2024-01-01"),
		"tags/x.md": fm(`title: "B"`, "date: 2024-01-01"),
		"x.md":      fm(`title: "C"`, "date: 2024-01-01"),
	}, map[string][]string{"about.md": {RuleReservedPath}, "tags/x.md": {RuleReservedPath}}},
	{"a section's page", map[string]string{
		"posts.md":   fm(`title: "A"`, "date: 2024-01-01"),
		"posts/b.md": fm(`title: "B"`, "date: 2024-01-01"),
	}, map[string][]string{"posts.md": {RuleDupPath}}},
}

func TestArchiveRules(t *testing.T) {
	for _, tt := range archiveCases {
		t.Run(tt.name, func(t *testing.T) {
			var as []*article.Article
			names := make([]string, 0, len(tt.files))
			for n := range tt.files {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				as = append(as, article.Parse(n, n, []byte(tt.files[n])))
			}
			testChecker(NewDefaultConfig()).CheckArchive(Items(as))
			for _, a := range as {
				if got := rules(a.Findings); !slices.Equal(got, tt.want[a.Path]) {
					t.Errorf("%s: rules = %v, want %v (%v)", a.Path, got, tt.want[a.Path], a.Findings)
				}
			}
		})
	}
}
