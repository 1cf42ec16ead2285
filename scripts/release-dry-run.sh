#!/usr/bin/env bash
# The release, one command away, rehearsed without publishing (issue 12, run by .ci/run after
# `pnpm test`): in a throwaway git worktree of HEAD, `changeset version` applies the pending
# changesets (versions, CHANGELOGs, internal ranges), then `pnpm publish -r --dry-run` packs
# every public package as the registry would get it. The working tree is never touched.
#
#   bash scripts/release-dry-run.sh      (needs the packages built: dist/ is copied over)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tmp=$(mktemp -d "${TMPDIR:-/tmp}/attnkit-release-XXXXXX")
cleanup() {
  git -C "$root" worktree remove --force "$tmp" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

git worktree add --detach "$tmp" HEAD >/dev/null
for dist in packages/*/dist; do
  cp -R "$dist" "$tmp/$dist"
done
cd "$tmp"
# Dependencies from the store the main install filled; no network needed.
pnpm install --frozen-lockfile --offline --ignore-scripts --reporter=silent
pnpm exec changeset status || true
pnpm exec changeset version
echo "release-dry-run: versions after changeset version:"
for manifest in packages/*/package.json; do
  node -e 'const m = require(process.argv[1]); if (!m.private) console.log(`  ${m.name}@${m.version}`)' "$tmp/$manifest"
done
pnpm publish -r --dry-run --no-git-checks --access public 2>&1 | grep -vE "^npm notice [0-9.]+[kM]?B "
echo "release-dry-run: clean (nothing was published; $root is unchanged)."
