// Preloaded (`--import`) into a service process by the graceful-shutdown test: holds
// process.exit(code) until the test writes a line to the child's stdin, so the test can look at
// what the process left open (database sessions) at the very moment it decided to exit.
const exit = process.exit.bind(process);
process.exit = (code) => {
  process.stderr.write(`exit-gate: exit(${code ?? ''}) held\n`);
  process.stdin.once('data', () => exit(code));
  process.stdin.resume();
  return undefined;
};
