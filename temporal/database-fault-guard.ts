import { isDatabaseConnectionFault } from '../db/connection-faults';
import { errorMessage, type Logger } from '../domain/platform/logger';

/**
 * The worker's last line against a PostgreSQL outage. Loops and activities handle database errors where
 * they happen; what escapes them is an error the driver raises outside any query (see
 * db/connection-faults.ts). Such an error is logged and the worker keeps going: its pools reconnect when
 * the database is back. Anything else uncaught is a bug: logged as fatal, and the process exits 1 as Node
 * would (the supervisor restarts it).
 */
export function installDatabaseFaultGuard(log: Logger): void {
  const onUncaught = (error: unknown, origin: string) => {
    if (isDatabaseConnectionFault(error)) {
      log.error({ error: errorMessage(error), origin }, 'database connection lost outside a query; carrying on (the pools reconnect)');
      return;
    }
    log.fatal({ error: error instanceof Error ? (error.stack ?? error.message) : String(error), origin }, 'worker failed: uncaught error');
    process.exit(1);
  };
  process.on('uncaughtException', (error) => onUncaught(error, 'uncaughtException'));
  process.on('unhandledRejection', (reason) => onUncaught(reason, 'unhandledRejection'));
}
