import { expect } from 'chai';
import { SKIP_REASON } from '../support/loud-skip.js';
import { rejection } from '../support/rejection.js';
import { DJANGO_MISSING, isCi, requireDjango } from './support/django-guard.js';

describe('interop suites without Django installed', () => {
  const missing = () => Promise.resolve(false);
  const present = () => Promise.resolve(true);

  /** Stands in for mocha's `this` inside a suite's before() hook. */
  function hookContext() {
    const suite: Record<symbol, unknown> = {};
    const calls = { skipped: 0 };
    return { suite, calls, context: { test: { type: 'hook', parent: suite }, skip: () => void (calls.skipped += 1) } };
  }

  it('fail in CI with the install command', async () => {
    const { calls, context } = hookContext();
    const failure = await rejection(requireDjango(context, missing, { CI: 'true' }));
    expect(failure).to.be.instanceOf(Error);
    expect((failure as Error).message).to.contain(DJANGO_MISSING);
    expect(DJANGO_MISSING).to.contain('tests/interop/install-django.sh');
    expect(calls.skipped).to.equal(0);
  });

  it('are skipped outside CI, with the reason recorded for the closing summary', async () => {
    const { suite, calls, context } = hookContext();
    await requireDjango(context, missing, {});
    expect(calls.skipped).to.equal(1);
    expect(suite[SKIP_REASON]).to.equal(DJANGO_MISSING);
  });

  it('run normally when Django is importable, in CI or not', async () => {
    for (const env of [{ CI: 'true' }, {}]) {
      const { suite, calls, context } = hookContext();
      await requireDjango(context, present, env);
      expect(calls.skipped).to.equal(0);
      expect(suite[SKIP_REASON]).to.equal(undefined);
    }
  });

  it('recognise CI from the CI variable', () => {
    expect(isCi({ CI: 'true' })).to.equal(true);
    expect(isCi({ CI: '1' })).to.equal(true);
    expect(isCi({ CI: 'false' })).to.equal(false);
    expect(isCi({ CI: '0' })).to.equal(false);
    expect(isCi({ CI: '' })).to.equal(false);
    expect(isCi({})).to.equal(false);
  });
});
