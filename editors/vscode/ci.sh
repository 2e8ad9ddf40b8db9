#!/usr/bin/env bash
# CI for the VS Code extension: install exactly what package-lock.json pins,
# compile the TypeScript client, run the grammar and unit tests.
# Needs Node 20+ and npm, with the npm registry reachable.
set -euo pipefail
cd "$(dirname "$0")"

echo "node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund
npm run build
npm test
