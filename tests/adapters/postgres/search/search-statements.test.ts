import { expect } from 'chai';
import type { SearchDatabase } from '../../../../src/adapters/postgres/schema/database-tables.js';
import type { SearchParams } from '../../../../src/adapters/postgres/search/query/search-parameters.js';
import { searchStatement } from '../../../../src/adapters/postgres/search/ranked/search-statement.js';
import { RECENT_WINDOW } from '../../../../src/adapters/postgres/search/ranked/search-tiers.js';
import { vocabularyStatement } from '../../../../src/adapters/postgres/search/vocabulary/vocabulary-statement.js';
import { compileOnlyKysely } from '../../../support/compile-only-kysely.js';

const db = compileOnlyKysely<SearchDatabase>();

const PARAMS: SearchParams = {
  anyTexts: ["'piano'"],
  exactTexts: ["'piano'"],
  titleTexts: ["'piano':A"],
  tagsTexts: ["'piano':B"],
  all: "'piano'",
  some: "'piano'",
  allInTitles: "'piano':A",
  excluded: '',
  category: 'music',
  status: null,
  location: null,
  tag: null,
  createdBy: null,
  nearLat: null,
  nearLng: null,
  nearRadiusMetres: null,
  titlesOnly: false,
  candidateCap: 500,
  scanBudget: 5000,
  positionRank: null,
  positionCreatedAt: null,
  positionId: null,
  titleIds: null,
  limit: 21,
};

describe('search statements compiled from the typed builder', () => {
  it('names each shape by its text, the same on every build', () => {
    const forward = searchStatement(db, 'forward', RECENT_WINDOW);
    expect(forward.name).to.match(/^search_forward_[0-9a-f]{16}$/);
    expect(searchStatement(db, 'forward', RECENT_WINDOW).name).to.equal(forward.name);
    expect(searchStatement(db, 'backward', RECENT_WINDOW).name).to.match(/^search_backward_/);
    expect(vocabularyStatement(db).name).to.match(/^search_vocabulary_[0-9a-f]{16}$/);
  });

  it('keeps the plan-shaping parts fixed in the text: materialised tsqueries and window, literal bounds', () => {
    const { text } = searchStatement(db, 'forward', 1234);
    for (const cte of ['queries', 'clauses', 'recent']) expect(text).to.contain(`"${cte}" as materialized (`);
    // A literal window keeps the newest-rows walk a fixed-length index scan even in a generic plan.
    expect(text).to.contain('limit 1234)');
    expect(text).to.contain('limit 1 offset 1233)');
    expect(text).to.contain('union all select * from "tier3" limit $');
  });

  it('takes every value from the named parameters (none baked into the statement)', () => {
    const statement = searchStatement(db, 'backward', RECENT_WINDOW);
    const values = statement.values(PARAMS);
    // One `$n` per named parameter, however often the statement uses it.
    const placeholders = new Set(statement.text.match(/\$\d+/g));
    expect(values.length).to.equal(placeholders.size);
    expect(values.length).to.equal(Object.keys(PARAMS).length);
    const given = Object.values(PARAMS).map((value) => JSON.stringify(value));
    for (const value of values) expect(given).to.include(JSON.stringify(value));
    expect(values.filter((value) => value === 'music')).to.have.length(1);
  });
});
