#!/usr/bin/env bash
# `npm run test:node22`: the whole `npm test` again under Node 22, the
# README's first choice, while the machine's own Node may be older.
#
# Node 22 comes from the npm registry's `node@22` package (a Node binary and
# its headers, no root needed), into .cache/node22. better-sqlite3 is the one
# native addon the tests load: it is compiled for Node 22 for this run and
# the build for the machine's Node is put back afterwards, so `npm start`
# keeps working. The report goes to .test-results/jest-node22.json.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools="$root/.cache/node22"

if [ ! -x "$tools/node_modules/.bin/node" ]; then
  echo "[test:node22] installing node@22 from the npm registry into .cache/node22"
  npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error node@22 >/dev/null
fi
node22_home=$(ls -d "$tools"/node_modules/node/node_modules/node-*-* | head -n 1)
export PATH="$node22_home/bin:$PATH"
echo "[test:node22] $(node --version) from ${node22_home#"$root/"}"

addon="$root/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
saved="$root/.cache/better_sqlite3.node.machine"
cp "$addon" "$saved"
restore() { cp "$saved" "$addon"; }
trap restore EXIT

echo "[test:node22] compiling better-sqlite3 for Node 22 (about a minute)"
(cd "$root/node_modules/better-sqlite3" &&
  node "$root/node_modules/node-gyp/bin/node-gyp.js" rebuild --release \
    --nodedir="$node22_home" >/dev/null 2>"$root/.cache/node-gyp-node22.log") ||
  { cat "$root/.cache/node-gyp-node22.log"; exit 1; }

TEST_RESULTS_FILE="$root/.test-results/jest-node22.json" node scripts/test.mjs "$@"
