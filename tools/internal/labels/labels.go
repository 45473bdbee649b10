// Package labels are the words the build itself writes into pages (an
// image left remote, media not archived), in the site's language: taken
// from the same i18n files the theme's templates use, the site's over
// the theme's, English when a key is missing.
package labels

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/gohugoio/hugo/parser/metadecoders"
	"github.com/spf13/afero"
)

// Labels are the build's words.
type Labels struct {
	ImageNotArchived      string // a link standing for an image left remote
	ImageNotArchivedAlt   string // the same, %s its alt text
	ImageNotArchivedShort string // the same inside a link
	MediaNotArchived      string // before the link to the original
	OpenOriginal          string
	OriginalUnknown       string
}

// English are the labels of an English site, and of keys a language
// lacks.
var English = Labels{
	ImageNotArchived:      "Image not archived: open it on its original site",
	ImageNotArchivedAlt:   "Image not archived (%s): open it on its original site",
	ImageNotArchivedShort: "[image not archived]",
	MediaNotArchived:      "Media not archived: ",
	OpenOriginal:          "open the original",
	OriginalUnknown:       "the original is not known",
}

// Load reads the labels of lang (a language code: zh, zh-CN, en) from the
// i18n directories of dirs (the themes', then the site's, which wins).
func Load(lang string, dirs []string) Labels {
	l := English
	texts, _ := Texts(lang, dirs)
	for key, p := range map[string]*string{
		"buildimagenotarchived": &l.ImageNotArchived, "buildimagenotarchivedalt": &l.ImageNotArchivedAlt,
		"buildimagenotarchivedshort": &l.ImageNotArchivedShort, "buildmedianotarchived": &l.MediaNotArchived,
		"buildopenoriginal": &l.OpenOriginal, "buildoriginalunknown": &l.OriginalUnknown,
	} {
		if s := texts[key]; s != "" {
			*p = s
		}
	}
	return l
}

// Texts are the i18n texts of lang in the i18n directories of dirs, by
// lower-case key, as Hugo reads them: the general file before the
// specific one (zh, then zh-cn), a later directory over an earlier one.
// found says a file of lang was read.
func Texts(lang string, dirs []string) (texts map[string]string, found bool) {
	texts = map[string]string{}
	for _, name := range candidates(lang) {
		for _, dir := range dirs {
			values, err := metadecoders.Default.UnmarshalFileToMap(afero.NewOsFs(), filepath.Join(dir, "i18n", name+".yaml"))
			if err != nil {
				continue
			}
			found = true
			for k, v := range values {
				if s, ok := v.(string); ok && s != "" {
					texts[strings.ToLower(k)] = s
				}
			}
		}
	}
	return texts, found
}

// Languages are the languages dirs have i18n files for.
func Languages(dirs []string) []string {
	var langs []string
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "i18n", "*.yaml"))
		for _, f := range files {
			if lang := strings.TrimSuffix(filepath.Base(f), ".yaml"); !slices.Contains(langs, lang) {
				langs = append(langs, lang)
			}
		}
	}
	return langs
}

// candidates are the i18n files of a language, general first: zh-CN
// reads zh, then zh-cn.
func candidates(lang string) []string {
	lang = strings.ToLower(strings.ReplaceAll(lang, "_", "-"))
	if base, _, ok := strings.Cut(lang, "-"); ok {
		return []string{base, lang}
	}
	return []string{lang}
}
