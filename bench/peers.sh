#!/usr/bin/env bash
# Installs the peers the benchmarks compare against into their own virtualenv.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv-peers
.venv-peers/bin/pip install --quiet --disable-pip-version-check \
  "fastapi-code-generator==0.8.1" "openapi-generator-cli==7.26.0"   # the latter needs Java
