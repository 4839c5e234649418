package dev.ledger.api.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * How far a reader of the event table in global-index order may go without skipping an event that is still
 * being written.
 *
 * <p>On PostgreSQL, writers append without a global lock, so appends commit in any order: index 10 may be
 * visible while index 9 belongs to a transaction still in flight, and a reader that passed 9 would never see
 * it. Every append takes its transaction id before it draws its indexes ({@link AppendLocks}), so the holder
 * of a missing index below a visible one had its transaction id before the snapshot that saw the visible one
 * was taken: below that snapshot's {@code xmax}. Once no transaction below that {@code xmax} is in flight
 * (other than the reader's own, which appends nothing), every index below the visible one is either visible
 * or will never exist. This class reads those two numbers off the current snapshot
 * ({@code pg_current_snapshot()}); {@link GapWatch} keeps track of them for one reader.
 *
 * <p>On H2 appends commit in index order (one writer process; the append lock), so a gap is always final.
 */
public final class CommitHorizon {

    /**
     * Two columns for a query on PostgreSQL: the snapshot's {@code xmax} (the first transaction id not yet
     * assigned when it was taken) and its horizon (the oldest transaction id other than the reader's own still
     * in flight then, or {@code xmax} when none was). Uncorrelated subqueries, so PostgreSQL works them out once
     * per statement, from the statement's own snapshot.
     */
    static final String SNAPSHOT_COLUMNS = "(SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint), "
            + "(SELECT COALESCE(MIN(x::text::bigint), pg_snapshot_xmax(pg_current_snapshot())::text::bigint) "
            + "FROM pg_snapshot_xip(pg_current_snapshot()) AS x)";

    /** How long {@link #settledHead} and a feed's read wait for a transaction in flight before they give up. */
    public static final long MAX_WAIT_MILLIS = 60_000;

    private CommitHorizon() {
    }

    /** Whether {@code connection} is to PostgreSQL (appends may commit out of index order) rather than H2. */
    public static boolean isPostgres(Connection connection) throws SQLException {
        return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
    }

    /**
     * The highest global index below which the event table will never change again: every event at or below
     * it that ever commits is visible now. On H2 the highest index; on PostgreSQL the highest index visible now,
     * returned once the transactions that might still hold a lower one have ended. -1 for an empty store.
     * Call it outside any transaction of the calling thread (it waits for transactions older than now).
     *
     * @throws StoreException the store cannot be read, or a transaction stayed in flight for {@link #MAX_WAIT_MILLIS}
     */
    public static long settledHead(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            if (!isPostgres(connection)) {
                return head(connection);
            }
            long head;
            long xmax;
            long horizon;
            try (PreparedStatement query = connection.prepareStatement("SELECT (SELECT MAX(globalindex) FROM "
                    + "domainevententry), " + SNAPSHOT_COLUMNS);
                 ResultSet row = query.executeQuery()) {
                row.next();
                head = row.getLong(1);
                if (row.wasNull()) {
                    head = -1;
                }
                xmax = row.getLong(2);
                horizon = row.getLong(3);
            }
            if (horizon < xmax) {
                awaitHorizon(connection, xmax, head);
            }
            return head;
        } catch (SQLException e) {
            throw new StoreException("cannot read the head of the event store: " + StoreProblem.describe(e), e);
        }
    }

    /**
     * Waits until no transaction with an id below {@code xmax} is in flight any more (other than the calling
     * connection's own), polling from 1 ms doubling to 50 ms apart.
     *
     * @param position what the caller waits to read past, for the error message
     */
    static void awaitHorizon(Connection connection, long xmax, long position) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS);
        long pause = 1;
        try (PreparedStatement query = connection.prepareStatement("SELECT " + SNAPSHOT_COLUMNS)) {
            while (true) {
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    if (row.getLong(2) >= xmax) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new StoreException("events around global index " + position + " are still being written by a "
                            + "transaction that has been open for more than " + MAX_WAIT_MILLIS / 1000 + " s (a transaction"
                            + " id below " + xmax + "); readers of the event table wait for it: end it, or find who holds"
                            + " it in pg_stat_activity (backend_xid)");
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("interrupted while waiting for appends in flight to commit", e);
                }
                pause = Math.min(50, pause * 2);
            }
        }
    }

    /** The highest global index visible on {@code connection} now, or -1 when the store is empty. */
    static long head(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT MAX(globalindex) FROM domainevententry");
             ResultSet row = query.executeQuery()) {
            row.next();
            long max = row.getLong(1);
            return row.wasNull() ? -1 : max;
        }
    }
}
