// `npm start`: compiles the router only when its sources are newer than the last build, then runs it.
// A plain script (not TypeScript) because it must run before anything is compiled.
const path = require('node:path');
const { ensureBuilt } = require('./ensureBuilt');

require(path.join(ensureBuilt(), 'shared', 'hosting', 'main.js'));
