import { createOpportunitiesClient, MemoryTokenStore } from '../../clients/typescript/src/index.js';

const PATH = '/api/v1/opportunities';

export type RequestClass = 'plain create' | 'keyed create' | 'get by id' | 'list' | 'client read' | 'client create';
export const PLAIN_CLASSES: readonly RequestClass[] = ['plain create', 'keyed create', 'get by id', 'list'];

export interface Outcome {
  readonly kind: RequestClass;
  readonly startedAt: number;
  readonly endedAt: number;
  /** HTTP status; 0 when the call failed without an answer. */
  readonly status: number;
  /** The created row's id (acknowledged creates) and its title (every create). */
  readonly id?: string;
  readonly title?: string;
}

/**
 * Clients hammering the service while its database fails over: per class, `workers` loops that
 * send one request after another and never retry (plain and keyed creates, GET by id, list), and
 * optionally loops using the typed client, which retries what is safe to repeat.
 */
export class FailoverLoad {
  readonly outcomes: Outcome[] = [];
  private running = true;
  private readonly loops: Promise<void>[] = [];
  private seq = 0;
  private readonly client: ReturnType<typeof createOpportunitiesClient>;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly knownIds: readonly string[],
    private readonly tag: string,
  ) {
    this.client = createOpportunitiesClient({
      baseUrl,
      djangoBaseUrl: 'http://127.0.0.1:9',
      tokenStore: new MemoryTokenStore({ access: token, refresh: 'unused' }),
    });
  }

  start(workers: number, typedClientWorkers = 0): void {
    for (let w = 0; w < workers; w += 1) {
      for (const kind of PLAIN_CLASSES) this.loops.push(this.loop(kind, () => this.plain(kind)));
    }
    for (let w = 0; w < typedClientWorkers; w += 1) {
      this.loops.push(this.loop('client read', () => this.typed('client read')));
      this.loops.push(this.loop('client create', () => this.typed('client create')));
    }
  }

  async stop(): Promise<Outcome[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.outcomes;
  }

  private async loop(kind: RequestClass, send: () => Promise<Omit<Outcome, 'kind' | 'startedAt' | 'endedAt'>>) {
    while (this.running) {
      const startedAt = Date.now();
      let result: Omit<Outcome, 'kind' | 'startedAt' | 'endedAt'>;
      try {
        result = await send();
      } catch {
        result = { status: 0 };
      }
      this.outcomes.push({ kind, startedAt, endedAt: Date.now(), ...result });
    }
  }

  private title(kind: string): string {
    this.seq += 1;
    return `${this.tag} ${kind} ${this.seq}`;
  }

  private async plain(kind: RequestClass) {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (kind === 'get by id' || kind === 'list') {
      const id = this.knownIds[this.seq++ % this.knownIds.length] as string;
      const response = await fetch(`${this.baseUrl}${kind === 'list' ? PATH : `${PATH}/${id}`}`, { headers });
      await response.arrayBuffer();
      return { status: response.status };
    }
    const title = this.title(kind);
    if (kind === 'keyed create') headers['idempotency-key'] = `key-${title}`;
    headers['content-type'] = 'application/json';
    const body = JSON.stringify({ title, description: 'Sent during a failover.', category: 'failover' });
    const response = await fetch(`${this.baseUrl}${PATH}`, { method: 'POST', headers, body });
    const answer = (await response.json()) as { id?: string };
    return { status: response.status, title, ...(response.status === 201 && answer.id ? { id: answer.id } : {}) };
  }

  private async typed(kind: 'client read' | 'client create') {
    if (kind === 'client read') {
      const { response } = await this.client.api.GET(PATH);
      return { status: response.status };
    }
    const title = this.title(kind);
    const { response, data } = await this.client.api.POST(PATH, {
      body: { title, description: 'Sent by the typed client during a failover.', category: 'failover' },
    });
    return { status: response.status, title, ...(data?.id ? { id: data.id } : {}) };
  }
}

/** The p-th percentile of the latencies (ms) of the outcomes. */
export function percentile(outcomes: readonly Outcome[], p: number): number {
  const sorted = outcomes.map((o) => o.endedAt - o.startedAt).sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Count of outcomes per class and status, e.g. `{ 'plain create': { 201: 500, 503: 3 } }`. */
export function statusesByClass(outcomes: readonly Outcome[]): Record<string, Record<number, number>> {
  const table: Record<string, Record<number, number>> = {};
  for (const { kind, status } of outcomes) {
    const row = (table[kind] ??= {});
    row[status] = (row[status] ?? 0) + 1;
  }
  return table;
}
