import { defineEntity, p, Routine, type TriggerDef } from '@mikro-orm/core';

/**
 * Typo corrections by equality instead of a nearest-neighbour scan (the deletion neighbourhood of
 * SymSpell). Two words within `k` typos share a string that each reaches by deleting at most `k`
 * letters (a substitution or a swap deletes one letter on both sides, an insertion on one), and
 * so do their first PREFIX_LENGTH letters. The table holds, for every prefix in the vocabulary,
 * its variants with up to two letters deleted; a query looks up its own prefix's variants (up to
 * its allowed typos) by the primary key, and the matched prefixes lead to their words through
 * the vocabulary's primary key. The trigram nearest-word scan this replaces read thousands of
 * pages per word once the vocabulary held a few hundred thousand words (130–245 ms).
 *
 * Keyed by prefix rather than by word: words share prefixes, so a vocabulary of 274,000 English
 * words needs 1.7 million variants instead of 6 million or more. Longer prefixes mean fewer words
 * per matched prefix and more variants; shorter, the reverse.
 */
export const PREFIX_LENGTH = 6;

/** The most typos any word is forgiven (typo-rules.ts): the depth of the stored variants. */
export const STORED_DELETES = 2;

/** Words this short are never corrections: the shortest correctable word has 5 letters. */
export const SHORTEST_CORRECTION = 4;

/**
 * A prefix's key and its variants. A word shorter than PREFIX_LENGTH is its own prefix and
 * stands for itself only; a longer one's prefix stands for every word that starts with it.
 */
export const SearchVocabularyVariantSchema = defineEntity({
  name: 'SearchVocabularyVariant',
  tableName: 'search_vocabulary_variant',
  properties: {
    variant: p.string().primary().columnType('text').collation('C'),
    prefix: p.string().primary().columnType('text').collation('C'),
  },
});

/**
 * A prefix (at most PREFIX_LENGTH letters) and every string made from it by deleting up to
 * `deletes` (0–2) letters. The series run to the constant PREFIX_LENGTH so that PostgreSQL, which
 * inlines the body into the statements, estimates a few dozen rows (with `length(prefix)` it
 * assumes a thousand per series: a million-row estimate, costs a hundred times too high).
 */
export const SearchVocabularyVariants = new Routine({
  name: 'search_vocabulary_variants',
  type: 'function',
  language: 'sql',
  deterministic: true,
  params: { prefix: { type: 'text' }, deletes: { type: 'int4' } },
  returns: { runtimeType: 'string', columnType: 'setof text' },
  body: `select prefix
      union
      select left(prefix, i - 1) || substr(prefix, i + 1) from generate_series(1, ${PREFIX_LENGTH}) as i
        where deletes >= 1 and i <= length(prefix)
      union
      select left(d, j - 1) || substr(d, j + 1)
        from (select left(prefix, i - 1) || substr(prefix, i + 1) as d from generate_series(1, ${PREFIX_LENGTH}) as i
            where i <= length(prefix)) as one,
          generate_series(1, ${PREFIX_LENGTH} - 1) as j
        where deletes >= 2 and j <= length(d)`,
});

const HIGHEST_CODE_POINT = 1_114_111;

/**
 * The words a prefix key stands for, as a primary-key range: `word` itself when shorter than a
 * prefix, else every word that starts with it.
 */
export function prefixRangeEnd(prefix: string): string {
  return `case when length(${prefix}) < ${PREFIX_LENGTH} then ${prefix} else ${prefix} || chr(${HIGHEST_CODE_POINT}) end`;
}

const KEY = (row: 'new' | 'old') => `left(${row}.word, ${PREFIX_LENGTH})`;

/**
 * Keep the variants equal to the vocabulary's prefixes, in the writing transaction: a new word
 * adds its prefix's variants (nothing when another word has them already); a removed word takes
 * them along when no word with its prefix remains. TRUNCATE fires no row trigger: truncate
 * `search_vocabulary_variant` with `search_vocabulary`.
 */
export const VOCABULARY_VARIANT_TRIGGERS: TriggerDef[] = [
  {
    name: 'variants',
    timing: 'after',
    events: ['insert', 'delete'],
    forEach: 'row',
    body: `if tg_op = 'INSERT' then
        if length(new.word) >= ${SHORTEST_CORRECTION} then
          insert into search_vocabulary_variant (variant, prefix)
            select v, ${KEY('new')} from search_vocabulary_variants(${KEY('new')}, ${STORED_DELETES}) as v
            on conflict do nothing;
        end if;
      elsif length(old.word) >= ${SHORTEST_CORRECTION} and not exists (
          select from search_vocabulary w
            where w.word >= ${KEY('old')} and w.word <= ${prefixRangeEnd(KEY('old'))}) then
        delete from search_vocabulary_variant x
          where x.variant = any (array(select search_vocabulary_variants(${KEY('old')}, ${STORED_DELETES})))
            and x.prefix = ${KEY('old')};
      end if;
      return null;`,
  },
];
