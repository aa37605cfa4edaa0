import { PostgresAdapter, sql } from 'kysely'
import type { Kysely, Migration } from 'kysely'

/**
 * `0023_cursor_at_commit` (docs/architecture.md, "Cursors at commit"), Postgres only: a deferred
 * trigger hands each new timeline row its workspace cursor inside the commit itself, so the
 * workspace's counter row is locked for the commit and no longer for a round trip to the server
 * process and back. Rows are inserted without a cursor and no other transaction ever sees one so:
 * the trigger runs before the commit becomes visible. SQLite writes one transaction at a time, so
 * its cursors stay handed out by the process.
 */
export const cursorAtCommitMigration: Migration = {
  async up(db: Kysely<unknown>) {
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
    await sql`alter table conversation_events alter column cursor drop not null`.execute(db)
    await sql`
      create function threadline_hand_out_cursor() returns trigger language plpgsql as $$
      declare
        handed_out bigint;
      begin
        insert into timeline_cursors (workspace_id, last_cursor) values (new.workspace_id, 1)
          on conflict (workspace_id) do update set last_cursor = timeline_cursors.last_cursor + 1
          returning last_cursor into handed_out;
        update conversation_events set cursor = handed_out where id = new.id;
        return null;
      end
      $$`.execute(db)
    // Deferred row triggers fire at commit in the order their rows were inserted, so cursors
    // follow positions within a conversation as before.
    await sql`
      create constraint trigger conversation_events_cursor_at_commit
        after insert on conversation_events
        deferrable initially deferred
        for each row when (new.cursor is null)
        execute function threadline_hand_out_cursor()`.execute(db)
  },
}
