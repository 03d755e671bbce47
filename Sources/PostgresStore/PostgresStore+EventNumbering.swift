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
/// Every read by number numbers first (`EventSQL.Positions.settle`); `numberEvents()` runs in the background so
/// that a backlog never builds up between reads. SQLite has one writer and numbers as it writes.
extension PostgresStore {
    /// Numbers the events settled since the last numbering.
    public func numberEvents() async throws {
        try await run(SQL(EventSQL.Positions.numberEvents), writes: true)
    }

    static let eventNumberingSchema = [
        "ALTER TABLE events ALTER COLUMN sequence DROP NOT NULL",
        "CREATE INDEX events_unnumbered ON events (xid, pk) WHERE sequence IS NULL",
        // The horizon: `backend_xid` has 32 bits, widened with the epoch of the next id (the one before when it is
        // ahead of it, having wrapped). Read-only transactions have no id, so another database's work or a long
        // `pg_dump` holds nothing up. A numbering stops after 10,000 events (a backlog is numbered over several
        // calls): a transaction below the last one numbered has ended, or is still open and above the horizon.
        """
        CREATE FUNCTION roster_number_events() RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE
            below bigint;
            numbered bigint;
            reached bigint;
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtextextended('roster: numbering events', 0));
            WITH next AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xid)
            SELECT LEAST(next.xid, COALESCE(MIN(
                (next.xid >> 32 << 32) + backend_xid::text::bigint
                - CASE WHEN backend_xid::text::bigint > (next.xid & 4294967295) THEN 4294967296 ELSE 0 END), next.xid))
            INTO below
            FROM next LEFT JOIN pg_stat_activity
                ON datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()
            GROUP BY next.xid;
            WITH pending AS (
                SELECT pk, org_pk, xid FROM events WHERE sequence IS NULL ORDER BY xid, pk LIMIT 10000),
            ranked AS (
                SELECT pk, org_pk, xid, row_number() OVER (PARTITION BY org_pk ORDER BY xid, pk) AS k,
                    count(*) OVER (PARTITION BY org_pk) AS n
                FROM pending),
            taken AS (
                INSERT INTO event_sequences (org_pk, last) SELECT DISTINCT org_pk, n FROM ranked
                ON CONFLICT (org_pk) DO UPDATE SET last = event_sequences.last + excluded.last
                RETURNING org_pk, last),
            done AS (
                UPDATE events SET sequence = taken.last - ranked.n + ranked.k
                FROM ranked JOIN taken ON taken.org_pk = ranked.org_pk
                WHERE events.pk = ranked.pk)
            SELECT count(*), max(xid) INTO numbered, reached FROM ranked;
            IF numbered = 10000 THEN
                RETURN LEAST(below, reached);
            END IF;
            RETURN below;
        END $$
        """,
    ]
}
