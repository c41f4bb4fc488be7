// Preloaded with --import by the start-up memory test: writes a line to stderr for each call of
// the gc that --expose-gc exposes, with its options, then runs it.
const gc = globalThis.gc;
if (gc) {
  globalThis.gc = (...args) => {
    process.stderr.write(`gc called ${JSON.stringify(args)}\n`);
    return gc(...args);
  };
}
