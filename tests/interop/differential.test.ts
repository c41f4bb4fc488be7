/**
 * Differential test: every token of the corpus goes to simplejwt (a real Django) and to the
 * service, configured alike. They must agree, except where the service is deliberately stricter
 * (listed below with the reason). The service accepting a token simplejwt refuses is a bug.
 */
import { expect } from 'chai';
import { HS_CORPUS, RS_CORPUS, type CorpusCase } from './support/differential-corpus.js';
import { type DifferentialPairs, type Pair, startDifferentialPairs } from './support/differential-pairs.js';
import {
  djangoProfile,
  djangoTokenCheck,
  formatReport,
  type Observation,
  outcomeOf,
  type Row,
  serviceVerdict,
  writeReport,
} from './support/differential-report.js';
import { requireDjango } from './support/django-guard.js';

const summary = (o: Observation): string => `${o.status} (${o.note})`;

const OWNER_ID =
  'The service has no user table: the user_id claim becomes the owner (createdBy) of what the request creates, ' +
  'so only a non-empty string of at most 255 characters or a safe integer (exact in JavaScript) is accepted. ' +
  'simplejwt only checks that the claim is present; Django then fails the user lookup (401 "User not found" or a 500).';
const TOKEN_ID =
  'The jti must be a non-empty string of at most 255 characters (the service logs it to trace a token); ' +
  'simplejwt only checks that it is present and always issues 32 hex characters.';
const CANONICAL =
  'A compact JWS is exactly three base64url segments (RFC 7515 section 7.1); PyJWT splits at the first and last ' +
  'dot and its base64 decoder drops characters outside the alphabet, so it accepts re-encodings the issuer never ' +
  'produced. Only a key holder can make them, but the service accepts the canonical encoding only.';

/** Case name → why the service refuses a token simplejwt 5.2.2 accepts. */
export const DELIBERATELY_STRICTER: Readonly<Record<string, string>> = {
  'user_id object': OWNER_ID,
  'user_id array': OWNER_ID,
  'user_id empty string': OWNER_ID,
  'user_id true': OWNER_ID,
  'user_id float': OWNER_ID,
  'user_id null': OWNER_ID,
  'user_id of 256 characters': OWNER_ID,
  'user_id integer beyond 2^53 (not exact in JavaScript)': OWNER_ID,
  'nbf as a numeric string, in the past':
    'NumericDate claims must be JSON numbers (RFC 7519 section 2); jose refuses a string. PyJWT converts nbf with ' +
    'int() (and crashes with a 500 on a string exp or iat). simplejwt never emits nbf.',
  'payload JSON in UTF-16 (signed)':
    "The claims set must be UTF-8 JSON (RFC 7519 section 7.2); Python's json.loads also guesses UTF-16/32 from the " +
    'bytes. simplejwt always emits UTF-8.',
  'jti as a number': TOKEN_ID,
  'jti empty string': TOKEN_ID,
  'crit header naming an unknown extension':
    'RFC 7515 section 4.1.11: a recipient must refuse a token whose "crit" names an extension it does not ' +
    'understand. PyJWT 2.6.0 as first packaged ignores "crit" (there the service is stricter); with the ' +
    'CVE-2026-32597 fix (Debian 2.6.0-1+deb12u1) PyJWT refuses it too and both agree. simplejwt never emits it.',
  'stray "*" inside the payload segment (signed)': CANONICAL,
  'signature with non-zero unused trailing bits (same bytes)':
    'RFC 4648 section 3.5 lets a decoder refuse non-zero unused bits, and the service does: otherwise anyone holding a ' +
    'token (no key needed) can re-spell its signature into other strings that verify, which defeats anything keyed ' +
    'by the token text (caches, deny lists, logs). PyJWT decodes leniently and accepts them; simplejwt never emits them.',
  'base64 "==" padding on the payload segment (signed)': CANONICAL,
  '4 segments: payload split by a dot (signed)': CANONICAL,
  '5 segments: payload split by two dots (signed)': CANONICAL,
  'oversized: 10 KB padding claim':
    'JWT_MAX_TOKEN_BYTES (8192 by default) bounds the work per request before any decoding; a simplejwt access ' +
    'token is about 400 bytes, so a larger token is not one Django issued through the normal login.',
};

