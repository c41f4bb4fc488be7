import { type Actor, isAdmin } from '../actor.js';
import { type FieldIssue, ForbiddenError, ValidationError } from '../domain-errors.js';
import {
  checkCategory,
  checkCoordinates,
  checkDeadline,
  checkDescription,
  checkLocation,
  checkStatus,
  checkTags,
  checkTitle,
  type Coordinates,
  type OpportunityStatus,
  type RuleResult,
} from './opportunity-rules.js';

/** The fields a user may set when creating or replacing an opportunity. */
export interface OpportunityDraft {
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly location?: string | null;
  /** Where it takes place on a map, beside the `location` name. */
  readonly coordinates?: Coordinates | null;
  readonly tags?: readonly string[];
  readonly status?: string;
  readonly deadline?: string | null;
}

export interface OpportunitySnapshot {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly location: string | null;
  readonly coordinates: Coordinates | null;
  readonly tags: readonly string[];
  readonly status: OpportunityStatus;
  readonly deadline: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly version: number;
}

type EditableFields = Pick<
  OpportunitySnapshot,
  'title' | 'description' | 'category' | 'location' | 'coordinates' | 'tags' | 'status' | 'deadline'
>;

/** Applies every field rule and reports all violations together, not just the first. */
function validateDraft(draft: OpportunityDraft): EditableFields {
  const issues: FieldIssue[] = [];
  const take = <T>(field: string, result: RuleResult<T>, fallback: T): T => {
    if (result.ok) return result.value;
    issues.push({ field, message: result.message });
    return fallback;
  };
  const fields: EditableFields = {
    title: take('title', checkTitle(draft.title), ''),
    description: take('description', checkDescription(draft.description), ''),
    category: take('category', checkCategory(draft.category), ''),
    location: take('location', checkLocation(draft.location ?? null), null),
    coordinates: take('coordinates', checkCoordinates(draft.coordinates ?? null), null),
    tags: take('tags', checkTags(draft.tags ?? []), []),
    status: take('status', checkStatus(draft.status ?? 'open'), 'open'),
    deadline: take('deadline', checkDeadline(draft.deadline ?? null), null),
  };
  if (issues.length > 0) throw new ValidationError(issues);
  return fields;
}

/**
 * An opportunity (a job, gig, volunteering slot…) posted by a user of the app.
 * Fields are public so persistence adapters can map the class directly; changes go through
 * `create` and `revise`, which keep the invariants.
 */
export class Opportunity {
  id!: string;
  title!: string;
  description!: string;
  category!: string;
  location!: string | null;
  coordinates!: Coordinates | null;
  tags!: string[];
  status!: OpportunityStatus;
  deadline!: string | null;
  createdBy!: string;
  createdAt!: Date;
  updatedAt!: Date;
  version!: number;

  static create(draft: OpportunityDraft, origin: { id: string; createdBy: string; now: Date }): Opportunity {
    const fields = validateDraft(draft);
    return Opportunity.restore({
      ...fields,
      id: origin.id,
      createdBy: origin.createdBy,
      createdAt: origin.now,
      updatedAt: origin.now,
      version: 1,
    });
  }

  /** Rebuilds an opportunity from stored state, without re-validating it. */
  static restore(snapshot: OpportunitySnapshot): Opportunity {
    const opportunity = new Opportunity();
    Object.assign(opportunity, snapshot, {
      tags: [...snapshot.tags],
      coordinates: snapshot.coordinates === null ? null : { ...snapshot.coordinates },
    });
    return opportunity;
  }

  /** Replaces every editable field (PUT semantics) and bumps the version. */
  revise(draft: OpportunityDraft, now: Date): void {
    Object.assign(this, validateDraft(draft));
    this.tags = [...this.tags];
    // Never move backwards, even if the clock did.
    this.updatedAt = now > this.updatedAt ? now : this.updatedAt;
    this.version += 1;
  }

  canBeModifiedBy(actor: Actor): boolean {
    return actor.userId === this.createdBy || isAdmin(actor);
  }

  assertModifiableBy(actor: Actor): void {
    if (!this.canBeModifiedBy(actor)) {
      throw new ForbiddenError('Only the creator of an opportunity or an admin may change it');
    }
  }

  toSnapshot(): OpportunitySnapshot {
    return {
      id: this.id,
      title: this.title,
      description: this.description,
      category: this.category,
      location: this.location,
      coordinates: this.coordinates === null ? null : { ...this.coordinates },
      tags: [...this.tags],
      status: this.status,
      deadline: this.deadline,
      createdBy: this.createdBy,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      version: this.version,
    };
  }
}
