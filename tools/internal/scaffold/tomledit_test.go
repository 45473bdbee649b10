package scaffold_test

import (
	"testing"

	"github.com/archivemirror/mirror/tools/internal/scaffold"
)

func TestSetTOML(t *testing.T) {
	const doc = "title = \"A\" # the name\n\n[params]\n  about = \"\"\"\nline one\nline two\n\"\"\"\n  footer = 'f'\n\n[params.mirror]\n  x = 1\n"
	tests := []struct {
		name, table, key, value, want string
	}{
		{"a root key, comment kept", "", "title", `"B"`,
			"title = \"B\"  # the name\n\n[params]\n  about = \"\"\"\nline one\nline two\n\"\"\"\n  footer = 'f'\n\n[params.mirror]\n  x = 1\n"},
		{"a new root key before the tables", "", "baseURL", `"/"`,
			"title = \"A\" # the name\nbaseURL = \"/\"\n\n[params]\n  about = \"\"\"\nline one\nline two\n\"\"\"\n  footer = 'f'\n\n[params.mirror]\n  x = 1\n"},
		{"a multi-line string replaced whole", "params", "about", "'''\nnew\n'''",
			"title = \"A\" # the name\n\n[params]\n  about = '''\nnew\n'''\n  footer = 'f'\n\n[params.mirror]\n  x = 1\n"},
		{"the key after a multi-line string", "params", "footer", `"g"`,
			"title = \"A\" # the name\n\n[params]\n  about = \"\"\"\nline one\nline two\n\"\"\"\n  footer = \"g\"\n\n[params.mirror]\n  x = 1\n"},
		{"a new key in a table", "params.mirror", "y", "2",
			"title = \"A\" # the name\n\n[params]\n  about = \"\"\"\nline one\nline two\n\"\"\"\n  footer = 'f'\n\n[params.mirror]\n  x = 1\n  y = 2\n"},
		{"a new table", "params.mirror.host", "name", `"none"`,
			"title = \"A\" # the name\n\n[params]\n  about = \"\"\"\nline one\nline two\n\"\"\"\n  footer = 'f'\n\n[params.mirror]\n  x = 1\n\n[params.mirror.host]\n  name = \"none\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scaffold.SetTOML(doc, tt.table, tt.key, tt.value); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
