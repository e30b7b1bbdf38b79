# Sourced by scripts/demo and scripts/test: installs what Sohoa needs on this machine, idempotently.
#   - Debian packages (Tesseract 5 with the Vietnamese model, poppler, fonts for the sample generator)
#   - a virtualenv at .venv in the checkout with the package (and its dev extras) installed
#   - the raw line images library for Tesseract, when a C compiler is there (workers/pipeline/rawlines.py)
# A second run re-uses both: packages are checked with dpkg, the venv with a stamp of pyproject.toml.
set -euo pipefail

SOHOA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SOHOA_ROOT
APT_PACKAGES=(tesseract-ocr tesseract-ocr-vie poppler-utils fonts-liberation2 ${SOHOA_EXTRA_APT:-})

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

ensure_apt() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {
  local py="${PYTHON:-python3}"
  "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "Sohoa needs Python 3.11 or newer ($py is $("$py" --version 2>&1)); set PYTHON=..." >&2
    exit 78
  }
  local venv="$SOHOA_ROOT/.venv"
  local stamp
  stamp="$(sha256sum "$SOHOA_ROOT/pyproject.toml" | cut -c1-16)"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.sohoa-stamp" 2>/dev/null)" = "$stamp" ]; then
    return 0
  fi
  say "preparing virtualenv .venv (first run takes a minute or two)"
  [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$venv/bin/python" -m pip install -q -e "$SOHOA_ROOT[dev]"
  echo "$stamp" > "$venv/.sohoa-stamp"
}

ensure_rawlines() {
  # Tesseract's line images passed without a PNG round trip (workers/pipeline/rawlines.py): the same
  # text, less CPU. Needs a C compiler; without one OCR runs as before.
  "$SOHOA_ROOT/.venv/bin/python" -m workers.pipeline.rawlines >/dev/null \
    || say "OCR runs without raw line images (the same text, 5-10 % more CPU): see the message above"
}

ensure_samples() {
  # The project's own deterministic sample batch (rendered scans with ground truth).
  local out="$1"
  if [ ! -f "$out/manifest.csv" ]; then
    say "generating sample scans into ${out#"$SOHOA_ROOT"/}"
    "$SOHOA_ROOT/.venv/bin/python" "$SOHOA_ROOT/scripts/make_samples.py" "$out"
  fi
}

ensure_apt
ensure_venv
ensure_rawlines
export PATH="$SOHOA_ROOT/.venv/bin:$PATH"
export OMP_THREAD_LIMIT=1
