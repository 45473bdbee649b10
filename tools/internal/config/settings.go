package config

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/gohugoio/hugo/config/allconfig"

	"github.com/archivemirror/mirror/tools/internal/validate"
)

// checkSettings refuses a setting of site/hugo.toml Hugo does not know that
// is a typo of one it does: Hugo ignores it, and the site silently loses
// what it set ([parmas]: the description, About and footer;
// [markup.goldmark.renderer] unsfe: every article's HTML). It looks at the
// top level and into every table whose settings Hugo's own config types
// list; free-form tables (params, taxonomies, menus, languages…) are the
// owner's. The error names file, line and the setting meant.
func checkSettings(file string, site map[string]any) error {
	data, _ := os.ReadFile(file)
	return checkTable(file, data, nil, site, hugoSettings(reflect.TypeFor[allconfig.Config]()), true)
}

// checkTable checks the settings of one table against those known;
// top is the top level, where Hugo still reads some older names.
func checkTable(file string, data []byte, path []string, table map[string]any, known map[string]reflect.Type, top bool) error {
	names := make([]string, 0, len(known))
	for name := range known {
		names = append(names, name)
	}
	if top {
		names = append(names, olderTopLevel...)
	}
	slices.Sort(names)
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		t, ok := known[strings.ToLower(k)]
		if !ok {
			if slices.Contains(names, strings.ToLower(k)) {
				continue
			}
			if near := validate.Closest(strings.ToLower(k), names); near != "" {
				setting, meant := strings.Join(append(slices.Clone(path), k), "."), strings.Join(append(slices.Clone(path), near), ".")
				return fmt.Errorf("%s:%d: unknown setting %q: did you mean %q?", file, lineOfSetting(data, path, k), setting, meant)
			}
			continue
		}
		sub, isTable := table[k].(map[string]any)
		if isTable && t.Kind() == reflect.Struct {
			if err := checkTable(file, data, append(slices.Clone(path), k), sub, hugoSettings(t), false); err != nil {
				return err
			}
		}
	}
	return nil
}

// olderTopLevel are top-level names Hugo still reads besides its config
// type's.
var olderTopLevel = []string{"paginate", "paginatepath", "languagename", "weight", "googleanalytics", "disqusshortname"}

// hugoSettings are the settings a config type of Hugo's has, lower case,
// with their types: its fields' names and the names they are decoded and
// printed by (mapstructure and json tags), embedded structs' included.
func hugoSettings(t reflect.Type) map[string]reflect.Type {
	settingsMu.Lock()
	defer settingsMu.Unlock()
	if known, ok := settingsCache[t]; ok {
		return known
	}
	known := map[string]reflect.Type{}
	var fields func(t reflect.Type)
	fields = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				fields(f.Type)
				continue
			}
			if !f.IsExported() || f.Name == "Internal" || f.Name == "C" {
				continue
			}
			known[strings.ToLower(f.Name)] = f.Type
			for _, tag := range []string{"mapstructure", "json"} {
				if name, _, _ := strings.Cut(f.Tag.Get(tag), ","); name != "" && name != "-" {
					known[strings.ToLower(name)] = f.Type
				}
			}
		}
	}
	fields(t)
	settingsCache[t] = known
	return known
}

var (
	settingsMu    sync.Mutex
	settingsCache = map[reflect.Type]map[string]reflect.Type{}
)

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
