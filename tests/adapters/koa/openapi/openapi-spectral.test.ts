/**
 * Spectral lints the contract with the repository's ruleset (.spectral.yaml), next to the Redocly
 * lint of openapi-document.test.ts: any error or warning fails, and each finding is printed.
 *
 * Spectral runs in this process (core, built-in rulesets, parser) rather than as a child
 * `spectral lint`: that spares a second Node start and the CLI's ruleset bundler (rollup), and
 * gives the findings as data instead of output to parse back. The ruleset file is read here, not
 * through that bundler, whose types also pull the DOM library into the whole typecheck; this
 * reader takes only what the file holds (built-in `extends`) and refuses anything else rather
 * than ignore it. Same rules, same findings as `npx spectral lint` with that file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Document, type ISpectralDiagnostic, Ruleset, Spectral } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { expect } from 'chai';
import { parse } from 'yaml';
import { openApiDocument } from '../../../../src/adapters/koa/openapi/openapi-document.js';

const RULESET_FILE = fileURLToPath(new URL('../../../../.spectral.yaml', import.meta.url));
/** Spectral's names for its own rulesets; the `Ruleset` constructor validates what it is given. */
const BUILT_IN_RULESETS: Record<string, unknown> = { 'spectral:oas': oas };

/** `.spectral.yaml` as the CLI reads it, with its `recommended` severities, as long as it only extends built-ins. */
function repositoryRuleset(): Ruleset {
  const file = parse(readFileSync(RULESET_FILE, 'utf8')) as Record<string, unknown>;
  const names = [file.extends].flat();
  const unknownKeys = Object.keys(file).filter((key) => key !== 'extends');
  const unknownNames = names.filter((name) => typeof name !== 'string' || !Object.hasOwn(BUILT_IN_RULESETS, name));
  if (unknownKeys.length > 0 || unknownNames.length > 0) {
    throw new Error(
      `.spectral.yaml: this test reads only \`extends\` of ${Object.keys(BUILT_IN_RULESETS).join(', ')}; ` +
        `teach it ${JSON.stringify([...unknownKeys, ...unknownNames])}`,
    );
  }
  const definition = { extends: names.map((name) => BUILT_IN_RULESETS[name as string]) };
  return new Ruleset(definition, { severity: 'recommended', source: RULESET_FILE });
}

/** Spectral's severities: 0 error, 1 warning, 2 information, 3 hint. */
const SEVERITY_NAMES = ['error', 'warning', 'information', 'hint'];
const WARNING = 1;

/** Like Redocly's locations: the severity, the rule, the JSON pointer it is about, and what it says. */
const finding = (result: ISpectralDiagnostic): string =>
  `${SEVERITY_NAMES[result.severity]} ${result.code} ` +
  `#/${result.path.map((key) => String(key).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}: ${result.message}`;

describe('OpenAPI contract: Spectral (.spectral.yaml, extends spectral:oas)', function () {
  this.timeout(60_000);

  let ruleset: Ruleset;
  before(() => {
    ruleset = repositoryRuleset();
  });

  it('loads the OpenAPI rules, so a finding can be reported at all', () => {
    const enabled = Object.values(ruleset.rules)
      .filter((rule) => rule.enabled)
      .map((rule) => rule.name);
    expect(enabled).to.include.members(['operation-description', 'info-contact', 'operation-tag-defined']);
  });

  it('finds no error and no warning in the document the service serves', async () => {
    const spectral = new Spectral();
    spectral.setRuleset(ruleset);
    const source = JSON.stringify(openApiDocument()); // byte for byte what GET /openapi.json answers
    const results = await spectral.run(new Document(source, Json, 'openapi.json'));
    const failing = results.filter((result) => result.severity <= WARNING);
    expect(failing.map(finding), results.map(finding).join('\n')).to.deep.equal([]);
  });
});
