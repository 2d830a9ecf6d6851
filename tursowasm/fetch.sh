#!/bin/sh
# fetch.sh downloads the Turso engine's WebAssembly build from npm
# (@tursodatabase/database-wasm, file dist/turso.wasm32-wasi.wasm, MIT)
# into tursowasm/wasm/, where package tursowasm embeds it, and checks its sha256.
# It does nothing when the file is already there with the right digest.
#
#   sh tursowasm/fetch.sh
set -eu

VERSION=0.7.2
SHA256=35e71d48920495f59dccd4c4ae8cff191975f77ee7f220a24b5755e83fa7be46
FILE=turso.wasm32-wasi.wasm

dir=$(cd "$(dirname "$0")" && pwd)
dest="$dir/wasm/$FILE"

sum() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$dest" ] && [ "$(sum "$dest")" = "$SHA256" ]; then
	echo "fetch.sh: $FILE $VERSION already present"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! command -v npm >/dev/null 2>&1; then
	echo "fetch.sh: npm is needed to fetch @tursodatabase/database-wasm@$VERSION" >&2
	exit 1
fi
(cd "$tmp" && npm pack --silent "@tursodatabase/database-wasm@$VERSION" >/dev/null)
tar -xzf "$tmp/tursodatabase-database-wasm-$VERSION.tgz" -C "$tmp" "package/dist/$FILE"
got=$(sum "$tmp/package/dist/$FILE")
if [ "$got" != "$SHA256" ]; then
	echo "fetch.sh: $FILE has sha256 $got, want $SHA256" >&2
	exit 1
fi
mv "$tmp/package/dist/$FILE" "$dest"
echo "fetch.sh: fetched $FILE $VERSION ($SHA256)"
