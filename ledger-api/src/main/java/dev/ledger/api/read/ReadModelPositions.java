package dev.ledger.api.read;

import dev.ledger.api.store.JdbcTransactions;
import dev.ledger.api.store.StoreException;
import org.axonframework.common.transaction.Transaction;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The table {@code rm_projection_state}: one row per read model with its position (the global index of
 * the last event applied to its rows, -1 before the first), the process that last moved it and when. The
 * row is also the read model's lock: whoever applies events to the read model, a runner or a rebuild's
 * switch, holds the row's lock for that transaction.
 */
public final class ReadModelPositions {

    /** One row of the table. */
    public record Row(String name, long position, String owner, Instant progressAt) {
    }

    private ReadModelPositions() {
    }

    /** Adds the row of every named read model that has none yet (a read model new in this version). */
    public static void ensureRows(DataSource dataSource, List<String> names) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO rm_projection_state (name, position) SELECT ?, -1"
                             + " WHERE NOT EXISTS (SELECT 1 FROM rm_projection_state WHERE name = ?)")) {
            for (String name : names) {
                insert.setString(1, name);
                insert.setString(2, name);
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot prepare the read models' positions", e);
        }
    }

    /** Every row, by name. */
    public static Map<String, Row> readAll(Connection connection) throws SQLException {
        Map<String, Row> rows = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT name, position, owner, progress_at FROM rm_projection_state ORDER BY name");
             ResultSet row = query.executeQuery()) {
            while (row.next()) {
                long progressAt = row.getLong(4);
                Instant at = row.wasNull() ? null : Instant.ofEpochMilli(progressAt);
                rows.put(row.getString(1), new Row(row.getString(1), row.getLong(2), row.getString(3), at));
            }
        }
        return rows;
    }

    public static Map<String, Row> readAll(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return readAll(connection);
        } catch (SQLException e) {
            throw new StoreException("cannot read the read models' positions", e);
        }
    }

    /**
     * Locks the read model's row for the caller's transaction and returns its position; waits for a
     * transaction that holds it (a batch in flight) to end.
     */
    public static long lock(Connection connection, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT position FROM rm_projection_state WHERE name = ? FOR UPDATE")) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("rm_projection_state has no row for read model " + name);
                }
                return row.getLong(1);
            }
        }
    }

    /**
     * Locks the read model's row unless another transaction holds it: the position, or empty when
     * someone else is applying events to this read model right now.
     */
    public static OptionalLong tryLock(Connection connection, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT position FROM rm_projection_state WHERE name = ? FOR UPDATE SKIP LOCKED")) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** Moves the (locked) row to {@code position}, naming the process and the time. */
    public static void advance(Connection connection, String name, long position, String owner, long atMillis)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE rm_projection_state SET position = ?, owner = ?, progress_at = ? WHERE name = ?")) {
            update.setLong(1, position);
            update.setString(2, owner);
            update.setLong(3, atMillis);
            update.setString(4, name);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("rm_projection_state has no row for read model " + name);
            }
        }
    }

    /**
     * The read models whose row another transaction holds right now: someone is applying events to them (a
     * runner of any process, or a rebuild's switch). Probes each row without waiting, and takes nothing.
     */
    public static Set<String> beingApplied(JdbcTransactions transactions, Collection<String> names) {
        Set<String> busy = new TreeSet<>();
        Transaction transaction = transactions.startTransaction();
        try (Connection connection = transactions.getConnection()) {
            for (String name : names) {
                if (tryLock(connection, name).isEmpty()) {
                    busy.add(name);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot probe the read models' locks", e);
        } finally {
            transaction.rollback();
        }
        return busy;
    }

    /** The position of one read model, from its committed row. */
    public static OptionalLong position(Connection connection, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT position FROM rm_projection_state WHERE name = ?")) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
            }
        }
    }
}
