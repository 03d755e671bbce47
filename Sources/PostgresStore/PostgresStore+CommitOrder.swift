import Directory
import PostgresNIO
import StoreSQL

/// Keys in commit order, and counts, without a row every create of a kind updates.
///
/// A listing in creation order relies on keys following commit order: a row committed later never sorts before
/// one already listed (a remembered page start, a cursor by key). Keys were drawn under the kind's count row, locked
/// until commit, so creates of one kind in an organization ran one at a time from their first row to their commit
/// (and its flush to disk), and every create rewrote that one row. Now:
///
/// - A writer holds the kind's lock in shared mode from before it draws a key until it commits: writers never wait
///   for each other. A reader that needs commit order takes the lock exclusively while it takes its snapshots
///   (`inCommitOrder`): it waits for the writers already under way, and its snapshots hold every key drawn before
///   them and none committed after them.
/// - A statement's inserts or deletes add one row of changes to `resource_count_changes`; `resource_totals` sums
///   them with `resource_counts`. Now and then (one statement in 256) a writer folds an organization's changes into
///   its `resource_counts` row, if no other writer is folding them.
extension PostgresStore {
    /// The lock a writer of `kind` in `organization` holds in shared mode and a reader in commit order exclusively.
    static let commitOrderLock = "hashtextextended(?, ?)"

    /// Reads in a transaction begun once every write of `kind` in `organization` under way has committed, holding
    /// new ones back while `locked` runs: the statements it runs see every key drawn before them, and no key drawn
    /// before them commits later. `body` then reads what `locked` declared (see `declare`) without the lock.
    ///
    /// The lock is the session's, taken and released within the transaction (a pooler in transaction mode keeps it
    /// on one server connection). Writers wait for the few statements that take the reader's snapshots, a cursor's
    /// declaration among them, not for its rows, and readers do not queue behind each other's pages.
    func inCommitOrder<Held: Sendable, T: Sendable>(
        _ kind: ResourceKind, in organization: OrganizationKey,
        _ locked: @escaping @Sendable (PostgresConnection) async throws -> Held,
        then body: @escaping @Sendable (PostgresConnection, Held) async throws -> T
    ) async throws -> T {
        let lock: [SQLValue] = [.text(kind.rawValue), .integer(organization.rawValue)]
        // Read committed whatever the database's default: each statement's snapshot is taken when it starts, after
        // the lock is granted (in repeatable read the lock's own statement would take it, before the wait).
        return try await transaction("BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY", writes: false) { connection in
            let held: Held
            do {
                // Rows read, here and below: the driver hands them over before the statement has run, and a
                // failure would otherwise go unnoticed.
                _ = try await run(SQL("SELECT pg_advisory_lock(\(Self.commitOrderLock))", lock), on: connection)
                    .collect()
                held = try await locked(connection)
                _ = try await run(SQL("SELECT pg_advisory_unlock(\(Self.commitOrderLock))", lock), on: connection)
                    .collect()
            } catch {
                // A session's lock outlives a rolled-back transaction: only the session's end surely releases it,
                // and a connection given back to the pool holding it would hold every writer of the kind back. A
                // cancelled wait for the lock is the driver's alone: the server goes on waiting, and then holds it.
                try? await connection.close().get()
                throw error
            }
            return try await body(connection, held)
        }
    }

    /// Declares the transaction's cursor over `sql`: the rows are those of a snapshot taken now, read later by
    /// `fetchDeclared`.
    func declare(_ sql: SQL, on connection: PostgresConnection) async throws {
        try await run(SQL("DECLARE roster_page NO SCROLL CURSOR FOR ") + sql, on: connection)
    }

    /// The rows of the cursor `declare` opened. Unprepared: its columns are those of whatever was declared.
    func fetchDeclared(on connection: PostgresConnection) async throws -> Rows {
        try await connection.query("FETCH ALL FROM roster_page", logger: logger).map { $0 }
    }

