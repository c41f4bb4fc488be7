/**
 * Asks each side of a pair what it thinks of a token, and prints the outcomes as a table.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Verdict } from './differential-corpus.js';
import type { DjangoServer } from './django-server.js';
import { call, OPPORTUNITIES, opportunityBody, type TestService } from './test-service.js';

export interface Observation {
  /** 'unexpected' is an answer that is neither an acceptance nor a token refusal (a test failure). */
  readonly verdict: Verdict | 'unexpected';
  readonly status: number;
  /** Why, in a few words: the message or the recorded owner. */
  readonly note: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON body, checked by the tests
  readonly body: any;
}

const firstMessage = (body: unknown): string => {
  if (typeof body !== 'object' || body === null) return String(body).slice(0, 60);
  const { messages, detail } = body as { messages?: { message?: string }[]; detail?: string };
  return messages?.[0]?.message ?? detail ?? JSON.stringify(body).slice(0, 60);
};

/** A DRF answer: 200 accepted, 401 refused, 500 a crash while handling the token (not an acceptance). */
function drfObservation(status: number, body: unknown, acceptedNote: string): Observation {
  if (status === 200) return { verdict: 'accept', status, note: acceptedNote, body };
  if (status === 401) return { verdict: 'refuse', status, note: firstMessage(body), body };
  if (status === 500) return { verdict: 'refuse', status, note: 'server error', body };
  return { verdict: 'unexpected', status, note: firstMessage(body), body };
}

/** simplejwt's verdict on the token alone (JWTStatelessUserAuthentication, no user lookup). */
export async function djangoTokenCheck(django: DjangoServer, token: string): Promise<Observation> {
  const response = await fetch(`${django.baseUrl}/api/auth/token-check/`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // an HTML error page
  }
  // The user_id as Django wrote it (JSON.parse would round integers beyond 2^53).
  const userId = /^\{"user_id":(.*)\}$/s.exec(text)?.[1] ?? '?';
  return drfObservation(response.status, body, `user_id=${userId}`);
}

/** Django's full verdict (JWTAuthentication, which also loads the user by the UUID primary key). */
export async function djangoProfile(django: DjangoServer, token: string): Promise<Observation> {
  const { status, body } = await django.profile(`Bearer ${token}`);
  return drfObservation(status, body, 'user found');
}

/** The service's verdict: POST an opportunity with the token (201, or 401 token_not_valid). */
export async function serviceVerdict(service: TestService, token: string, title: string): Promise<Observation> {
  const response = await call(service.url, 'POST', OPPORTUNITIES, {
    token,
    body: opportunityBody(title.slice(0, 100)),
  });
  const { status, body } = response;
  if (status === 201) return { verdict: 'accept', status, note: `createdBy=${JSON.stringify(body.createdBy)}`, body };
  if (status === 401 && body?.code === 'token_not_valid') {
    const description = /error_description="([^"]*)"/.exec(response.wwwAuthenticate ?? '')?.[1] ?? '';
    return { verdict: 'refuse', status, note: `${String(body.token_error)}: ${description}`, body };
  }
  return { verdict: 'unexpected', status, note: firstMessage(body), body };
}

export type Outcome = 'agree' | 'service stricter' | 'SERVICE ACCEPTS WHAT DJANGO REFUSES' | 'unexpected answer';

export interface Row {
  readonly pair: string;
  readonly name: string;
  readonly tokenCheck: Observation;
  readonly profile: Observation;
  readonly service: Observation;
  readonly outcome: Outcome;
  readonly reason?: string;
  /** Set for a case whose reference verdict depends on a library build (see the corpus). */
  readonly dependsOn?: string;
}

export function outcomeOf(django: Observation, service: Observation): Outcome {
  if (django.verdict === 'unexpected' || service.verdict === 'unexpected') return 'unexpected answer';
  if (django.verdict === service.verdict) return 'agree';
  return service.verdict === 'refuse' ? 'service stricter' : 'SERVICE ACCEPTS WHAT DJANGO REFUSES';
}

const cell = (o: Observation): string => {
  const text = `${o.status} ${o.note}`;
  return (text.length > 80 ? `${text.slice(0, 77)}...` : text).replaceAll('|', '\\|');
};

/** A Markdown table of every case, then the deliberately stricter ones with their reasons. */
export function formatReport(rows: readonly Row[]): string {
  const lines = [
    '| # | pair | case | simplejwt (token check) | Django profile (with user lookup) | service (POST) | outcome |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (row, index) =>
        `| ${index + 1} | ${row.pair} | ${row.name}${row.dependsOn ? ' (build-dependent)' : ''} | ${cell(row.tokenCheck)} | ${cell(row.profile)} | ${cell(row.service)} | ${row.outcome} |`,
    ),
  ];
  const byReason = new Map<string, string[]>();
  for (const row of rows.filter((r) => r.outcome === 'service stricter')) {
    const reason = row.reason ?? '(no reason listed)';
    byReason.set(reason, [...(byReason.get(reason) ?? []), `${row.pair} ${row.name}`]);
  }
  if (byReason.size > 0) lines.push('', 'Deliberately stricter than simplejwt 5.2.2:');
  for (const [reason, names] of byReason) lines.push('', `- ${names.join('; ')}`, `  ${reason}`);
  const dependent = rows.filter((row) => row.dependsOn !== undefined);
  if (dependent.length > 0) lines.push('', `Reference: ${referenceBuild()}. Build-dependent cases seen here:`);
  for (const row of dependent) {
    lines.push(
      `- ${row.pair} ${row.name}: simplejwt ${row.tokenCheck.verdict}, service ${row.service.verdict} (${row.dependsOn})`,
    );
  }
  return lines.join('\n');
}

/** The Debian package versions of the reference stack, when dpkg can tell. */
function referenceBuild(): string {
  try {
    const packages = ['python3-djangorestframework-simplejwt', 'python3-jwt'];
    return execFileSync('dpkg-query', ['-W', '-f', '${Package} ${Version}, ', ...packages])
      .toString()
      .replace(/, $/, '');
  } catch {
    return 'package versions unknown (no dpkg-query)';
  }
}

/** Also kept in tests/interop/.work/ (git-ignored) for the docs. */
export async function writeReport(report: string): Promise<string> {
  const dir = fileURLToPath(new URL('../.work/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const file = `${dir}differential.md`;
  await writeFile(file, `${report}\n`);
  return file;
}
