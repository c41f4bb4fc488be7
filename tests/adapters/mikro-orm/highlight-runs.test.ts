import { expect } from 'chai';
import { highlightRuns, snippet } from '../../../src/adapters/mikro-orm/search/highlight-runs.js';

describe('Highlight runs from ts_headline output', () => {
  it('cuts marked text into runs, marks stripped, text otherwise untouched', () => {
    expect(highlightRuns('Teach <b>\u0001kids\u0002</b> \u0001Python\u0002.')).to.deep.equal([
      { text: 'Teach <b>', match: false },
      { text: 'kids', match: true },
      { text: '</b> ', match: false },
      { text: 'Python', match: true },
      { text: '.', match: false },
    ]);
    expect(highlightRuns('')).to.deep.equal([]);
    expect(highlightRuns('no match')).to.deep.equal([{ text: 'no match', match: false }]);
  });

  it('keeps short texts whole and cuts long ones around the first match at spaces', () => {
    const short = highlightRuns('a \u0001b\u0002 c');
    expect(snippet(short)).to.deep.equal(short);
    const long = highlightRuns(`${'lorem ipsum '.repeat(30)}\u0001piano\u0002 ${'dolor sit '.repeat(40)}`);
    const cut = snippet(long, { length: 100, before: 30 });
    expect(cut[0]).to.deep.equal({ text: '…', match: false });
    expect(cut[cut.length - 1]).to.deep.equal({ text: '…', match: false });
    expect(cut.filter((run) => run.match).map((run) => run.text)).to.deep.equal(['piano']);
    const inner = cut
      .slice(1, -1)
      .map((run) => run.text)
      .join('');
    expect(inner.length).to.be.at.most(100);
    expect(inner.startsWith('lorem') || inner.startsWith('ipsum')).to.equal(true);
  });
});
