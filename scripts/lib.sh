# Shared by scripts/serve, scripts/test and .ci/run: install what the project needs, once.
# shellcheck shell=bash

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$PROJECT_DIR/.venv"
PYTHON="$VENV/bin/python"

log() { printf '\033[1;31m[红课]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "需要 root 权限来执行: $*"; return 1; fi
}

# Debian packages: python venv support, and for browser tests Chromium with CJK fonts.
ensure_apt_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "安装系统软件包: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# A virtual environment with what a script needs: `ensure_venv` what runs the site
# (requirements.txt), `ensure_venv dev` that plus tests and checks (requirements-dev.txt).
# Each set has a stamp holding the hash of its files; pip runs only when a hash changes.
# A current dev install covers the run set, so scripts/serve after scripts/test installs nothing.
ensure_venv() {
  local wanted_set="${1:-run}"
  case "$wanted_set" in
    run | dev) ;;
    *) log "ensure_venv: unknown set '$wanted_set' (run or dev)"; return 2 ;;
  esac
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    ensure_apt_packages python3-venv
  fi
  if [ ! -x "$PYTHON" ]; then
    log "创建虚拟环境 .venv"
    python3 -m venv "$VENV"
  fi
  requirements_current dev && return 0
  [ "$wanted_set" = run ] && requirements_current run && return 0
  local file="$PROJECT_DIR/requirements.txt"
  [ "$wanted_set" = dev ] && file="$PROJECT_DIR/requirements-dev.txt"
  log "安装 Python 依赖 ($(basename "$file"))"
  "$PYTHON" -m pip install -q --upgrade pip
  "$PYTHON" -m pip install -q -r "$file"
  requirements_hash "$wanted_set" > "$(requirements_stamp "$wanted_set")"
  if [ "$wanted_set" = dev ]; then requirements_hash run > "$(requirements_stamp run)"; fi
}

# The hash of a requirements set's files: run is requirements.txt, dev adds requirements-dev.txt.
requirements_hash() {
  local files=("$PROJECT_DIR/requirements.txt")
  if [ "$1" = dev ]; then files+=("$PROJECT_DIR/requirements-dev.txt"); fi
  cat "${files[@]}" | sha256sum | cut -d' ' -f1
}

requirements_stamp() { echo "$VENV/.requirements-$1.sha256"; }

requirements_current() {
  local stamp
  stamp="$(requirements_stamp "$1")"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(requirements_hash "$1")" ]
}

# The front-end tools (eslint), pinned in package.json and package-lock.json, into
# node_modules/; installed again only when the lock file changes.
ensure_node_tools() {
  if ! command -v npm >/dev/null; then
    ensure_apt_packages nodejs npm
  fi
  local stamp="$PROJECT_DIR/node_modules/.package-lock.sha256"
  local wanted
  wanted="$(sha256sum "$PROJECT_DIR/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    log "安装前端检查工具 (package-lock.json)"
    if ! (cd "$PROJECT_DIR" && npm ci --no-audit --no-fund --loglevel=error); then
      log "npm 无法安装 package-lock.json 里的前端检查工具"
      return 1
    fi
    echo "$wanted" > "$stamp"
  fi
}

# Lectures' audio and video are transcoded by ffmpeg (lectures.transcode); espeak-ng speaks
# the demo's and the tests' sample narration.
ensure_media_tools() {
  ensure_apt_packages ffmpeg espeak-ng
}

ensure_browser() {
  ensure_apt_packages chromium fonts-noto-cjk
}

# A local secret key for the demo server, kept out of git.
ensure_secret_key() {
  if [ -z "${SECRET_KEY:-}" ]; then
    local keyfile="$PROJECT_DIR/.secret-key"
    if [ ! -s "$keyfile" ]; then
      "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$keyfile"
      chmod 600 "$keyfile"
    fi
    SECRET_KEY="$(cat "$keyfile")"
    export SECRET_KEY
  fi
}
