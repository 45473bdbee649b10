#!/bin/sh
# Builds this mirror's site with the real fetched articles of ../shared in
# place of the examples, offline, into DIR/public, for make audit. In a
# copy (DIR): the build records the images it could not fetch, and the
# mirror's own store and manifest stay as they are. Without ../shared it
# says so and builds nothing.
set -eu
dir=$1
fixtures=${FIXTURES:-../shared/fixtures/real}
rm -rf "$dir"
if [ ! -d "$fixtures" ]; then
	echo "audit: no $fixtures: the real articles are not audited" >&2
	exit 0
fi
mkdir -p "$dir/content"
cp -R site "$dir/site"
ln -s "$PWD/themes" "$dir/themes"
for f in "$fixtures"/*.md; do
	[ "$(basename "$f")" = README.md ] || cp "$f" "$dir/content/"
done
bin/mirror build --root "$dir" --offline --quiet
