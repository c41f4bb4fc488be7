import { expect } from 'chai';
import { highlightMatches, queryLexemes, snippet } from '../../../../src/adapters/postgres/search/highlight-runs.js';

const marked = (runs: readonly { text: string; match: boolean }[]) =>
  runs.filter((run) => run.match).map((run) => run.text);

describe('Highlight runs from the query lexemes', () => {
  it('marks the words whose stem is a query lexeme, text otherwise untouched', () => {
    const runs = highlightMatches(
      'Teach <b>kids</b> Python, mentoring teens.',
      queryLexemes(['kid', 'python', 'mentor']),
    );
    expect(runs).to.deep.equal([
      { text: 'Teach <b>', match: false },
      { text: 'kids', match: true },
      { text: '</b> ', match: false },
      { text: 'Python', match: true },
      { text: ', ', match: false },
      { text: 'mentoring', match: true },
      { text: ' teens.', match: false },
    ]);
    expect(highlightMatches('', queryLexemes(['kid']))).to.deep.equal([]);
    expect(highlightMatches('no match', queryLexemes(['kid']))).to.deep.equal([{ text: 'no match', match: false }]);
    expect(highlightMatches('nothing asked', queryLexemes([]))).to.deep.equal([
      { text: 'nothing asked', match: false },
    ]);
  });

  it('folds case and accents as the text search configuration does (unaccent, lower case)', () => {
    expect(
      marked(highlightMatches('Café in Straße, CAFÉS and Smørrebrød', queryLexemes(['cafe', 'strass', 'smorrebrod']))),
    ).to.deep.equal(['Café', 'Straße', 'CAFÉS', 'Smørrebrød']);
  });

  it('marks numbers and adjacent words as separate runs', () => {
    expect(highlightMatches('python mentor 2026', queryLexemes(['python', 'mentor', '2026']))).to.deep.equal([
      { text: 'python', match: true },
      { text: ' ', match: false },
      { text: 'mentor', match: true },
      { text: ' ', match: false },
      { text: '2026', match: true },
    ]);
  });

  it('keeps short texts whole and cuts long ones around the first match at spaces', () => {
    const short = highlightMatches('a b c', queryLexemes(['b']));
    expect(snippet(short)).to.deep.equal(short);
    const long = highlightMatches(
      `${'lorem ipsum '.repeat(30)}piano ${'dolor sit '.repeat(40)}`,
      queryLexemes(['piano']),
    );
    const cut = snippet(long, { length: 100, before: 30 });
    expect(cut[0]).to.deep.equal({ text: '…', match: false });
    expect(cut[cut.length - 1]).to.deep.equal({ text: '…', match: false });
    expect(marked(cut)).to.deep.equal(['piano']);
    const inner = cut
      .slice(1, -1)
      .map((run) => run.text)
      .join('');
    expect(inner.length).to.be.at.most(100);
    expect(inner.startsWith('lorem') || inner.startsWith('ipsum')).to.equal(true);
  });
});
