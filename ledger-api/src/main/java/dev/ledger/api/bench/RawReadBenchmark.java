package dev.ledger.api.bench;

import dev.ledger.api.store.StoreException;
import dev.ledger.api.store.StreamedResults;
import dev.ledger.api.store.StoredEventReader;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The raw limit of reading the event store: one plain JDBC query over the whole event table in index
 * order, with the columns a rebuild reads, every value fetched into Java (strings and bytes), no
 * deserialisation, no projection. A cursor with a fetch size streams the rows (PostgreSQL uses one only
 * outside autocommit).
 */
final class RawReadBenchmark {

    static final int FETCH_SIZE = LedgerBenchmark.RAW_READ_FETCH_SIZE;
    /** The columns read models and rebuilds read (StoredEventReader), in index order. */
    private static final String SQL = "SELECT " + StoredEventReader.COLUMNS + " FROM domainevententry ORDER BY globalindex";

    private final DataSource dataSource;

    RawReadBenchmark(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Reads the table once and times it. */
    BenchReport.RawReadRun measure() {
        long started = System.nanoTime();
        long[] rowsAndBytes = read();
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;
        return new BenchReport.RawReadRun(rowsAndBytes[0], rowsAndBytes[1], FETCH_SIZE, Figures.seconds(elapsedSeconds),
                Figures.rate(rowsAndBytes[0], elapsedSeconds));
    }

    /** Reads every row; returns the rows and the bytes of their column values (which also keeps the JIT honest). */
    long[] read() {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (StreamedResults streamed = StreamedResults.on(connection);
                 PreparedStatement select = connection.prepareStatement(SQL)) {
                select.setFetchSize(FETCH_SIZE);
                long rows = 0;
                long bytes = 0;
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        // globalindex, type, aggregateidentifier, sequencenumber, eventidentifier, timestamp,
                        // payloadtype, payloadrevision, payload, metadata: as StoredEventReader takes them.
                        rows++;
                        bytes += Long.BYTES + length(row.getString(2)) + length(row.getString(3)) + Long.BYTES
                                + length(row.getString(5)) + length(row.getString(6)) + length(row.getString(7))
                                + length(row.getString(8)) + length(row.getBytes(9)) + length(row.getBytes(10));
                        bytes += row.getLong(1) == Long.MIN_VALUE || row.getLong(4) == Long.MIN_VALUE ? 1 : 0;
                    }
                }
                return new long[]{rows, bytes};
            } finally {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException("the raw read benchmark failed: " + e.getMessage(), e);
        }
    }

    private static int length(String value) {
        return value == null ? 0 : value.length();
    }

    private static int length(byte[] value) {
        return value == null ? 0 : value.length;
    }
}
