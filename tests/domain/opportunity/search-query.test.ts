import { expect } from 'chai';
import { correctedText, parseSearchQuery } from '../../../src/domain/opportunity/search/search-query.js';
import {
  corrections,
  typoDistance,
  typosAllowed,
  typosToCorrect,
} from '../../../src/domain/opportunity/search/typo-rules.js';

const word = (text: string, prefix = false) => ({ words: [text], prefix });

describe('Search query parsing (web-search syntax)', () => {
  it('reads words, phrases, exclusions and or', () => {
    expect(parseSearchQuery('python "grand piano" -stage or ')).to.deep.equal({
      clauses: [{ alternatives: [word('python')] }, { alternatives: [{ words: ['grand', 'piano'], prefix: false }] }],
      excluded: [word('stage')],
    });
    expect(parseSearchQuery('cats or dogs birds ').clauses).to.deep.equal([
      { alternatives: [word('cats'), word('dogs')] },
      { alternatives: [word('birds')] },
    ]);
    expect(parseSearchQuery('-"loud music" quiet ').excluded).to.deep.equal([
      { words: ['loud', 'music'], prefix: false },
    ]);
  });

  it('makes only the last word, while typed, a prefix', () => {
    expect(parseSearchQuery('pyth men').clauses.map((c) => c.alternatives[0])).to.deep.equal([
      word('pyth'),
      word('men', true),
    ]);
    expect(parseSearchQuery('pyth men ').clauses[1]?.alternatives[0]).to.deep.equal(word('men'));
    expect(parseSearchQuery('"grand piano"').clauses[0]?.alternatives[0]?.prefix).to.equal(false);
    expect(parseSearchQuery('piano -stag').clauses[0]?.alternatives[0]?.prefix).to.equal(false);
  });

  it('turns any text into plain words: no query syntax survives, nothing throws', () => {
    for (const text of [
      '-'.repeat(200),
      '!!! & | :* ()',
      "'; drop table x; --",
      '"',
      '-"',
      'or or or',
      '\u0000\u0001',
    ]) {
      const query = parseSearchQuery(text);
      for (const term of [...query.clauses.flatMap((c) => c.alternatives), ...query.excluded]) {
        for (const w of term.words) expect(w).to.match(/^[\p{L}\p{N}]+$/u);
      }
    }
    expect(parseSearchQuery('c++ e-mail').clauses).to.deep.equal([
      { alternatives: [word('c')] },
      { alternatives: [{ words: ['e', 'mail'], prefix: false }] },
    ]);
  });

  it('keeps at most ten clauses', () => {
    const many = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    expect(parseSearchQuery(many).clauses).to.have.length(10);
  });

  it('writes the corrected query for a suggestion', () => {
    const query = parseSearchQuery('pyhton mentr ');
    expect(
      correctedText(
        query,
        new Map([
          ['pyhton', 'python'],
          ['mentr', 'mentor'],
        ]),
      ),
    ).to.equal('python mentor');
    expect(correctedText(query, new Map())).to.equal(null);
  });
});

describe('Typo rules', () => {
  it('forgives nothing under 5 letters, one typo from 5, two from 9', () => {
    expect([
      typosAllowed('beac'),
      typosAllowed('beach'),
      typosAllowed('mentoring'),
      typosAllowed('volunteer'),
    ]).to.deep.equal([0, 1, 2, 2]);
    expect(corrections('pian', ['piano'])).to.deep.equal([]);
  });

  it('asks for corrections only of words that can hold a typo, as many as they may hold', () => {
    expect(['beac', 'beach', 'volunteer', 'covid19', 'mentoring!', 'café'].map(typosToCorrect)).to.deep.equal([
      0, 1, 2, 0, 0, 0,
    ]);
    expect(typosToCorrect('kraków')).to.equal(1);
  });

  it('counts insertions, deletions, substitutions and swaps as one typo each', () => {
    expect(typoDistance('pyhton', 'python', 2)).to.equal(1);
    expect(typoDistance('mentr', 'mentor', 2)).to.equal(1);
    expect(typoDistance('voluntear', 'volunteer', 2)).to.equal(1);
    expect(typoDistance('pythno', 'python', 2)).to.equal(1);
    expect(typoDistance('abcdef', 'uvwxyz', 2)).to.equal(3);
  });

  it('keeps candidates within the allowance, nearest first', () => {
    expect(corrections('mentr', ['menu', 'mentor', 'meter', 'mentors', 'menta'])).to.deep.equal(['mentor', 'menta']);
    expect(corrections('voluntear', ['volunteer', 'voluntary', 'volunteers'])).to.deep.equal([
      'volunteer',
      'voluntary',
      'volunteers',
    ]);
    expect(corrections('python', ['python'])).to.deep.equal([]);
  });

  it('bounds each part of a query: 10 excluded terms, 5 alternatives, 10 words in a phrase', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `w${i}`);
    expect(parseSearchQuery(`${eleven.map((w) => `-${w}`).join(' ')} `).excluded).to.have.length(10);
    const six = parseSearchQuery('a1 or b1 or c1 or d1 or e1 or f1 ').clauses;
    expect(six.map((clause) => clause.alternatives.length)).to.deep.equal([5, 1]);
    const phrase = parseSearchQuery(`"${eleven.join(' ')} w11" `).clauses[0]?.alternatives[0]?.words;
    expect(phrase).to.deep.equal(eleven.slice(0, 10));
  });

  it('starts a new clause after an exclusion, and drops tokens without words', () => {
    expect(parseSearchQuery('cats or -dogs birds ')).to.deep.equal({
      clauses: [{ alternatives: [word('cats')] }, { alternatives: [word('birds')] }],
      excluded: [word('dogs')],
    });
    expect(parseSearchQuery('!!! cats "" - ')).to.deep.equal({
      clauses: [{ alternatives: [word('cats')] }],
      excluded: [],
    });
  });
});
