#!/usr/bin/env bash
# Offline infrastructure check: platform install, type-check, synth under Pulumi mocks.
# No AWS account, no Pulumi CLI; the npm registry only for the first `sst install`.
# Nothing needs building first: the harness runs the site's own build command, as a deploy does.
#
#   bash scripts/check-infra.sh            # npm run check:infra: tsc and every assertion on the stacks
#   bash scripts/check-infra.sh mutations  # npm run check:mutations: each dangerous edit must fail an assertion
set -euo pipefail
cd "$(dirname "$0")/.."

export SST_NO_BUN=1 SST_SKIP_DEPENDENCY_CHECK=1 SST_TELEMETRY_DISABLED=1

pinned="$(node -p 'require("./node_modules/sst/package.json").version')"
installed="$(cat .sst/platform/version 2>/dev/null || true)"
if [[ "$installed" != "$pinned" || ! -f .sst/provider-lock.json ]]; then
  echo "check:infra: installing the SST $pinned platform into .sst/platform"
  npx sst install --stage dev
else
  echo "check:infra: .sst/platform already at $pinned"
fi

case "${1:-assertions}" in
  assertions)
    echo "check:infra: tsc -p tsconfig.infra.json"
    npx tsc -p tsconfig.infra.json
    echo "check:infra: vitest (synth under Pulumi mocks, deploy and sst dev)"
    npx vitest run -c test/infra/vitest.config.ts
    ;;
  mutations)
    echo "check:mutations: vitest (each mutation of stacks/ must fail a check:infra assertion)"
    npx vitest run -c test/infra/mutations/vitest.config.ts
    ;;
  *)
    echo "usage: $0 [assertions|mutations]" >&2
    exit 2
    ;;
esac
