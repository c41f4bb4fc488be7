import { expect } from 'chai';
import { MikroORM } from '@mikro-orm/postgresql';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { PostgresOpportunityRepository } from '../../../../src/adapters/postgres/opportunities/postgres-opportunity-repository.js';
import {
  PostgresOpportunitySearch,
  SEARCH_LIMITS,
} from '../../../../src/adapters/postgres/search/postgres-opportunity-search.js';
import { SearchOpportunities } from '../../../../src/application/opportunity/search-opportunities.use-case.js';
import type { OpportunityFilters } from '../../../../src/domain/opportunity/opportunity-repository.port.js';
import { anOpportunity } from '../../../support/builders.js';
import { testDatabaseUrl } from '../../../support/test-database.js';

type Row = [title: string, description: string, extra?: Parameters<typeof anOpportunity>[0]];

/** A fixed corpus; the first row is the newest. */
const CORPUS: Row[] = [
  ['Dog sitter', 'Look after a calm dog during holidays.', { category: 'animals' }],
  ['Python mentor for teenagers', 'Teach Python basics after school.', { category: 'tech', tags: ['coding'] }],
  [
    'Python developer volunteer',
    'Help a nonprofit maintain its Django website.',
    { category: 'tech', tags: ['remote'] },
  ],
  [
    'Mentor for young entrepreneurs',
    'Share business experience; some Python scripting is a plus.',
    { category: 'business' },
  ],
  [
    'Beach clean-up volunteers',
    'Collect plastic on the beach every Saturday.',
    { category: 'environment', location: 'Lisbon' },
  ],
  ['Beekeeping assistant', 'Look after hives in the city park.', { category: 'environment' }],
  ['Café barista for charity', 'Serve coffee at our community café.', { category: 'hospitality', location: 'Kraków' }],
  ['Cafeteria helper', 'Prepare lunches for the school cafeteria.', { category: 'hospitality', location: 'Lyon' }],
  ['Grand piano mover', 'Carry a grand piano to the concert hall stage.', { category: 'events' }],
  ['Piano teacher', 'Weekly piano lessons for beginners; a grand opportunity.', { category: 'music' }],
  ['Stage crew for summer festival', 'Lights, sound and building.', { category: 'events', status: 'closed' }],
  ['Volunteer translator', 'Translate leaflets from Portuguese.', { category: 'community', tags: ['language'] }],
  ['Volunteering coordinator', 'Coordinate helpers at the food bank.', { category: 'community' }],
  ['Dog walker', 'Walk friendly dogs twice a week.', { category: 'animals' }],
  ['Chess club tutor', 'Teach chess strategy to children.', { category: 'education', tags: ['kids'] }],
  ['Math tutor', 'Help students prepare for exams.', { category: 'education' }],
];

interface Judgement {
  readonly why: string;
  readonly q: string;
  readonly filters?: OpportunityFilters;
  /** The expected results in order; `top` judges only the first ones. */
  readonly expected: readonly string[];
  readonly top?: boolean;
  readonly suggestion?: string | null;
}

const JUDGEMENTS: Judgement[] = [
  {
    why: 'all words in the title, then all words anywhere, then some words',
    q: 'python mentor ',
    expected: ['Python mentor for teenagers', 'Mentor for young entrepreneurs', 'Python developer volunteer'],
    suggestion: null,
  },
  {
    why: 'as-you-type: both words as typed so far',
    q: 'pyth men',
    expected: ['Python mentor for teenagers'],
    top: true,
  },
  { why: 'as-you-type: three letters', q: 'bea', expected: ['Beach clean-up volunteers'] },
  { why: 'a finished word is not a prefix', q: 'bea ', expected: [] },
  {
    why: 'typo: swapped letters, exact-only words rank as usual, suggestion given',
    q: 'pyhton ',
    expected: ['Python mentor for teenagers', 'Python developer volunteer', 'Mentor for young entrepreneurs'],
    suggestion: 'python',
  },
  {
    why: 'typos in two words',
    q: 'pyhton mentr ',
    expected: ['Python mentor for teenagers', 'Mentor for young entrepreneurs'],
    top: true,
    suggestion: 'python mentor',
  },
  {
    why: 'typo in a 9-letter word, stemmed matches (all in titles: newest first)',
    q: 'voluntear ',
    expected: [
      'Python developer volunteer',
      'Beach clean-up volunteers',
      'Volunteer translator',
      'Volunteering coordinator',
    ],
    suggestion: 'volunteer',
  },
  {
    why: 'exact matches above corrected ones',
    q: 'pyhton or dog ',
    expected: ['Dog sitter', 'Dog walker', 'Python mentor for teenagers', 'Python developer volunteer'],
    top: true,
  },
  { why: 'no typo tolerance under 5 letters', q: 'pian ', expected: [], suggestion: null },
  { why: 'too many typos for 6 letters', q: 'ptyhno ', expected: [], suggestion: null },
  { why: 'accent-insensitive', q: 'cafe ', expected: ['Café barista for charity'] },
  { why: 'accent-insensitive the other way', q: 'CAFÉTÉRIA ', expected: ['Cafeteria helper'] },
  { why: 'accent-insensitive prefix', q: 'café', expected: ['Café barista for charity', 'Cafeteria helper'] },
  { why: 'title above description', q: 'stage ', expected: ['Stage crew for summer festival', 'Grand piano mover'] },
  { why: 'phrase', q: '"grand piano"', expected: ['Grand piano mover'] },
  { why: 'exclusion', q: 'piano -stage ', expected: ['Piano teacher'] },
  { why: 'or', q: 'chess or math ', expected: ['Chess club tutor', 'Math tutor'] },
  { why: 'equal relevance: newest first', q: 'dog ', expected: ['Dog sitter', 'Dog walker'] },
  {
    why: 'filter: category',
    q: 'volunteer ',
    filters: { category: 'community' },
    expected: ['Volunteer translator', 'Volunteering coordinator'],
  },
  { why: 'filter: status', q: 'stage ', filters: { status: 'closed' }, expected: ['Stage crew for summer festival'] },
  {
    why: 'filter: location, accents folded',
    q: 'cafe',
    filters: { location: 'krakow' },
    expected: ['Café barista for charity'],
  },
  { why: 'filter: location, case folded', q: 'cafe', filters: { location: 'LYON' }, expected: ['Cafeteria helper'] },
  { why: 'filter: tag', q: 'python ', filters: { tag: 'remote' }, expected: ['Python developer volunteer'] },
  { why: 'nothing: unknown word', q: 'saxophone ', expected: [], suggestion: null },
  { why: 'nothing: stop words only', q: 'the ', expected: [] },
  { why: 'nothing: punctuation only', q: '--- !!! ', expected: [] },
  { why: 'nothing: everything excluded', q: 'dog -dog ', expected: [] },
];

