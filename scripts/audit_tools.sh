#!/usr/bin/env bash
# The page audits' tools: axe-core and the Nu HTML Checker (vnu-jar), pinned, from
# the npm registry, installed the first time into .tools/audit (git-ignored), like
# scripts/lighthouse.sh does for Lighthouse. The Nu HTML Checker needs Java; if `java` is
# missing, installs default-jre-headless with apt. Exits 3 with a message when npm (or apt)
# cannot install them.
#
#   scripts/audit_tools.sh axe-path          prints the path of axe.min.js (to inject in a page)
#   scripts/audit_tools.sh vnu ARGS...       runs the Nu HTML Checker, e.g.
#   scripts/audit_tools.sh vnu --format json --stdout page1.html page2.html
set -eu
AXE_VERSION=4.14.1
VNU_VERSION=26.9.27
PROJECT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$PROJECT/.tools/audit"
MODULES="$DIR/node_modules"
AXE="$MODULES/axe-core/axe.min.js"
VNU="$MODULES/vnu-jar/build/dist/vnu.jar"

installed() { # name version: true when node_modules holds that exact version
  [ -f "$MODULES/$1/package.json" ] &&
    grep -q "\"version\": *\"$2\"" "$MODULES/$1/package.json"
}

if ! installed axe-core "$AXE_VERSION" || ! installed vnu-jar "$VNU_VERSION"; then
  mkdir -p "$DIR"
  if ! npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error --save-exact \
    "axe-core@$AXE_VERSION" "vnu-jar@$VNU_VERSION" >&2; then
    echo "scripts/audit_tools.sh: npm could not install axe-core@$AXE_VERSION and vnu-jar@$VNU_VERSION into $DIR" >&2
    exit 3
  fi
fi

case "${1:-}" in
  axe-path)
    echo "$AXE"
    ;;
  vnu)
    shift
    if ! command -v java >/dev/null 2>&1; then
      . "$PROJECT/scripts/lib.sh"
      if ! ensure_apt_packages default-jre-headless >&2; then
        echo "scripts/audit_tools.sh: Java is needed for the Nu HTML Checker and apt could not install default-jre-headless" >&2
        exit 3
      fi
    fi
    exec java -Xss8m -jar "$VNU" "$@"
    ;;
  *)
    echo "usage: scripts/audit_tools.sh axe-path | vnu ARGS..." >&2
    exit 2
    ;;
esac
