import { expect } from 'chai';
import { ForbiddenError, ValidationError } from '../../../src/domain/domain-errors.js';
import { Opportunity } from '../../../src/domain/opportunity/opportunity.js';
import { admin, aDraft, alice, bob } from '../../support/builders.js';
import { thrown } from '../../support/rejection.js';

const origin = {
  id: '00000000-0000-4000-8000-000000000001',
  createdBy: 'alice',
  now: new Date('2026-11-01T00:00:00Z'),
};

function issuesOf(action: () => unknown): { field: string; message: string }[] {
  const error = thrown(action);
  expect(error).to.be.instanceOf(ValidationError);
  return [...(error as ValidationError).issues];
}

describe('Opportunity', () => {
  it('creates an open opportunity at version 1, normalising its fields', () => {
    const opportunity = Opportunity.create(
      aDraft({ title: '  Gardener  ', location: '   ', tags: [' a ', 'a', 'b'], status: undefined }),
      origin,
    );
    expect(opportunity.toSnapshot()).to.deep.include({
      id: origin.id,
      title: 'Gardener',
      location: null,
      tags: ['a', 'b'],
      status: 'open',
      createdBy: 'alice',
      version: 1,
    });
    expect(opportunity.createdAt).to.deep.equal(origin.now);
    expect(opportunity.updatedAt).to.deep.equal(origin.now);
  });

  it('treats a draft without tags, location, status or deadline as having none, open', () => {
    const { tags, location, status, deadline, ...required } = aDraft();
    expect([tags, location, status, deadline]).to.not.include(undefined);
    expect(Opportunity.create(required, origin).toSnapshot()).to.deep.include({
      tags: [],
      location: null,
      status: 'open',
      deadline: null,
    });
  });

  it('reports every invalid field at once', () => {
    const issues = issuesOf(() =>
      Opportunity.create(
        {
          title: ' ',
          description: 'x'.repeat(10_001),
          category: 'Not A Slug',
          location: 'x'.repeat(201),
          tags: Array.from({ length: 21 }, (_, i) => `tag${i}`),
          status: 'archived',
          deadline: '2026-02-30',
        },
        origin,
      ),
    );
    expect(issues.map((issue) => issue.field)).to.deep.equal([
      'title',
      'description',
      'category',
      'location',
      'tags',
      'status',
      'deadline',
    ]);
  });

  it('accepts the boundaries of every limit', () => {
    const opportunity = Opportunity.create(
      aDraft({
        title: 't'.repeat(200),
        description: 'd'.repeat(10_000),
        category: 'a'.repeat(50),
        location: 'l'.repeat(200),
        tags: Array.from({ length: 20 }, (_, i) => `${'x'.repeat(38)}${String(i).padStart(2, '0')}`),
        deadline: '2028-02-29',
      }),
      origin,
    );
    expect(opportunity.tags).to.have.length(20);
  });

  it('refuses one character past each limit', () => {
    expect(issuesOf(() => Opportunity.create(aDraft({ title: 't'.repeat(201) }), origin))[0]?.field).to.equal('title');
    expect(issuesOf(() => Opportunity.create(aDraft({ category: 'a'.repeat(51) }), origin))[0]?.field).to.equal(
      'category',
    );
    expect(issuesOf(() => Opportunity.create(aDraft({ tags: ['x'.repeat(41)] }), origin))[0]?.field).to.equal('tags');
    expect(issuesOf(() => Opportunity.create(aDraft({ tags: [''] }), origin))[0]?.field).to.equal('tags');
    expect(issuesOf(() => Opportunity.create(aDraft({ deadline: '2026-1-1' }), origin))[0]?.field).to.equal('deadline');
  });

  it('revises every editable field, bumps the version and keeps its creator', () => {
    const opportunity = Opportunity.create(aDraft(), origin);
    const later = new Date('2026-11-02T00:00:00Z');
    opportunity.revise(
      aDraft({ title: 'New title', status: 'closed', location: null, tags: [], deadline: null }),
      later,
    );
    expect(opportunity.toSnapshot()).to.deep.include({
      title: 'New title',
      status: 'closed',
      location: null,
      tags: [],
      deadline: null,
      createdBy: 'alice',
      version: 2,
    });
    expect(opportunity.updatedAt).to.deep.equal(later);
    expect(opportunity.createdAt).to.deep.equal(origin.now);
  });

  it('leaves itself unchanged when a revision is invalid', () => {
    const opportunity = Opportunity.create(aDraft(), origin);
    issuesOf(() => opportunity.revise(aDraft({ title: '' }), new Date()));
    expect(opportunity.version).to.equal(1);
    expect(opportunity.title).to.equal(aDraft().title);
  });

  it('lets only its creator or an admin modify it', () => {
    const opportunity = Opportunity.create(aDraft(), origin);
    expect(opportunity.canBeModifiedBy(alice)).to.equal(true);
    expect(opportunity.canBeModifiedBy(admin)).to.equal(true);
    expect(opportunity.canBeModifiedBy(bob)).to.equal(false);
    expect(() => opportunity.assertModifiableBy(bob)).to.throw(
      ForbiddenError,
      'Only the creator of an opportunity or an admin may change it',
    );
    expect(() => opportunity.assertModifiableBy(admin)).to.not.throw();
    expect(opportunity.canBeModifiedBy({ userId: 'bob', role: 'Admin' })).to.equal(false);
  });

  it('keeps its tags to itself: changing a snapshot or a draft afterwards changes nothing', () => {
    const storedTags = ['a'];
    const restored = Opportunity.restore({ ...Opportunity.create(aDraft(), origin).toSnapshot(), tags: storedTags });
    storedTags.push('from-the-snapshot');
    expect(restored.tags).to.deep.equal(['a']);
    const tags = ['b', 'c'];
    restored.revise(aDraft({ tags }), new Date('2026-11-02T00:00:00Z'));
    tags.push('from-the-draft');
    expect(restored.tags).to.deep.equal(['b', 'c']);
  });

  it('never moves updatedAt backwards when the clock does', () => {
    const opportunity = Opportunity.create(aDraft(), origin);
    opportunity.revise(aDraft({ title: 'Earlier clock' }), new Date('2026-10-01T00:00:00Z'));
    expect(opportunity.updatedAt).to.deep.equal(origin.now);
    expect(opportunity.version).to.equal(2);
  });
});
