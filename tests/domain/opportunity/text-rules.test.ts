import { expect } from 'chai';
import {
  checkDescription,
  checkTags,
  checkTitle,
  checkUserId,
} from '../../../src/domain/opportunity/opportunity-rules.js';
import { hasVisibleCharacter, textProblem } from '../../../src/domain/opportunity/text-rules.js';
import { collapseNegations } from '../../../src/application/opportunity/search-text.js';

describe('Text rules', () => {
  it('refuses control characters (layout ones only in multi-line text) and lone surrogates', () => {
    for (const bad of ['\u0000', '\u0008', '\u001b', '\u007f', '\u0085', '\u009f']) {
      expect(textProblem(`a${bad}b`, 'single-line'), JSON.stringify(bad)).to.be.a('string');
      expect(textProblem(`a${bad}b`, 'multi-line'), JSON.stringify(bad)).to.be.a('string');
    }
    for (const layout of ['\t', '\n', '\r']) {
      expect(textProblem(`a${layout}b`, 'single-line')).to.be.a('string');
      expect(textProblem(`a${layout}b`, 'multi-line')).to.equal(undefined);
    }
    expect(textProblem('a\ud800b', 'multi-line')).to.contain('lone surrogate');
    expect(textProblem('a\udc00', 'single-line')).to.contain('lone surrogate');
    expect(textProblem('wave \u{1f30a} ok', 'single-line'), 'a surrogate pair is fine').to.equal(undefined);
  });

  it('tells visible text from zero-width, format and combining characters alone', () => {
    expect(hasVisibleCharacter('\u200b\u200c\u200d\u2060\ufeff\u202e\u0301')).to.equal(false);
    for (const visible of ['a', '7', '!', '\u{1f30a}', '\u4e2d', '\u0627'])
      expect(hasVisibleCharacter(visible)).to.equal(true);
  });

  it('applies them per field: titles need visible characters, descriptions keep line breaks', () => {
    expect(checkTitle('\u200b\u200b')).to.deep.equal({
      ok: false,
      message: 'must contain at least one visible character',
    });
    expect(checkTitle('\ufeffBeach\ufeff')).to.deep.equal({ ok: true, value: 'Beach' });
    expect(checkDescription('one\ntwo')).to.deep.equal({ ok: true, value: 'one\ntwo' });
    expect(checkTags(['ok', 'b\u0000d']).ok).to.equal(false);
    expect(checkUserId('user\u0000')).to.have.property('ok', false);
  });

  it('collapses runs of minus signs to their meaning', () => {
    expect(collapseNegations('a --b')).to.equal('a  b');
    expect(collapseNegations('a ---b')).to.equal('a  -b');
    expect(collapseNegations('a - - -b')).to.equal('a  -b');
    expect(collapseNegations('well-known -b')).to.equal('well-known -b');
    expect(collapseNegations('-'.repeat(200))).to.equal(' ');
  });
});
