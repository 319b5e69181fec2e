import { runCliTask } from './cli-context';

/**
 * `npm run migration:run`: applies pending migrations and exits. Creating the
 * application context already runs them (DatabaseModule's bootstrap hook).
 */
void runCliTask(async () => {
  process.stdout.write('migrations are up to date\n');
  return 0;
});
