package config

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gohugoio/hugo/config/allconfig"
	"github.com/gohugoio/hugo/parser"
	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/mirrortest"
)

// Every setting Hugo itself prints for the example site (hugo config, zero
// values included: all it knows) passes the check: it refuses only what
// Hugo would ignore.
func TestHugosOwnSettingsPass(t *testing.T) {
	site := filepath.Join(mirrortest.RepoRoot(t), "site")
	configs, err := allconfig.LoadConfig(allconfig.ConfigSourceDescriptor{Fs: afero.NewOsFs(), Filename: filepath.Join(site, "hugo.toml"), Environ: []string{"HUGO_NOTHING=1"}, IgnoreModuleDoesNotExist: true})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(parser.ReplacingJSONMarshaller{Value: configs.Base, KeysToLower: true}); err != nil {
		t.Fatal(err)
	}
	var all map[string]any
	if err := json.Unmarshal(buf.Bytes(), &all); err != nil {
		t.Fatal(err)
	}
	if len(all) < 30 {
		t.Fatalf("hugo config printed %d settings", len(all))
	}
	if err := checkSettings("hugo-config.toml", nil, all); err != nil {
		t.Error(err)
	}
	// The check did look inside: a typo deep in what Hugo printed is found.
	renderer := all["markup"].(map[string]any)["goldmark"].(map[string]any)["renderer"].(map[string]any)
	renderer["unsfe"] = true
	if err := checkSettings("hugo-config.toml", nil, all); err == nil || !strings.Contains(err.Error(), "markup.goldmark.renderer.unsafe") {
		t.Errorf("a typo in Hugo's own settings: %v", err)
	}
}

func TestSettingTypos(t *testing.T) {
	tests := []struct{ name, toml, want string }{
		{"a top-level table", "title = \"x\"\n\n[parmas]\n  a = 1\n", `site/hugo.toml:3: unknown setting "parmas": did you mean "params"?`},
		{"a top-level key", "baseURL = \"/\"\ntitel = \"x\"\n", `site/hugo.toml:2: unknown setting "titel": did you mean "title"?`},
		{"in a nested table", "[markup.goldmark.renderer]\n  unsfe = true\n", `site/hugo.toml:2: unknown setting "markup.goldmark.renderer.unsfe": did you mean "markup.goldmark.renderer.unsafe"?`},
		{"a nested table's name", "[markup.goldmark.rendrer]\n  unsafe = true\n", `site/hugo.toml:1: unknown setting "markup.goldmark.rendrer": did you mean "markup.goldmark.renderer"?`},
		{"pagination", "[pagination]\n  pagersize = 10\n  pagerSise = 20\n", `site/hugo.toml:3: unknown setting "pagination.pagerSise": did you mean "pagination.pagerSize"?`},
		{"services", "[services.rss]\n  limt = 5\n", `site/hugo.toml:2: unknown setting "services.rss.limt": did you mean "services.rss.limit"?`},
		{"in Hugo's case", "enableRobotTXT = true\n", `site/hugo.toml:1: unknown setting "enableRobotTXT": did you mean "enableRobotsTXT"?`},
		{"ours: a typo", "[params.mirror.validate]\n  required = [\"title\"]\n  categores = []\n", `site/hugo.toml:3: unknown setting "params.mirror.validate.categores": did you mean "params.mirror.validate.categories"?`},
		{"ours: another table", "[params.mirror.images]\n  hots = [\"a.example\"]\n", `site/hugo.toml:2: unknown setting "params.mirror.images.hots": did you mean "params.mirror.images.hosts"?`},
		{"ours: near nothing", "[params.mirror.validate]\n  somethingelse = 1\n", `site/hugo.toml:2: unknown setting "params.mirror.validate.somethingelse"`},
		{"ours: a table nobody reads", "[params.mirror.valdate]\n  required = []\n", `site/hugo.toml:1: unknown setting "params.mirror.valdate": did you mean "params.mirror.validate"?`},
		{"free-form params", "[params]\n  descripton = \"x\"\n  [params.cards]\n    categries = []\n", ""},
		{"menus and taxonomies", "[taxonomies]\n  tga = \"tgs\"\n[[menus.main]]\n  name = \"x\"\n", ""},
		{"unknown but near nothing", "[markup.goldmark.renderer]\n  somethingelse = true\n", ""},
		{"the example site", string(mirrortest.ReadFile(t, filepath.Join(mirrortest.RepoRoot(t), "site", "hugo.toml"))), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "site", "hugo.toml")
			os.MkdirAll(filepath.Dir(file), 0o755)
			os.WriteFile(file, []byte(tt.toml), 0o644)
			_, err := Load(filepath.Dir(file))
			got := ""
			if err != nil {
				got = strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
			}
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
