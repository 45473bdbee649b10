package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/gohugoio/hugo/config/allconfig"

	"github.com/archivemirror/mirror/tools/internal/validate"
)

// checkSettings refuses a setting of site/hugo.toml nobody reads. Hugo
// ignores one it does not know, and the site silently loses what it set
// ([parmas]: the description, About and footer; [markup.goldmark.renderer]
// unsfe: every article's HTML): such a setting is refused when it is a typo
// of a known one, at the top level and in every table whose settings
// Hugo's own config types list; free-form tables (params, taxonomies,
// menus, languages…) are the owner's. Under [params.mirror], ours, every
// unknown setting is refused. The error names file, line and the setting
// meant.
func checkSettings(file string, data []byte, site map[string]any) error {
	c := settingsCheck{file: file, data: data}
	if err := c.table(nil, site, hugoSettings(reflect.TypeFor[allconfig.Config](), false), olderTopLevel); err != nil {
		return err
	}
	mirror, _ := Lookup(site, "params", "mirror").(map[string]any)
	c.strict = true
	return c.table([]string{"params", "mirror"}, mirror, hugoSettings(reflect.TypeFor[Config](), true), nil)
}

// olderTopLevel are top-level names Hugo still reads besides its config
// type's.
var olderTopLevel = []string{"paginate", "paginatePath", "languageName", "weight", "googleAnalytics", "disqusShortname"}

type settingsCheck struct {
	file string
	data []byte
	// strict refuses every unknown setting, not only typos of known ones.
	strict bool
}

// setting is one a config type knows: its name as the docs write it, and
// its type.
type setting struct {
	name string
	typ  reflect.Type
}

// table checks a table's settings against those known (by lower-case
// name), and the tables in it that are config types of their own.
func (c settingsCheck) table(path []string, table map[string]any, known map[string]setting, also []string) error {
	names := slices.Clone(also)
	for _, s := range known {
		names = append(names, s.name)
	}
	slices.Sort(names)
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		s, ok := known[strings.ToLower(k)]
		if !ok {
			if slices.ContainsFunc(also, func(n string) bool { return strings.EqualFold(n, k) }) {
				continue
			}
			near := validate.Closest(k, names)
			if near == "" && !c.strict {
				continue
			}
			return c.unknown(path, k, near)
		}
		sub, isTable := table[k].(map[string]any)
		if isTable && s.typ.Kind() == reflect.Struct {
			if err := c.table(append(slices.Clone(path), k), sub, hugoSettings(s.typ, c.strict), nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c settingsCheck) unknown(path []string, key, near string) error {
	dotted := func(last string) string { return strings.Join(append(slices.Clone(path), last), ".") }
	msg := fmt.Sprintf("%s:%d: unknown setting %q", c.file, lineOfSetting(c.data, path, key), dotted(key))
	if near != "" {
		msg += fmt.Sprintf(": did you mean %q?", dotted(near))
	}
	return fmt.Errorf("%s", msg)
}

// hugoSettings are the settings a config type has, by lower-case name:
// its fields' names and the names they are decoded by, embedded structs'
// included. asJSON reads the type as encoding/json does (ours, under
// params.mirror): a json tag's name only, "-" none. Otherwise as Hugo
// does: field names, mapstructure and json names all.
func hugoSettings(t reflect.Type, asJSON bool) map[string]setting {
	key := settingsKey{t, asJSON}
	settingsMu.Lock()
	defer settingsMu.Unlock()
	if known, ok := settingsCache[key]; ok {
		return known
	}
	known := map[string]setting{}
	add := func(name string, t reflect.Type) { known[strings.ToLower(name)] = setting{name, t} }
	var fields func(t reflect.Type)
	fields = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			jsonName, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case f.Anonymous && f.Type.Kind() == reflect.Struct && jsonName == "":
				fields(f.Type)
			case !f.IsExported() || f.Name == "Internal" || f.Name == "C":
			case asJSON && jsonName == "-":
			case asJSON && jsonName != "":
				add(jsonName, f.Type)
			default:
				add(lowerFirst(f.Name), f.Type)
				if name, _, _ := strings.Cut(f.Tag.Get("mapstructure"), ","); !asJSON && name != "" && name != "-" {
					add(name, f.Type)
				}
				if !asJSON && jsonName != "" && jsonName != "-" {
					add(jsonName, f.Type)
				}
			}
		}
	}
	fields(t)
	settingsCache[key] = known
	return known
}

type settingsKey struct {
	t      reflect.Type
	asJSON bool
}

var (
	settingsMu    sync.Mutex
	settingsCache = map[settingsKey]map[string]setting{}
)

// lowerFirst writes a Go field name as Hugo's docs write the setting
// (EnableRobotsTXT: enableRobotsTXT; HTTPCache: httpCache; URL: url).
func lowerFirst(s string) string {
	upper := 0
	for upper < len(s) && s[upper] >= 'A' && s[upper] <= 'Z' {
		upper++
	}
	switch {
	case upper == len(s):
		return strings.ToLower(s)
	case upper > 1: // an initialism first: its last capital starts the next word
		upper--
	}
	return strings.ToLower(s[:upper]) + s[upper:]
}

// lineOfSetting is the line a setting or table is set on, in the table
// path (a header "[a.b]", or a dotted key), 0 if not found.
func lineOfSetting(data []byte, path []string, key string) int {
	lines := strings.Split(string(data), "\n")
	from := 0
	if len(path) > 0 {
		from = -1
		header := "[" + strings.Join(path, ".")
		for i, line := range lines {
			t := strings.TrimSpace(line)
			if strings.HasPrefix(t, header+"]") || strings.HasPrefix(t, header+".") {
				from = i
				break
			}
		}
		if from < 0 {
			return 0
		}
	}
	full := "[" + strings.Join(append(slices.Clone(path), key), ".")
	for i := from; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if strings.HasPrefix(t, key+" ") || strings.HasPrefix(t, key+"=") || strings.HasPrefix(t, full+"]") || strings.HasPrefix(t, full+".") || strings.HasPrefix(t, "["+key+"]") {
			return i + 1
		}
	}
	return 0
}
