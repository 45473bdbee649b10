// Package config reads the mirror's settings from the site's Hugo config
// file (site/hugo.toml, or .yaml/.json), where they live under
// [params.mirror], next to the rest of the site's configuration. It gathers
// each stage package's Config, fills in defaults and validates them.
package config
