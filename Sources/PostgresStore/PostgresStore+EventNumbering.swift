import Directory
import PostgresNIO
import StoreSQL

/// Events numbered after they commit.
///
/// Each organization's events carry numbers 1, 2, 3… that a reader by number (a webhook's stream, the
/// organization's feed) follows with "after n": a number must never appear below one a reader has already seen.
/// Writers took the numbers from their organization's `event_sequences` row and held it until they committed, and
/// with durable commits that row let one write at a time in an organization through its flush to disk.
///
/// Now writers insert their events unnumbered, and `roster_number_events()` numbers the committed ones, under a
/// lock only numberings take, and commits the numbers at once: numbers are contiguous, follow the order events
/// committed (to within one numbering, where they go in `(xid, pk)` order), and those below any number seen are
/// all visible. It returns the bound of the feed of every organization: the transaction id below which every
/// transaction that wrote to this database has ended, and every event is numbered.
///
/// Every read by number numbers first (`EventSQL.Positions.settle`), so a change acknowledged shows at once;
/// `numberEvents()` runs in the background, so a backlog never builds up between reads. A numbering takes 1,000
/// events at most, so a reader never waits long behind one. SQLite has one writer and numbers as it writes.
extension PostgresStore {
    /// Numbers the events committed since the last numbering, 1,000 at a time.
    public func numberEvents() async throws {
        var numbered = Self.numberingBatch
        while numbered == Self.numberingBatch {
            let rows = try await run(SQL("SELECT numbered FROM roster_number_events()"), writes: true)
            numbered = try rows.first?.decode(Int64.self) ?? 0
        }
    }

    /// How many events a numbering takes at most (as `roster_number_events()` says).
    static let numberingBatch: Int64 = 1000

    static let eventNumberingSchema = [
        "ALTER TABLE events ALTER COLUMN sequence DROP NOT NULL",
        // A numbering rewrites the row, and an index entry stays for the version before until vacuum: the feed's
        // index holds numbered versions only, so its readers never visit the dead ones.
        "DROP INDEX events_by_position",
        "CREATE INDEX events_by_position ON events (xid, pk) WHERE sequence IS NOT NULL",
        "CREATE INDEX events_unnumbered ON events (xid, pk) WHERE sequence IS NULL",
        // Every event of a transaction below `below` is numbered: a numbering looks from there, not through the
        // dead entries of every numbering before.
        "CREATE TABLE event_numbering (below BIGINT NOT NULL)",
        "INSERT INTO event_numbering (below) VALUES (0)",
        // The horizon: the oldest transaction id of this database's open transactions (prepared ones too, which
        // have left their backend), widened from 32 bits with the epoch of the next id (the one before when it is
        // ahead of it, having wrapped). Read-only transactions have no id, so another database's work or a long
        // `pg_dump` holds nothing up. A numbering stops after 1,000 events, so a reader waits for one short
        // numbering at most (a backlog is numbered over several); then a transaction below the last one numbered
        // has ended, or is still open and above the horizon.
        """
        CREATE FUNCTION roster_number_events(OUT bound bigint, OUT numbered bigint) LANGUAGE plpgsql AS $$
        DECLARE
            below bigint;
            reached bigint;
            start bigint;
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtextextended('roster: numbering events', 0));
            WITH next AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xid),
            open AS (
                SELECT backend_xid AS xid FROM pg_stat_activity
                WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()
                UNION ALL SELECT transaction FROM pg_prepared_xacts WHERE database = current_database())
            SELECT LEAST(next.xid, COALESCE(MIN(
                (next.xid >> 32 << 32) + open.xid::text::bigint
                - CASE WHEN open.xid::text::bigint > (next.xid & 4294967295) THEN 4294967296 ELSE 0 END), next.xid))
            INTO below
            FROM next LEFT JOIN open ON true
            GROUP BY next.xid;
            -- Ahead of every transaction id only in a database restored from another cluster's dump.
            SELECT CASE WHEN event_numbering.below > pg_snapshot_xmax(pg_current_snapshot())::text::bigint
                THEN 0 ELSE event_numbering.below END
            INTO start FROM event_numbering;
            WITH pending AS (
                SELECT pk, org_pk, xid FROM events
                WHERE sequence IS NULL AND xid >= start
                ORDER BY xid, pk LIMIT 1000),
            ranked AS (
                SELECT pk, org_pk, xid, row_number() OVER (PARTITION BY org_pk ORDER BY xid, pk) AS k,
                    count(*) OVER (PARTITION BY org_pk) AS n
                FROM pending),
            taken AS (
                INSERT INTO event_sequences (org_pk, last) SELECT DISTINCT org_pk, n FROM ranked ORDER BY org_pk
                ON CONFLICT (org_pk) DO UPDATE SET last = event_sequences.last + excluded.last
                RETURNING org_pk, last),
            done AS (
                UPDATE events SET sequence = taken.last - ranked.n + ranked.k
                FROM ranked JOIN taken ON taken.org_pk = ranked.org_pk
                WHERE events.pk = ranked.pk)
            SELECT count(*), max(xid) INTO numbered, reached FROM ranked;
            bound := CASE WHEN numbered = 1000 THEN LEAST(below, reached) ELSE below END;
            -- Kept only with numbers given: a numbering with nothing to number writes nothing.
            IF numbered > 0 OR start <> (SELECT event_numbering.below FROM event_numbering) THEN
                UPDATE event_numbering SET below = GREATEST(start, bound);
            END IF;
        END $$
        """,
    ]
}
