import { Migration20261124Initial } from './migration-20261124000000-initial.js';
import { Migration20261201145221 } from './migration-20261201145221-idempotency-key.js';
import { Migration20261201154328_tag_and_version_checks } from './migration-20261201154328-tag-and-version-checks.js';
import { Migration20261201Search } from './migration-20261201150000-search.js';
import { Migration20261201174544_title_postings } from './migration-20261201174544-title-postings.js';
import { Migration20261202010500_gin_without_pending_list } from './migration-20261202010500-gin-without-pending-list.js';
import { Migration20261202091711_vocabulary_variants } from './migration-20261202091711-vocabulary-variants.js';
import { Migration20261207040213_coordinates } from './migration-20261207040213-coordinates.js';
import { Migration20261207071008_search_estimate } from './migration-20261207071008-search-estimate.js';

/**
 * Every migration, in order. Listed explicitly rather than discovered from a folder, so the same
 * code runs from TypeScript sources and from the compiled dist/ build.
 */
export const migrations = [
  { name: 'Migration20261124Initial', class: Migration20261124Initial },
  { name: 'Migration20261201145221', class: Migration20261201145221 },
  { name: 'Migration20261201Search', class: Migration20261201Search },
  {
    name: 'Migration20261201154328_tag_and_version_checks',
    class: Migration20261201154328_tag_and_version_checks,
  },
  { name: 'Migration20261201174544_title_postings', class: Migration20261201174544_title_postings },
  {
    name: 'Migration20261202010500_gin_without_pending_list',
    class: Migration20261202010500_gin_without_pending_list,
  },
  { name: 'Migration20261202091711_vocabulary_variants', class: Migration20261202091711_vocabulary_variants },
  { name: 'Migration20261207040213_coordinates', class: Migration20261207040213_coordinates },
  { name: 'Migration20261207071008_search_estimate', class: Migration20261207071008_search_estimate },
];
