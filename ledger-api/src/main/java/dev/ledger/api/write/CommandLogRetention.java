package dev.ledger.api.write;

import dev.ledger.api.store.StoreException;
import dev.ledger.api.store.StoreProblem;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;

/**
 * Bounds the command log: deletes the records of ids recorded before an instant, and only those. The
 * records at or after it are untouched, so every id recorded since then keeps its idempotency; an id whose
 * record is deleted is forgotten, and a command sent again with it runs as a new command. Events are never
 * touched.
 *
 * <p>The table is walked in primary-key order, {@value #CHUNK} ids per step, each step one short transaction
 * of its own (a range of the key, then a delete within that range): one pass over the table whatever its
 * size, no long transaction, no index on the time, and the writer goes on meanwhile. A command recorded
 * while it runs is recorded at or after {@code before} and is kept.
 */
public final class CommandLogRetention {

    /** Ids per step. */
    static final int CHUNK = 10_000;

    private CommandLogRetention() {
    }

    /** How far a compaction got: after each step, the ids walked so far and how many of their records were removed. */
    @FunctionalInterface
    public interface Progress {
        void update(long idsWalked, long removed);

        Progress NONE = (walked, removed) -> {
        };
    }

    /**
     * Deletes the records of ids recorded before {@code before} (to the millisecond) and returns how many, telling
     * {@code progress} after each step.
     */
    public static long removeBefore(DataSource dataSource, Instant before, Progress progress) {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(progress, "progress");
        // Records carry milliseconds; a record at the millisecond of `before` (or after) is kept.
        long beforeMillis = before.toEpochMilli();
        long removed = 0;
        long walked = 0;
        String after = "";
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(true);
            try (PreparedStatement range = connection.prepareStatement(
                    "SELECT MAX(command_id), COUNT(*) FROM (SELECT command_id FROM ledger_command_log WHERE command_id > ?"
                            + " ORDER BY command_id LIMIT " + CHUNK + ") chunk");
                 PreparedStatement delete = connection.prepareStatement(
                         "DELETE FROM ledger_command_log WHERE command_id > ? AND command_id <= ? AND recorded_at < ?")) {
                while (true) {
                    range.setString(1, after);
                    String last;
                    long ids;
                    try (ResultSet row = range.executeQuery()) {
                        row.next();
                        last = row.getString(1);
                        ids = row.getLong(2);
                    }
                    if (last == null) {
                        return removed;
                    }
                    delete.setString(1, after);
                    delete.setString(2, last);
                    delete.setLong(3, beforeMillis);
                    removed += delete.executeUpdate();
                    walked += ids;
                    after = last;
                    progress.update(walked, removed);
                }
            } finally {
                // A pool of the embedding service's may hand the connection on as it is.
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot compact the command log (" + removed + " records removed so far, which "
                    + "stay removed; run it again): " + StoreProblem.describe(e), e);
        }
    }
}
