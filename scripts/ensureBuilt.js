// Compiles the router (shared/ and functions/ into dist/) only when its sources are newer than the last
// build. A plain script (not TypeScript) because it must run before anything is compiled.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const inputs = ['shared', 'functions', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newestChange(target) {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file shows as a newer folder
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestChange(path.join(target, entry)));
  return newest;
}

/** Builds when needed; `say` tells the user why they wait. Answers the root of the built tree. */
function ensureBuilt(say = (line) => process.stdout.write(line)) {
  const built = fs.statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const changed = Math.max(...inputs.map((input) => newestChange(path.join(root, input))));
  if (changed > built) {
    say('Compiling the router (first start, or the sources changed)…\n');
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
    fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
  }
  return path.join(root, 'dist');
}

module.exports = { ensureBuilt };
