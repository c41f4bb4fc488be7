import { expect } from 'chai';
import {
  checkCategory,
  checkCoordinates,
  checkDeadline,
  checkDescription,
  checkLocation,
  checkStatus,
  checkTags,
  checkTitle,
  checkUserId,
  type RuleResult,
} from '../../../src/domain/opportunity/opportunity-rules.js';

/** The message a rule gives; clients show it next to the field (problem+json `errors[].message`). */
function messageOf<T>(result: RuleResult<T>): string {
  if (result.ok) return expect.fail(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.message;
}

describe('Opportunity field rules: what each one refuses, and the message it gives', () => {
  it('title and description: trimmed, not blank, bounded', () => {
    expect(checkTitle('  Gardener ')).to.deep.equal({ ok: true, value: 'Gardener' });
    expect(messageOf(checkTitle(' \t '))).to.equal('must not be blank');
    expect(messageOf(checkTitle('t'.repeat(201)))).to.equal('must be at most 200 characters');
    expect(checkTitle(` ${'t'.repeat(200)} `).ok).to.equal(true);
    expect(messageOf(checkDescription('d'.repeat(10_001)))).to.equal('must be at most 10000 characters');
  });

  it('category: a slug of 1 to 50 lowercase letters, digits and hyphens, matched whole', () => {
    expect(checkCategory('music-2')).to.deep.equal({ ok: true, value: 'music-2' });
    expect(messageOf(checkCategory(''))).to.equal('must be 1 to 50 characters');
    expect(messageOf(checkCategory('a'.repeat(51)))).to.equal('must be 1 to 50 characters');
    for (const slug of ['Music', 'music!', '!music', 'mu sic', 'music\n']) {
      expect(messageOf(checkCategory(slug)), JSON.stringify(slug)).to.equal(
        'must contain only lowercase letters, digits and hyphens',
      );
    }
  });

  it('location: optional, blank becomes absent, bounded', () => {
    expect(checkLocation(null)).to.deep.equal({ ok: true, value: null });
    expect(checkLocation('   ')).to.deep.equal({ ok: true, value: null });
    expect(checkLocation(' Lyon ')).to.deep.equal({ ok: true, value: 'Lyon' });
    expect(messageOf(checkLocation('l'.repeat(201)))).to.equal('must be at most 200 characters');
  });

  it('tags: each 1 to 40 characters, at most 20 distinct', () => {
    expect(checkTags([' a', 'a ', 'b'])).to.deep.equal({ ok: true, value: ['a', 'b'] });
    expect(messageOf(checkTags(['ok', ' ']))).to.equal('each tag must be 1 to 40 characters');
    expect(messageOf(checkTags(['x'.repeat(41)]))).to.equal('each tag must be 1 to 40 characters');
    const many = Array.from({ length: 21 }, (_, i) => `tag${i}`);
    expect(messageOf(checkTags(many))).to.equal('must have at most 20 distinct tags');
    expect(checkTags([...many.slice(0, 20), 'tag0']).ok, '21 tags, 20 distinct').to.equal(true);
  });

  it('createdBy filter: a user id of 1 to 255 characters', () => {
    expect(checkUserId('u')).to.deep.equal({ ok: true, value: 'u' });
    expect(checkUserId('x'.repeat(255)).ok).to.equal(true);
    for (const id of ['', 'x'.repeat(256)]) {
      expect(messageOf(checkUserId(id)), `${id.length} characters`).to.equal('must be 1 to 255 characters');
    }
  });

  it('control characters: none on one line, only tab and line breaks in a description', () => {
    expect(messageOf(checkTitle('a\u0000b'))).to.equal('must not contain control characters');
    expect(messageOf(checkTitle('a\tb'))).to.equal('must not contain control characters');
    expect(messageOf(checkDescription('a\u0007b'))).to.equal(
      'must not contain control characters other than tab and line breaks',
    );
    expect(checkDescription('line one\n\tline two').ok).to.equal(true);
  });

  it('status: open or closed', () => {
    expect(checkStatus('closed')).to.deep.equal({ ok: true, value: 'closed' });
    expect(messageOf(checkStatus('archived'))).to.equal('must be one of: open, closed');
  });

  it('deadline: YYYY-MM-DD, a real calendar date', () => {
    expect(checkDeadline(null)).to.deep.equal({ ok: true, value: null });
    for (const date of ['2028-02-29', '2026-12-31', '2026-01-01']) {
      expect(checkDeadline(date), date).to.deep.equal({ ok: true, value: date });
    }
    for (const text of ['tomorrow', '2026-1-01', 'x2026-01-01', '2026-01-01x', '2026-01-01T00:00:00Z']) {
      expect(messageOf(checkDeadline(text)), text).to.equal('must be an ISO-8601 date (YYYY-MM-DD)');
    }
    for (const date of ['2026-02-29', '2026-02-30', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00']) {
      expect(messageOf(checkDeadline(date)), date).to.equal('must be a real calendar date');
    }
  });

  it('coordinates: optional, finite degrees, lat within ±90 and lng within ±180, edges included', () => {
    expect(checkCoordinates(null)).to.deep.equal({ ok: true, value: null });
    for (const edge of [
      { lat: 90, lng: 180 },
      { lat: -90, lng: -180 },
      { lat: 0, lng: 0 },
    ]) {
      expect(checkCoordinates(edge)).to.deep.equal({ ok: true, value: edge });
    }
    expect(Object.is((checkCoordinates({ lat: -0, lng: -0 }) as { value: { lat: number } }).value.lat, 0)).to.equal(
      true,
    );
    for (const lat of [90.000001, -91, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(messageOf(checkCoordinates({ lat, lng: 0 })), String(lat)).to.equal('lat must be a number from -90 to 90');
    }
    for (const lng of [180.5, -181, Number.NaN, Number.NEGATIVE_INFINITY]) {
      expect(messageOf(checkCoordinates({ lat: 0, lng })), String(lng)).to.equal(
        'lng must be a number from -180 to 180',
      );
    }
  });
});
