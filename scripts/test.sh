#!/usr/bin/env bash
# The whole test suite, as CI runs it (`.ci/run` calls exactly this script).
#
# Installs what the tests need when it is missing (Node.js for the VS Code
# extension's grammar tests). Under CI=true a missing requirement that cannot
# be installed is a failure, never a silent skip.
set -euo pipefail
cd "$(dirname "$0")/.."

ci=${CI:-false}

# A clean CI build gains nothing from incremental compilation, which roughly
# doubles the size of target/; the free disk is printed for the record.
if [ "$ci" = true ]; then
  export CARGO_INCREMENTAL=0
fi
df -h . | tail -1 | awk '{print "== disk: " $4 " free of " $2}'

need() { # need COMMAND DEBIAN-PACKAGE: install the package when COMMAND is missing
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing $2 (for $1)"
    (apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$2" >/dev/null; }) || true
  fi
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$ci" = true ]; then
    echo "error: $1 is required (package $2) and could not be installed" >&2
    exit 1
  fi
  echo "warning: $1 is missing (package $2); the tests that need it will fail" >&2
}

need node nodejs
need npm npm
need /usr/sbin/sshd openssh-server   # the SSH tests start a real sshd on 127.0.0.1
need ssh-keygen openssh-client
need sudo sudo                       # sudo over SSH is tested with a passwordless test user

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --locked

echo "== VS Code extension (grammar tests)"
bash editors/vscode/ci.sh
