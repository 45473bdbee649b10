package scaffold

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gohugoio/hugo/parser/metadecoders"

	"github.com/archivemirror/mirror/tools/internal/config"
	"github.com/archivemirror/mirror/tools/internal/labels"
)

// siteTexts are the site's own words: where site/hugo.toml keeps each, and
// the theme's translation key for its default (themes/*/i18n/*.yaml;
// lower case, as labels.Texts gives them). The
// theme shows its default while the setting is unset; init writes it in the
// site's language, for the owner to edit.
var siteTexts = []struct{ table, key, i18n string }{
	{"", "title", "sitetitle"},
	{"params", "description", "sitedescription"},
	{"params", "about", "siteabout"},
	{"params", "footer", "sitefooter"},
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
	// The i18n files the theme's templates read: the themes', the site's.
	siteDir := filepath.Join(root, "site")
	dirs := append(config.ThemeDirsOf(siteDir, cfg), siteDir)
	chosen, found := labels.Texts(id.Language, dirs)
	lang := id.Language
	var notes []string
	if !found {
		chosen, _ = labels.Texts("en", dirs)
		lang = "en"
		notes = append(notes, fmt.Sprintf("the theme has no %s translation (i18n/%s.yaml): its texts are written in English", id.Language, strings.ToLower(id.Language)))
	}
	texts := map[string]string{}
	for _, t := range siteTexts {
		current := configString(cfg, t.table, t.key)
		switch {
		case t.key == "title" && id.Title != "", t.key == "description" && id.Description != "":
		case chosen[t.i18n] == "":
		case !isDefault(dirs, t.i18n, current):
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

// isDefault says whether a site text is unset or the theme's default in
// one of its languages: init may write another language's over it.
func isDefault(dirs []string, i18nKey, value string) bool {
	if strings.TrimSpace(value) == "" {
		return true
	}
	for _, lang := range labels.Languages(dirs) {
		if texts, _ := labels.Texts(lang, dirs); strings.TrimSpace(texts[i18nKey]) == strings.TrimSpace(value) {
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
