package article

import (
	"encoding/json"
	"strings"
)

// YAMLFlow writes a value in YAML's flow style, which JSON is: strings
// double-quoted with every character that matters escaped, so any title
// or URL parses back to exactly itself (& and < are left as they are).
func YAMLFlow(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}
