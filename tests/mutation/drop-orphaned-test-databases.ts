/**
 * Drops test databases whose creating process is gone. Each test run names its database
 * `opportunities_test_<pid>_<random>` and drops it at the end; a mutation run's test runners are
 * killed instead of ending their runs, so their databases are collected here. A database whose
 * process still runs on this machine is left alone.
 */
import pg from 'pg';

const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (!serverUrl) {
  console.log('TEST_DATABASE_URL is not set: the runs used embedded servers, nothing to drop');
  process.exit(0);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const client = new pg.Client({ connectionString: serverUrl });
await client.connect();
try {
  const { rows } = await client.query<{ datname: string }>(
    `select datname from pg_database where datname ~ '^opportunities_test_[0-9]+_[0-9a-f]+$'`,
  );
  for (const { datname } of rows) {
    const pid = Number(datname.split('_')[2]);
    if (alive(pid)) continue;
    await client.query(`drop database if exists "${datname}" with (force)`);
    console.log(`dropped ${datname} (process ${pid} is gone)`);
  }
} finally {
  await client.end();
}