    static let commitOrderSchema = [
        // No instance of the version before may write between the triggers.
        "LOCK TABLE resources IN SHARE ROW EXCLUSIVE MODE",
        """
        CREATE TABLE resource_count_changes (
            org_pk BIGINT NOT NULL,
            kind TEXT COLLATE "C" NOT NULL,
            total BIGINT NOT NULL,
            deletions BIGINT NOT NULL
        )
        """,
        "CREATE INDEX resource_count_changes_by_kind ON resource_count_changes(org_pk, kind)",
        """
        CREATE VIEW resource_totals AS
        SELECT org_pk, kind, SUM(total)::bigint AS total, SUM(deletions)::bigint AS deletions
        FROM (
            SELECT org_pk, kind, total, deletions FROM resource_counts
            UNION ALL SELECT org_pk, kind, total, deletions FROM resource_count_changes
        ) AS counted
        GROUP BY org_pk, kind
        """,
        "DROP TRIGGER resources_counted_on_insert ON resources",
        "DROP TRIGGER resources_counted_on_delete ON resources",
        "DROP FUNCTION roster_count_insert()",
        "DROP FUNCTION roster_count_delete()",
        // The key is drawn under the lock; a key given explicitly (a data-only restore) is kept.
        """
        CREATE FUNCTION roster_key_in_commit_order() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock_shared(hashtextextended(NEW.kind, NEW.org_pk));
            IF NEW.pk IS NULL THEN
                NEW.pk := nextval(pg_get_serial_sequence('resources', 'pk'));
            END IF;
            RETURN NEW;
        END $$
        """,
        """
        CREATE TRIGGER resources_keyed_in_commit_order BEFORE INSERT ON resources
        FOR EACH ROW EXECUTE FUNCTION roster_key_in_commit_order()
        """,
        // Folding takes the changes' rows and the count's row until commit; a second writer folding the same
        // counts at once skips it rather than wait.
        """
        CREATE FUNCTION roster_fold_counts(organization BIGINT, counted TEXT) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT pg_try_advisory_xact_lock(hashtextextended(counted || ' counts', organization)) THEN
                RETURN;
            END IF;
            WITH folded AS (
                DELETE FROM resource_count_changes WHERE org_pk = organization AND kind = counted
                RETURNING total, deletions)
            UPDATE resource_counts
            SET total = resource_counts.total + changes.total, deletions = resource_counts.deletions + changes.deletions
            FROM (SELECT COALESCE(SUM(total), 0) AS total, COALESCE(SUM(deletions), 0) AS deletions FROM folded) AS changes
            WHERE resource_counts.org_pk = organization AND resource_counts.kind = counted;
        END $$
        """,
        // Only the rows inserted: those an `ON CONFLICT DO NOTHING` left out are not in `added`.
        """
        CREATE FUNCTION roster_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO resource_count_changes (org_pk, kind, total, deletions)
            SELECT org_pk, kind, COUNT(*), 0 FROM added GROUP BY org_pk, kind;
            IF random() < 1.0 / 256 THEN
                PERFORM roster_fold_counts(org_pk, kind) FROM (SELECT DISTINCT org_pk, kind FROM added) AS counted;
            END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER resources_counted_on_insert AFTER INSERT ON resources
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION roster_count_added()
        """,
        // A delete holds the lock too, so a reader sees a count, its deletions and the rows that agree.
        """
        CREATE FUNCTION roster_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock_shared(hashtextextended(kind, org_pk))
            FROM (SELECT DISTINCT org_pk, kind FROM removed) AS counted;
            INSERT INTO resource_count_changes (org_pk, kind, total, deletions)
            SELECT org_pk, kind, -COUNT(*), COUNT(*) FROM removed GROUP BY org_pk, kind;
            IF random() < 1.0 / 256 THEN
                PERFORM roster_fold_counts(org_pk, kind) FROM (SELECT DISTINCT org_pk, kind FROM removed) AS counted;
            END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER resources_counted_on_delete AFTER DELETE ON resources
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION roster_count_removed()
        """,
        // A deleted organization's counts go with their changes.
        """
        CREATE FUNCTION roster_forget_count_changes() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM resource_count_changes WHERE org_pk = OLD.org_pk AND kind = OLD.kind;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER resource_counts_forget_changes AFTER DELETE ON resource_counts
        FOR EACH ROW EXECUTE FUNCTION roster_forget_count_changes()
        """,
    ]
}
