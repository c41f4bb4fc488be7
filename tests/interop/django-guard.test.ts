import { expect } from 'chai';
import { DJANGO_MISSING, isCi, requireDjango } from './support/django-guard.js';

describe('interop suites without Django installed', () => {
  const missing = () => Promise.resolve(false);
  const present = () => Promise.resolve(true);

  function recorder() {
    const calls = { skipped: 0, warnings: [] as string[] };
    return {
      calls,
      context: { skip: () => void (calls.skipped += 1) },
      warn: (message: string) => void calls.warnings.push(message),
    };
  }

  it('fail in CI with the install command', async () => {
    const { calls, context, warn } = recorder();
    let failure: unknown;
    await requireDjango(context, missing, { CI: 'true' }, warn).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error).with.property('message', DJANGO_MISSING);
    expect(DJANGO_MISSING).to.contain('tests/interop/install-django.sh');
    expect(calls.skipped).to.equal(0);
  });

  it('are skipped with a message outside CI', async () => {
    const { calls, context, warn } = recorder();
    await requireDjango(context, missing, {}, warn);
    expect(calls.skipped).to.equal(1);
    expect(calls.warnings.join('\n')).to.contain(DJANGO_MISSING);
  });

  it('run normally when Django is importable, in CI or not', async () => {
    for (const env of [{ CI: 'true' }, {}]) {
      const { calls, context, warn } = recorder();
      await requireDjango(context, present, env, warn);
      expect(calls).to.deep.equal({ skipped: 0, warnings: [] });
    }
  });

  it('recognise CI from the CI variable', () => {
    expect(isCi({ CI: 'true' })).to.equal(true);
    expect(isCi({ CI: '1' })).to.equal(true);
    expect(isCi({ CI: 'false' })).to.equal(false);
    expect(isCi({ CI: '' })).to.equal(false);
    expect(isCi({})).to.equal(false);
  });
});
