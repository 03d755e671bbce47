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
///   for each other. A reader that needs commit order takes the lock exclusively (`awaitCommitOrder`): it waits for
///   the writers already under way, holds new ones back while it reads, and so sees every key drawn before its
///   statements and none committed after them.
/// - A statement's inserts or deletes add one row of changes to `resource_count_changes`; `resource_totals` sums
///   them with `resource_counts`. Now and then (one statement in 256) a writer folds an organization's changes into
///   its `resource_counts` row, if no other writer is folding them.
extension PostgresStore {
    /// The lock a writer of `kind` in `organization` holds in shared mode and a reader in commit order exclusively.
    static let commitOrderLock = "hashtextextended(?, ?)"

    /// Waits until every write of the kind under way has committed, and holds new ones back until the reading
    /// transaction ends; run first in a READ COMMITTED transaction, whose later statements then see all of them.
    func awaitCommitOrder(_ kind: ResourceKind, in organization: OrganizationKey, on connection: PostgresConnection)
        async throws
    {
        try await run(
            SQL(
                "SELECT pg_advisory_xact_lock(\(Self.commitOrderLock))",
                [.text(kind.rawValue), .integer(organization.rawValue)]), on: connection)
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
