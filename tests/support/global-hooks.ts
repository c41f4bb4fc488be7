import { dropTestDatabase } from './test-database.js';

/** Mocha global teardown: drop the run's database (and stop the embedded server) if one was made. */
export async function mochaGlobalTeardown(): Promise<void> {
  await dropTestDatabase();
}