describe('Search quality: judged queries on a fixed corpus (PostgreSQL)', () => {
  let orm: MikroORM;
  let search: SearchOpportunities;
  /**
   * A one-row recent window: were it read (only when the tiers overflow the cap, which this corpus
   * never does), every older row would come through the indexes. The rankings must not depend on it.
   */
  let throughIndexes: SearchOpportunities;

  before(async () => {
    orm = await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    await orm.em
      .getConnection()
      .execute('truncate opportunity, search_vocabulary, search_vocabulary_variant, search_title_posting');
    const repository = new PostgresOpportunityRepository(orm);
    for (const [index, [title, description, extra]] of CORPUS.entries()) {
      await repository.add(
        anOpportunity({ title, description, tags: [], location: null, ...extra, minutesAgo: index }),
      );
    }
    search = new SearchOpportunities(new PostgresOpportunitySearch(orm));
    throughIndexes = new SearchOpportunities(new PostgresOpportunitySearch(orm, { ...SEARCH_LIMITS, recentWindow: 1 }));
  });
  after(async () => orm.close());

  for (const judgement of JUDGEMENTS) {
    for (const [path, engine] of [
      ['recent window', () => search],
      ['GIN tiers', () => throughIndexes],
    ] as const) {
      it(`${judgement.why}: ${JSON.stringify(judgement.q)} (${path})`, async () => {
        const page = await engine().execute(judgement.q, judgement.filters ?? {}, { limit: 20 });
        const titles = page.items.map((hit) => hit.opportunity.title);
        expect(judgement.top ? titles.slice(0, judgement.expected.length) : titles).to.deep.equal(judgement.expected);
        if (judgement.suggestion !== undefined) expect(page.suggestion).to.equal(judgement.suggestion);
      });
    }
  }

  it('ranks a bounded candidate set: title matches fill the cap before description-only ones are read', async () => {
    const limits = {
      recentWindow: 1,
      titleWalk: 2_000,
      full: { candidates: 2, scanBudget: 3 },
      suggest: { candidates: 1, scanBudget: 1 },
    };
    const capped = new SearchOpportunities(new PostgresOpportunitySearch(orm, limits));
    const all = await search.execute('stage ', {}, { limit: 20 });
    expect(all.items).to.have.length(2);
    const first = await capped.execute('piano or stage or dog ', {}, { limit: 1 });
    expect(first.next).to.not.equal(null);
    const second = await capped.execute('piano or stage or dog ', {}, { limit: 5, cursor: first.next ?? undefined });
    // Four titles match; only two candidates are ranked, so paging ends after two.
    expect(first.items.length + second.items.length).to.equal(2);
    expect(second.next).to.equal(null);
  });

  it('highlights matched words (accents folded, prefixes, corrections) as text runs, description as a snippet', async () => {
    const [cafe] = (await search.execute('cafe ', {}, { limit: 1 })).items;
    expect(cafe?.highlight.title).to.deep.equal([
      { text: 'Café', match: true },
      { text: ' barista for charity', match: false },
    ]);
    expect(cafe?.highlight.description.filter((run) => run.match).map((run) => run.text)).to.deep.equal(['café']);
    const [typed] = (await search.execute('pyhton men', {}, { limit: 1 })).items;
    expect(typed?.highlight.title.filter((run) => run.match).map((run) => run.text)).to.deep.equal([
      'Python',
      'mentor',
    ]);
  });
});
