import type { Clock } from '../../src/application/ports/clock.port.js';
import type { IdGenerator } from '../../src/application/ports/id-generator.port.js';
import type { Actor } from '../../src/domain/actor.js';
import { Opportunity, type OpportunityDraft } from '../../src/domain/opportunity/opportunity.js';

export function aDraft(overrides: Partial<OpportunityDraft> = {}): OpportunityDraft {
  return {
    title: 'Community garden helper',
    description: 'Help plant vegetables on Saturday mornings.',
    category: 'volunteering',
    location: 'Lyon',
    tags: ['garden', 'outdoors'],
    status: 'open',
    deadline: '2027-03-31',
    ...overrides,
  };
}

let sequence = 0;

/** A valid opportunity; `minutesAgo` spaces creation times so listing order is predictable. */
export function anOpportunity(
  overrides: Partial<OpportunityDraft> & { createdBy?: string; minutesAgo?: number; id?: string } = {},
): Opportunity {
  const { createdBy = 'user-1', minutesAgo = 0, id, ...draft } = overrides;
  sequence += 1;
  const now = new Date(Date.UTC(2026, 10, 1, 12, 0, 0) - minutesAgo * 60_000);
  return Opportunity.create(aDraft(draft), {
    id: id ?? `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    createdBy,
    now,
  });
}

export const alice: Actor = { userId: 'alice', role: 'user' };
export const bob: Actor = { userId: 'bob', role: 'user' };
export const admin: Actor = { userId: 'root', role: 'admin' };

/** A clock tests move by hand. */
export class FixedClock implements Clock {
  constructor(private current = new Date('2026-11-01T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export class SequentialIds implements IdGenerator {
  private count = 0;
  next(): string {
    this.count += 1;
    return `10000000-0000-4000-8000-${String(this.count).padStart(12, '0')}`;
  }
}
