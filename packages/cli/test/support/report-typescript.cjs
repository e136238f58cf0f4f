// Preloaded with `node --require` by backend-imports.test.ts: at exit, says on stderr whether this
// process loaded TypeScript's compiler (by require, or an import that went through the CommonJS loader).
const Module = require('node:module');
let requested = false;
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'typescript') requested = true;
  return load.call(this, request, ...rest);
};
process.on('exit', () => {
  const cached = Object.keys(Module._cache).some((path) => /[\\/]typescript[\\/]lib[\\/]typescript\.js$/.test(path));
  process.stderr.write(`\ntypescript loaded: ${requested || cached}\n`);
});
