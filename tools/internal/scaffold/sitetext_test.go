package scaffold_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gohugoio/hugo/parser/metadecoders"

	"github.com/archivemirror/mirror/tools/internal/mirrortest"
	"github.com/archivemirror/mirror/tools/internal/scaffold"
)

// init --language writes the site's title, description, About and footer in
// that language, over the theme's defaults but never over the owner's text.
func TestInitWritesSiteTextsInItsLanguage(t *testing.T) {
	repo := mirrortest.RepoRoot(t)
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "site"), 0o755)
	cfg, err := os.ReadFile(filepath.Join(repo, "site", "hugo.toml"))
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(root, "site", "hugo.toml")
	os.WriteFile(cfgPath, cfg, 0o644)
	os.Symlink(filepath.Join(repo, "themes"), filepath.Join(root, "themes"))
	i18n := func(lang string) map[string]any {
		m, err := metadecoders.Default.UnmarshalToMap(mirrortest.ReadFile(t, (filepath.Join(repo, "themes", "mirror", "i18n", lang+".yaml"))), metadecoders.YAML)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	en, zh := i18n("en"), i18n("zh")
	texts := func() map[string]string {
		m, err := metadecoders.Default.UnmarshalToMap(mirrortest.ReadFile(t, (cfgPath)), metadecoders.TOML)
		if err != nil {
			t.Fatalf("site/hugo.toml does not read back: %v", err)
		}
		params, _ := m["params"].(map[string]any)
		str := func(v any) string { s, _ := v.(string); return s }
		return map[string]string{"siteTitle": str(m["title"]), "siteDescription": str(params["description"]),
			"siteAbout": str(params["about"]), "siteFooter": str(params["footer"])}
	}
	initAs := func(lang string) scaffold.InitResult {
		res, err := scaffold.Init(context.Background(), scaffold.InitOptions{Root: root, Identity: scaffold.Identity{Language: lang}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	wantTexts := func(step string, want map[string]any, except ...string) {
		t.Helper()
		for key, got := range texts() {
			if !slices.Contains(except, key) && strings.TrimSpace(got) != strings.TrimSpace(want[key].(string)) {
				t.Errorf("%s: %s = %q, want %q", step, key, got, want[key])
			}
		}
	}

	initAs("en-US")
	wantTexts("en-US", en)
	initAs("zh-CN")
	wantTexts("zh-CN after en-US", zh)
	if res := initAs("zh-CN"); len(res.Settings) != 0 {
		t.Errorf("the same language again changed %v", res.Settings)
	}

	edited := scaffold.SetTOML(string(mirrortest.ReadFile(t, (cfgPath))), "params", "footer", `"我的页脚"`)
	os.WriteFile(cfgPath, []byte(edited), 0o644)
	res := initAs("en-US")
	wantTexts("en-US over an own footer", en, "siteFooter")
	if got := texts()["siteFooter"]; got != "我的页脚" {
		t.Errorf("the owner's footer was replaced: %q", got)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "kept params.footer") {
		t.Errorf("init did not say it kept the footer: %v", res.Notes)
	}

	res = initAs("fr-FR")
	wantTexts("a language the theme lacks", en, "siteFooter")
	if !strings.Contains(strings.Join(res.Notes, "\n"), "no fr-FR translation") {
		t.Errorf("init did not say the theme lacks French: %v", res.Notes)
	}
}
