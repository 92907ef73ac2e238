#!/usr/bin/env bash
# Makes the payments example's git history in a new repository DIR, as a pull request would have it:
#   base   "payments: transfers with a fee": the overdraft bug of INC-2471 (the fee is debited after the transfer,
#          outside the guard, and validate does not record transfer.fee)
#   HEAD~1 the fix with the repro test and the incident's trace under incidents/INC-2471/ (the commit message and
#          trailers of commits.nul)
#   HEAD   the invariant as a property test
# The base commit is tagged `base`. node_modules is linked to this folder's (run `npm ci` here first).
#   examples/payments/make-history.sh DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:?usage: make-history.sh DIR}
if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
  echo "make-history.sh: $dest exists and is not empty" >&2
  exit 2
fi
mkdir -p "$dest"
cd "$dest"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME='Dana Lee' GIT_AUTHOR_EMAIL='dana@payments.example'
export GIT_COMMITTER_NAME='Dana Lee' GIT_COMMITTER_EMAIL='dana@payments.example'
export GIT_AUTHOR_DATE='2026-11-20T09:00:00Z' GIT_COMMITTER_DATE='2026-11-20T09:00:00Z'
git init -q -b main
# The commit messages, oldest first: commits.nul holds them newest first, as git log writes them.
mapfile -d '' messages < "$here/commits.nul"
[ "${#messages[@]}" -eq 2 ] || { echo "make-history.sh: expected 2 messages in commits.nul" >&2; exit 2; }

mkdir -p src test
cp "$here/package.json" "$here/package-lock.json" "$here/.gitignore" "$here/.tracegate.yml" .
cp "$here/src/tracing.mjs" "$here/src/service.mjs" src/
cp "$here/history/base/transfer.mjs" src/transfer.mjs
cp "$here/history/base/transfer.tests.mjs" test/transfer.test.mjs
git add -A
git commit -q -m 'payments: transfers with a fee'
git tag base

export GIT_AUTHOR_DATE='2026-11-21T09:00:00Z' GIT_COMMITTER_DATE='2026-11-21T09:00:00Z'
cp "$here/src/transfer.mjs" src/transfer.mjs
cp "$here/test/transfer.test.mjs" test/transfer.test.mjs
# The incident's trace, committed with the fix (incidents/record-incident.mjs recorded it from the base code).
mkdir -p incidents/INC-2471
cp "$here"/incidents/INC-2471/*.json incidents/INC-2471/
git add -A
printf '%s' "${messages[1]}" | git commit -q --cleanup=verbatim -F -

export GIT_AUTHOR_DATE='2026-11-21T10:00:00Z' GIT_COMMITTER_DATE='2026-11-21T10:00:00Z'
cp "$here/test/invariants.test.mjs" test/invariants.test.mjs
git add -A
printf '%s' "${messages[0]}" | git commit -q --cleanup=verbatim -F -

ln -s "$here/node_modules" node_modules
echo "made $dest: base $(git rev-parse --short base), head $(git rev-parse --short HEAD) ($(git rev-list --count base..HEAD) commits)"
