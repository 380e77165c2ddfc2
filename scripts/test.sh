#!/usr/bin/env bash
# `npm test`: services, Chromium and a Vulkan driver up, then lint (module boundaries), type-check, and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
bash scripts/chromium.sh
bash scripts/vulkan.sh  # the webgpu specs run on Mesa's lavapipe (a CPU Vulkan driver)
NX_DAEMON=false npx nx show projects >/dev/null  # caches the project graph the boundary rule reads
npx eslint --max-warnings=0 --no-error-on-unmatched-pattern apps libs bench
npx tsc -p tsconfig.json --noEmit
npx tsc -p apps/web/tsconfig.json --noEmit
npx vitest run
