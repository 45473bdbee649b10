// Package labels are the words the build itself writes into pages (an
// image left remote, media not archived), in the site's language: taken
// from the same i18n files the theme's templates use, the site's over
// the theme's, English when a key is missing.
package labels

import (
	"path/filepath"
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
	keys := map[string]*string{
		"buildimagenotarchived": &l.ImageNotArchived, "buildimagenotarchivedalt": &l.ImageNotArchivedAlt,
		"buildimagenotarchivedshort": &l.ImageNotArchivedShort, "buildmedianotarchived": &l.MediaNotArchived,
		"buildopenoriginal": &l.OpenOriginal, "buildoriginalunknown": &l.OriginalUnknown,
	}
	for _, name := range candidates(lang) {
		for _, dir := range dirs {
			values, err := metadecoders.Default.UnmarshalFileToMap(afero.NewOsFs(), filepath.Join(dir, "i18n", name+".yaml"))
			if err != nil {
				continue
			}
			for k, v := range values {
				if p, ok := keys[strings.ToLower(k)]; ok {
					if s, ok := v.(string); ok && s != "" {
						*p = s
					}
				}
			}
		}
	}
	return l
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