describe('differential: the service and simplejwt 5.2.2 on a token corpus', function () {
  this.timeout(60_000);
  const rows: Row[] = [];
  let pairs: DifferentialPairs | undefined;

  before(async function () {
    await requireDjango(this);
    pairs = await startDifferentialPairs();
  });

  after(async () => {
    if (rows.length > 0) {
      const report = formatReport(rows);
      console.log(`\n${report}\n\n(also written to ${await writeReport(report)})`);
    }
    await pairs?.stop();
  });

  it('lists as deliberately stricter only cases of the corpus', () => {
    const names = new Set([...HS_CORPUS, ...RS_CORPUS].map((testCase) => testCase.name));
    expect(Object.keys(DELIBERATELY_STRICTER).filter((name) => !names.has(name))).to.deep.equal([]);
  });

  const corpora: [string, readonly CorpusCase[], () => Pair][] = [
    ['HS256', HS_CORPUS, () => pairs!.hs],
    ['RS256', RS_CORPUS, () => pairs!.rs],
  ];
  for (const [pairName, corpus, pairOf] of corpora) {
    describe(`${pairName} pair`, () => {
      for (const testCase of corpus) {
        const title = testCase.dependsOn ? `${testCase.name} [reference verdict depends on the build]` : testCase.name;
        it(title, async function () {
          const { django, service, context } = pairOf();
          const token = testCase.token(context);
          const [tokenCheck, profile, verdict] = await Promise.all([
            djangoTokenCheck(django, token),
            djangoProfile(django, token),
            serviceVerdict(service, token, `Differential ${pairName}: ${testCase.name}`),
          ]);
          // Second sight of the same token: an accepted one now comes from the verified-token cache
          // (JWT_VERIFIED_CACHE_SIZE), and must get exactly the verdict jose gave it.
          const again = await serviceVerdict(service, token, `Differential ${pairName} again: ${testCase.name}`);
          expect(again.verdict, `second sight of the token: ${summary(again)} after ${summary(verdict)}`).to.equal(
            verdict.verdict,
          );
          const outcome = outcomeOf(tokenCheck, verdict);
          const reason = DELIBERATELY_STRICTER[testCase.name];
          rows.push({
            pair: pairName,
            name: testCase.name,
            tokenCheck,
            profile,
            service: verdict,
            outcome,
            ...(reason ? { reason } : {}),
            ...(testCase.dependsOn ? { dependsOn: testCase.dependsOn } : {}),
          });

          const shown = `simplejwt ${summary(tokenCheck)}, Django profile ${summary(profile)}, service ${summary(verdict)}`;
          // The corpus states what simplejwt does; the real Django must confirm it, unless the case
          // says the verdict depends on the library build: then either is the reference's answer.
          if (testCase.dependsOn) {
            expect(tokenCheck.verdict, `simplejwt's verdict: ${shown}`).to.be.oneOf(['accept', 'refuse']);
            this.test!.title = `${testCase.name} [build-dependent; simplejwt here: ${tokenCheck.verdict}]`;
          } else {
            expect(tokenCheck.verdict, `simplejwt's verdict: ${shown}`).to.equal(testCase.simplejwt);
          }
          // Loading the user can only refuse more.
          if (profile.verdict === 'accept') expect(tokenCheck.verdict).to.equal('accept');
          expect(verdict.verdict, `the service answered neither 201 nor 401 token_not_valid: ${shown}`).to.not.equal(
            'unexpected',
          );
          if (verdict.verdict === 'accept') {
            expect(tokenCheck.verdict, `BUG: the service accepts a token simplejwt refuses: ${shown}`).to.equal(
              'accept',
            );
            expect(verdict.body.createdBy).to.equal(testCase.createdBy ?? context.userId);
          }
          if (outcome === 'service stricter') {
            expect(
              reason,
              `the service refuses a token simplejwt accepts, and DELIBERATELY_STRICTER has no reason: ${shown}`,
            ).to.be.a('string');
          } else if (!testCase.dependsOn) {
            // A build-dependent case keeps its reason: it applies where the reference accepts.
            expect(reason, 'listed in DELIBERATELY_STRICTER but the service agrees with simplejwt: remove it').to.equal(
              undefined,
            );
          }
        });
      }
    });
  }
});
