/**
 * PostgreSQL NOTIFY channels, the one list of them. A NOTIFY sent inside a transaction is delivered
 * on commit, so a listener never wakes for a row it cannot see yet.
 */

/** New inbox events (and finished runs, which may unblock the next event of their ordering key): the relay listens. */
export const INBOX_CHANNEL = 'syncline_inbox';

/** A run failed (payload: its workspace id): the alert evaluation listens. */
export const ALERTS_CHANNEL = 'syncline_alerts';
