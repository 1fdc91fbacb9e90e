#!/usr/bin/env node
// `npm run simulate -- --scenario FILE [--json] [--report DIR]` (and the `jobrouter-simulate` command):
// runs the router's own engine through a simulated day. Compiles the router first when its sources
// changed (on stderr, so `--json` output stays one document).
const path = require('node:path');
const { ensureBuilt } = require('./ensureBuilt');

const dist = ensureBuilt((line) => process.stderr.write(line));
const { simulatorCli } = require(path.join(dist, 'shared', 'simulation', 'simulatorCli.js'));

// How far a long run got, on the terminal only (a redirected stderr gets no progress lines).
const progress = process.stderr.isTTY ? (text) => process.stderr.write(text) : undefined;
simulatorCli(process.argv.slice(2), (text) => process.stdout.write(`${text}\n`), (text) => process.stderr.write(`${text}\n`), { progress }).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
