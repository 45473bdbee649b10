package scaffold

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gohugoio/hugo/parser/metadecoders"

	"github.com/archivemirror/mirror/tools/internal/config"
)

// siteTexts are the site's own words: where site/hugo.toml keeps each, and
// the theme's translation key for its default (themes/*/i18n/*.yaml). The
// theme shows its default while the setting is unset; init writes it in the
// site's language, for the owner to edit.
var siteTexts = []struct{ table, key, i18n string }{
	{"", "title", "siteTitle"},
	{"params", "description", "siteDescription"},
	{"params", "about", "siteAbout"},
	{"params", "footer", "siteFooter"},
}

// siteTexts says which site texts init writes in the identity's language:
// those unset or still one of the theme's defaults; --title and
// --description win over them. Notes say what was kept and why.
func (id Identity) siteTexts(root string, doc []byte) (map[string]string, []string, error) {
	if id.Language == "" {
		return nil, nil, nil
	}
	cfg, err := metadecoders.Default.UnmarshalToMap(doc, metadecoders.TOML)
	if err != nil {
		return nil, nil, err
	}
	tr, err := readTranslations(root, cfg)
	if err != nil {
		return nil, nil, err
	}
	chosen, lang, ok := tr.forLocale(id.Language)
	var notes []string
	if !ok {
		notes = append(notes, fmt.Sprintf("the theme has no %s translation (i18n/%s.yaml): its texts are written in English", id.Language, strings.ToLower(id.Language)))
	}
	texts := map[string]string{}
	for _, t := range siteTexts {
		current := configString(cfg, t.table, t.key)
		switch {
		case t.key == "title" && id.Title != "", t.key == "description" && id.Description != "":
		case chosen[t.i18n] == "":
		case !tr.isDefault(t.i18n, current):
			notes = append(notes, fmt.Sprintf("kept %s: your own text, not the theme's %s one", dotted(t.table, t.key), lang))
		default:
			texts[t.key] = chosen[t.i18n]
		}
	}
	return texts, notes, nil
}

func dotted(table, key string) string {
	if table == "" {
		return key
	}
	return table + "." + key
}

// translations are a theme's i18n files: language → key → text.
type translations map[string]map[string]string

// readTranslations reads the i18n files of the theme site/hugo.toml names.
func readTranslations(root string, cfg map[string]any) (translations, error) {
	theme, _ := cfg["theme"].(string)
	themesDir, _ := cfg["themesDir"].(string)
	if theme == "" {
		return translations{}, nil
	}
	if themesDir == "" {
		themesDir = "themes"
	}
	dir := filepath.Join(root, "site", filepath.FromSlash(themesDir), theme, "i18n")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	out := translations{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		m, err := metadecoders.Default.UnmarshalToMap(data, metadecoders.YAML)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		texts := map[string]string{}
		for k, v := range m {
			if s, ok := v.(string); ok {
				texts[k] = s
			}
		}
		out[strings.ToLower(strings.TrimSuffix(filepath.Base(f), ".yaml"))] = texts
	}
	return out, nil
}

// forLocale picks the translation Hugo would use for a locale (zh-CN: zh-cn,
// then zh), or English, saying so, when the theme has none.
func (tr translations) forLocale(locale string) (texts map[string]string, lang string, ok bool) {
	full := strings.ToLower(locale)
	for _, l := range []string{full, strings.SplitN(full, "-", 2)[0]} {
		if t, found := tr[l]; found {
			return t, l, true
		}
	}
	return tr["en"], "en", false
}

// isDefault says whether a site text is unset or one of the theme's
// defaults in any language: init may write another language's over it.
func (tr translations) isDefault(i18nKey, value string) bool {
	if strings.TrimSpace(value) == "" {
		return true
	}
	for _, texts := range tr {
		if strings.TrimSpace(texts[i18nKey]) == strings.TrimSpace(value) {
			return true
		}
	}
	return false
}

// configString reads table.key of a decoded config ("" for the root).
func configString(cfg map[string]any, table, key string) string {
	s, _ := config.Lookup(cfg, append(tablePath(table), key)...).(string)
	return s
}

// tablePath splits a dotted table name ("" is the root).
func tablePath(table string) []string {
	if table == "" {
		return nil
	}
	return strings.Split(table, ".")
}

// tomlText writes s as a TOML string: multi-line text as a multi-line
// literal when it can be, so the owner edits it as it reads.
func tomlText(s string) string {
	if !strings.Contains(strings.TrimRight(s, "\n"), "\n") {
		return tomlString(strings.TrimRight(s, "\n"))
	}
	if !strings.Contains(s, "'''") && !strings.ContainsFunc(s, isTOMLControl) {
		return "'''\n" + strings.TrimRight(s, "\n") + "\n'''"
	}
	return tomlString(s)
}

func isTOMLControl(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }
