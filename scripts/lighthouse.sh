#!/bin/sh
# Lighthouse for the phone tests (a site page with a tour must score 100 on mobile
# performance before 开始参观). Installs the pinned version from the npm registry into
# .tools/lighthouse (git-ignored) the first time, then runs it with the given arguments,
# against our Chromium. Exits 3 with a message when npm cannot install it.
#
#   scripts/lighthouse.sh URL --only-categories=performance --form-factor=mobile --output=json
set -eu
VERSION=12.8.2 # Lighthouse 13 needs Node 22; 12.x runs on the Node 20 we have
DIR="$(cd "$(dirname "$0")/.." && pwd)/.tools/lighthouse"
BIN="$DIR/node_modules/.bin/lighthouse"
if [ ! -x "$BIN" ] || [ "$("$BIN" --version 2>/dev/null)" != "$VERSION" ]; then
  mkdir -p "$DIR"
  if ! npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error "lighthouse@$VERSION" >&2; then
    echo "scripts/lighthouse.sh: npm could not install lighthouse@$VERSION into $DIR" >&2
    exit 3
  fi
fi
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
exec "$BIN" "$@"
