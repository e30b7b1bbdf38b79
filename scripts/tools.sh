#!/usr/bin/env bash
# Command-line tools that Sohoa's checks need, built from the Go module proxy with `go install` and
# cached like the services of scripts/services.sh (versions pinned in scripts/versions.env):
#
#   helm   Helm 4, for `helm lint` / `helm template` of deploy/helm/sohoa (needs no cluster)
#
# Usage: scripts/tools.sh fetch|env|path [helm]
#   fetch   build into the cache unless cached (idempotent; atomic tmp dir + mv; one build at a time)
#   env     `export` lines for the cached tools (eval "$(scripts/tools.sh env)"): SOHOA_HELM=...
#   path    print the cached binary's path; fails when it is not fetched yet
#
# Environment knobs (optional):
#   SOHOA_TOOLS_CACHE   cache dir (default: $HOME/.cache/sohoa/tools); Go's module and build caches
#                       are Go's own defaults, so a rebuild after a version bump reuses them.
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/versions.env
source "$HERE/versions.env"

CACHE=${SOHOA_TOOLS_CACHE:-$HOME/.cache/sohoa/tools}
ALL_TOOLS=(helm)

log() { printf '[tools] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s; }

tools_from_args() {
  local t
  if (($# == 0)); then printf '%s\n' "${ALL_TOOLS[@]}"; return; fi
  for t in "$@"; do
    case $t in
      helm) echo "$t" ;;
      *) die "unknown tool '$t' (expected: ${ALL_TOOLS[*]})" ;;
    esac
  done
}

dir_of() {
  case $1 in
    helm) echo "$CACHE/helm-$HELM_VERSION" ;;
  esac
}
bin_of() { echo "$(dir_of "$1")/bin/$1"; }
env_name_of() {
  case $1 in
    helm) echo SOHOA_HELM ;;
  esac
}

# go install MODULE@VERSION into TMP/bin (static binary, reproducible paths).
go_build() {
  local tmp=$1 pkg=$2
  command -v go >/dev/null 2>&1 || { log "'go' not found: install Go >= 1.24"; return 1; }
  mkdir -p "$tmp/bin"
  (cd "$tmp" && GOBIN="$tmp/bin" CGO_ENABLED=0 GOFLAGS=-trimpath GO111MODULE=on go install "$pkg")
}

build_helm() {
  local tmp=$1
  go_build "$tmp" "${HELM_MODULE}@${HELM_VERSION}" || return 1
  "$tmp/bin/helm" version >/dev/null || { log "helm: the built binary does not run"; return 1; }
}

# fetch_one TOOL: build into a temporary dir next to the final one, then rename it atomically.
fetch_one() {
  local tool=$1 final name lock tmp t0
  final=$(dir_of "$tool")
  name=$(basename "$final")
  if [[ -x $(bin_of "$tool") ]]; then log "$name: cached ($final)"; return 0; fi
  mkdir -p "$CACHE"
  exec {lock}>"$CACHE/.$name.lock"
  flock "$lock"
  if [[ -x $(bin_of "$tool") ]]; then log "$name: cached ($final)"; exec {lock}>&-; return 0; fi
  rm -rf "$final" # a dir without its binary is a leftover, never a cache entry
  tmp=$(mktemp -d "$CACHE/.tmp.$name.XXXXXX")
  t0=$(now)
  log "$name: building with go install (once per machine; a few minutes) ..."
  if "build_$tool" "$tmp"; then
    chmod 755 "$tmp"
    mv -T "$tmp" "$final"
    log "$name: done in $(($(now) - t0))s"
    exec {lock}>&-
  else
    rm -rf "$tmp"
    exec {lock}>&-
    log "$name: FAILED after $(($(now) - t0))s"
    return 1
  fi
}

cmd_fetch() {
  local tools t
  mapfile -t tools < <(tools_from_args "$@")
  for t in "${tools[@]}"; do fetch_one "$t"; done
}

cmd_env() {
  local tools t
  mapfile -t tools < <(tools_from_args "$@")
  for t in "${tools[@]}"; do
    if [[ -x $(bin_of "$t") ]]; then
      printf 'export %s=%q\n' "$(env_name_of "$t")" "$(bin_of "$t")"
    else
      log "$t: not fetched; run '$0 fetch $t'"
    fi
  done
}

cmd_path() {
  (($# == 1)) || die "usage: $0 path TOOL"
  local t
  t=$(tools_from_args "$1")
  [[ -x $(bin_of "$t") ]] || die "$t: not fetched; run '$0 fetch $t'"
  bin_of "$t"
}

usage() {
  sed -n '2,/^set -E/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
}

main() {
  local cmd=${1:-help}
  (($# > 0)) && shift
  case $cmd in
    fetch) cmd_fetch "$@" ;;
    env) cmd_env "$@" ;;
    path) cmd_path "$@" ;;
    help | -h | --help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
