package dev.ledger.api.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.TreeMap;

/**
 * The locks a writer's transaction takes so that the groups of several writers (threads or processes) on one
 * database stay serializable, and so that readers never skip an event that commits late.
 *
 * <ul>
 *   <li><b>H2</b>: one row, {@code ledger_append_lock}, locked by every appending group
 *   from just before its read check until it commits. Appends commit one at a time, in index order.</li>
 *   <li><b>PostgreSQL</b>: no global lock. A group takes, in one statement and in one global order, a
 *   transaction-scoped advisory lock per aggregate: exclusive for those it appends to, shared for those it only
 *   read (then checks their versions). Two groups exclude each other only when one appends to an aggregate the
 *   other touches, which is what makes their decisions serializable (two-phase locking by aggregate). A group
 *   retried after a conflict first takes exclusive locks on every aggregate its failed attempt touched, before it
 *   reads anything ({@link #lockForRetry}): they cannot change while it decides, so it does not go stale on them
 *   again. Before drawing its global indexes an append takes its transaction id ({@link #beforeInsert}); readers
 *   rely on that ({@link CommitHorizon}). A group that appends takes it in the statement that takes its locks,
 *   so that its append needs no round trip of its own for it.</li>
 * </ul>
 * Advisory-lock keys are the pair (namespace, 32-bit hash of the aggregate id) in a namespace of the ledger's
 * own; a collision only makes two groups take turns.
 */
public abstract sealed class AppendLocks {

    /** The advisory-lock namespace of per-aggregate keys. */
    static final int PER_AGGREGATE = 0x4c444741; // "LDGA"
    /** At most this many lock calls in one statement (PostgreSQL allows 1,664 result columns). */
    private static final int LOCKS_PER_STATEMENT = 1_000;
    /** Assigns the calling transaction its id (if it has none yet); appends take it before they draw indexes. */
    private static final String TAKE_TRANSACTION_ID = "pg_current_xact_id()";

    private AppendLocks() {
    }

    static AppendLocks forDatabase(boolean postgres) {
        return postgres ? new Postgres() : new SingleRow();
    }

    /**
     * Before a group's reads are checked and its events appended: locks what the group appends to
     * ({@code appendedTo}) and what it only read ({@code onlyRead}) until its transaction ends. Nothing when the
     * group neither appends nor read an aggregate.
     */
    public abstract void lockForGroup(Connection connection, Collection<String> appendedTo, Collection<String> onlyRead)
            throws SQLException;

    /**
     * Before a group retried after a conflict reads anything: no other group changes (on H2: commits at all) any of
     * {@code touchedBefore}, the aggregates its failed attempt read or appended to, until this transaction ends.
     */
    public abstract void lockForRetry(Connection connection, Collection<String> touchedBefore) throws SQLException;

    /** Right before events are inserted (their global indexes drawn), on the appending transaction's connection. */
    public abstract void beforeInsert(Connection connection) throws SQLException;

    /**
     * Locks the single row of {@code ledger_append_lock} for the caller's transaction: every append on H2 takes
     * it, so appending transactions commit one at a time, in global-index order.
     */
    private static void appendLock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT id FROM ledger_append_lock WHERE id = 1 FOR UPDATE");
             ResultSet row = lock.executeQuery()) {
            if (!row.next()) {
                throw new IllegalStateException("ledger_append_lock has lost its row; the schema is damaged");
            }
        }
    }

    /** The advisory-lock key of an aggregate: a 32-bit FNV-1a hash of its id. */
    static int keyOf(String aggregateId) {
        int hash = 0x811c9dc5;
        for (byte b : aggregateId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return hash;
    }

    private static final class SingleRow extends AppendLocks {
        @Override
        public void lockForGroup(Connection connection, Collection<String> appendedTo, Collection<String> onlyRead)
                throws SQLException {
            if (!appendedTo.isEmpty() || !onlyRead.isEmpty()) {
                appendLock(connection);
            }
        }

        @Override
        public void lockForRetry(Connection connection, Collection<String> touchedBefore) throws SQLException {
            appendLock(connection);
        }

        @Override
        public void beforeInsert(Connection connection) throws SQLException {
            appendLock(connection);
        }

    }

    private static final class Postgres extends AppendLocks {
        /**
         * The connection (a transaction's, see {@link JdbcTransactions}) on which this thread's last group took its
         * transaction id with its locks: its appends need not take it again.
         */
        private final ThreadLocal<Connection> transactionIdTakenOn = new ThreadLocal<>();

        @Override
        public void lockForGroup(Connection connection, Collection<String> appendedTo, Collection<String> onlyRead)
                throws SQLException {
            // Key -> exclusive? Sorted, so that every group takes its locks in the same order: no deadlock among them.
            TreeMap<Integer, Boolean> keys = new TreeMap<>();
            onlyRead.forEach(id -> keys.put(keyOf(id), false));
            appendedTo.forEach(id -> keys.put(keyOf(id), true));
            // A group that appends takes its transaction id in the same statement, after its locks: one round trip
            // less than beforeInsert's own statement.
            boolean takeTransactionId = !appendedTo.isEmpty();
            transactionIdTakenOn.remove();
            lock(connection, keys, takeTransactionId);
            if (takeTransactionId) {
                transactionIdTakenOn.set(connection);
            }
        }

        @Override
        public void lockForRetry(Connection connection, Collection<String> touchedBefore) throws SQLException {
            TreeMap<Integer, Boolean> keys = new TreeMap<>();
            touchedBefore.forEach(id -> keys.put(keyOf(id), true));
            lock(connection, keys, false);
        }

        /**
         * Takes the advisory lock of every key (exclusive where true), in key order, in as few statements as may be;
         * then, if {@code takeTransactionId}, the transaction's id, in the last of them (PostgreSQL works out a
         * select list from left to right).
         */
        private static void lock(Connection connection, TreeMap<Integer, Boolean> keys, boolean takeTransactionId)
                throws SQLException {
            if (keys.isEmpty()) {
                return;
            }
            StringBuilder sql = new StringBuilder("SELECT ");
            int inStatement = 0;
            try (Statement statement = connection.createStatement()) {
                for (var key : keys.entrySet()) {
                    if (inStatement == LOCKS_PER_STATEMENT) {
                        statement.execute(sql.toString());
                        sql.setLength(0);
                        sql.append("SELECT ");
                        inStatement = 0;
                    }
                    sql.append(inStatement == 0 ? "" : ", ")
                            .append(key.getValue() ? "pg_advisory_xact_lock(" : "pg_advisory_xact_lock_shared(")
                            .append(PER_AGGREGATE).append(", ").append(key.getKey()).append(')');
                    inStatement++;
                }
                if (takeTransactionId) {
                    sql.append(", ").append(TAKE_TRANSACTION_ID);
                }
                statement.execute(sql.toString());
            }
        }

        @Override
        public void beforeInsert(Connection connection) throws SQLException {
            if (transactionIdTakenOn.get() == connection) {
                // Taken with the group's locks on this very transaction: the ledger's transactions hand out a
                // connection object of their own, which lives for one transaction (JdbcTransactions), and the
                // reference kept here keeps a later one from being the same object. Used once: a later append on
                // it takes the id again, which costs a round trip and is never wrong.
                transactionIdTakenOn.remove();
                return;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT " + TAKE_TRANSACTION_ID);
            }
        }

    }
}
