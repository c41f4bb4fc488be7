/**
 * Every response a test receives from a service started by the test helpers goes through the
 * contract: `fetch` is wrapped once for the whole run, responses from registered service origins
 * are checked by the ContractValidator, and a mismatch fails the test that received it (root
 * `afterEach` hook in contract-hooks.ts). The documented responses seen are counted so a full run
 * can also fail on documented statuses that nothing produces.
 */
import { ContractValidator } from './contract-validator.js';

interface RecorderState {
  /** Origin → how many running services answer there (a port can be reused by a later one). */
  readonly origins: Map<string, number>;
  readonly pending: Set<Promise<void>>;
  readonly violations: string[];
  readonly seen: Set<string>;
  validator?: ContractValidator;
  installed: boolean;
}

// Mocha loads the root hooks through a different module loader than the test files, so this
// module can exist twice: the state lives on the global object to be shared by both copies.
const STATE = Symbol.for('opportunities.contract-recorder');
const holder = globalThis as { [STATE]?: RecorderState };
const state: RecorderState = (holder[STATE] ??= {
  origins: new Map(),
  pending: new Set(),
  violations: [],
  seen: new Set(),
  installed: false,
});
const { origins, pending, violations, seen } = state;

export function contractValidator(): ContractValidator {
  state.validator ??= new ContractValidator();
  return state.validator;
}

/**
 * Responses from this base URL (a started service) are checked until the returned function is
 * called when that service stops: a port freed by a stopped service may be taken by another
 * server (Django in the interop suites) whose answers are not this contract's.
 */
export function checkResponsesFrom(baseUrl: string): () => void {
  const origin = new URL(baseUrl).origin;
  origins.set(origin, (origins.get(origin) ?? 0) + 1);
  install();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    const left = (origins.get(origin) ?? 1) - 1;
    if (left > 0) origins.set(origin, left);
    else origins.delete(origin);
  };
}

export function seenResponses(): ReadonlySet<string> {
  return seen;
}

/** Waits for the checks in progress, then hands over (and forgets) the violations found. */
export async function takeViolations(): Promise<string[]> {
  while (pending.size > 0) await Promise.all([...pending]);
  return violations.splice(0);
}

function install(): void {
  if (state.installed) return;
  state.installed = true;
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const response = await original(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (origins.has(url.origin)) {
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      const check = record(method, url, response.clone())
        .catch(
          (error: unknown) => void violations.push(`${method} ${url.pathname}: the check failed: ${String(error)}`),
        )
        .finally(() => pending.delete(check));
      pending.add(check);
    }
    return response;
  };
}

async function record(method: string, url: URL, response: Response): Promise<void> {
  let body: string;
  try {
    body = await response.text();
  } catch {
    return; // the test aborted the request; there is no complete response to judge
  }
  const verdict = contractValidator().check({
    method,
    path: url.pathname,
    status: response.status,
    headers: response.headers,
    body,
  });
  if (verdict.key) seen.add(verdict.key);
  if (verdict.responseRef) seen.add(verdict.responseRef);
  if (verdict.problems.length > 0) {
    violations.push(
      `${method} ${url.pathname}${url.search} → ${response.status}:\n    ${verdict.problems.join('\n    ')}\n    body: ${body.slice(0, 300)}`,
    );
  }
}
