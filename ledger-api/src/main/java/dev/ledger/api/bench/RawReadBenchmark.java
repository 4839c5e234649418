package dev.ledger.api.bench;

import dev.ledger.api.store.StoreException;
import dev.ledger.api.store.StreamedResults;
import dev.ledger.api.store.StoredEventReader;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The raw limit of reading the event store: plain JDBC over the whole event table in index order, with the
 * columns a rebuild reads, every value fetched into Java (strings and bytes), no deserialisation, no
 * projection. Two ways of reading are tried, each at two sizes, and the fastest is the baseline:
 * <ul>
 *     <li>one cursor over the whole table, streaming {@code fetchSize} rows per round trip (PostgreSQL uses a
 *     cursor only outside autocommit; H2 streams with lazy query execution);</li>
 *     <li>pages by index ({@code WHERE globalindex > last ORDER BY globalindex LIMIT n}), each its own
 *     short statement in autocommit, as a rebuild reads.</li>
 * </ul>
 */
final class RawReadBenchmark {

    /** The methods tried, in the order they run. */
    static final List<Method> METHODS = List.of(
            new Method(Kind.CURSOR, 1_000), new Method(Kind.CURSOR, 10_000),
            new Method(Kind.PAGES, 2_000), new Method(Kind.PAGES, 10_000));

    private static final String ALL = "SELECT " + StoredEventReader.COLUMNS + " FROM domainevententry ORDER BY globalindex";
    private static final String PAGE = "SELECT " + StoredEventReader.COLUMNS
            + " FROM domainevententry WHERE globalindex > ? ORDER BY globalindex LIMIT ?";

    enum Kind { CURSOR, PAGES }

    /** A way of reading the table: one cursor with a fetch size, or pages of a size. */
    record Method(Kind kind, int rows) {
        String label() {
            return kind == Kind.CURSOR ? String.format(Locale.ROOT, "one cursor, fetch size %,d", rows)
                    : String.format(Locale.ROOT, "pages of %,d by index", rows);
        }
    }

    private final DataSource dataSource;
    private JitWarmUp.Result warmUp;

    RawReadBenchmark(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Reads the table once with every method and times each; the fastest is the baseline. Before that, warm-up
     * rounds (a read with each method) until the JIT compiler has settled ({@link #warmUp()} tells how it ended).
     */
    BenchReport.RawReadRun measure() {
        warmUp = new JitWarmUp().run(() -> METHODS.forEach(this::read));
        List<BenchReport.RawReadMethod> tried = new ArrayList<>();
        long rows = 0;
        long bytes = 0;
        for (Method method : METHODS) {
            long started = System.nanoTime();
            long[] rowsAndBytes = read(method);
            double elapsedSeconds = (System.nanoTime() - started) / 1e9;
            rows = rowsAndBytes[0];
            bytes = rowsAndBytes[1];
            tried.add(new BenchReport.RawReadMethod(method.label(), Figures.seconds(elapsedSeconds),
                    Figures.rate(rows, elapsedSeconds)));
        }
        BenchReport.RawReadMethod fastest = tried.stream()
                .max(Comparator.comparingDouble(BenchReport.RawReadMethod::rowsPerSecond)).orElseThrow();
        return new BenchReport.RawReadRun(rows, bytes, fastest.method(), fastest.elapsedSeconds(),
                fastest.rowsPerSecond(), tried);
    }

    /** How the warm-up of the last {@link #measure} ended. */
    JitWarmUp.Result warmUp() {
        return Objects.requireNonNull(warmUp, "measure first");
    }

    /** Reads every row; returns the rows and the bytes of their column values (which also keeps the JIT honest). */
    long[] read(Method method) {
        try (Connection connection = dataSource.getConnection()) {
            return method.kind() == Kind.CURSOR ? readWithCursor(connection, method.rows()) : readInPages(connection, method.rows());
        } catch (SQLException e) {
            throw new StoreException("the raw read benchmark failed: " + e.getMessage(), e);
        }
    }

    private static long[] readWithCursor(Connection connection, int fetchSize) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (StreamedResults streamed = StreamedResults.on(connection);
             PreparedStatement select = connection.prepareStatement(ALL)) {
            select.setFetchSize(fetchSize);
            long[] rowsAndBytes = new long[2];
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    take(row, rowsAndBytes);
                }
            }
            return rowsAndBytes;
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }

    private static long[] readInPages(Connection connection, int pageSize) throws SQLException {
        long[] rowsAndBytes = new long[2];
        long last = -1;
        try (PreparedStatement select = connection.prepareStatement(PAGE)) {
            while (true) {
                select.setLong(1, last);
                select.setInt(2, pageSize);
                long before = rowsAndBytes[0];
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        last = take(row, rowsAndBytes);
                    }
                }
                if (rowsAndBytes[0] - before < pageSize) {
                    return rowsAndBytes;
                }
            }
        }
    }

    /** Fetches every column of the current row as StoredEventReader takes them; returns its global index. */
    private static long take(ResultSet row, long[] rowsAndBytes) throws SQLException {
        // globalindex, type, aggregateidentifier, sequencenumber, eventidentifier, timestamp,
        // payloadtype, payloadrevision, payload, metadata.
        long index = row.getLong(1);
        rowsAndBytes[0]++;
        rowsAndBytes[1] += Long.BYTES + length(row.getString(2)) + length(row.getString(3)) + Long.BYTES
                + length(row.getString(5)) + length(row.getString(6)) + length(row.getString(7))
                + length(row.getString(8)) + length(row.getBytes(9)) + length(row.getBytes(10));
        rowsAndBytes[1] += row.getLong(4) == Long.MIN_VALUE ? 1 : 0;
        return index;
    }

    private static int length(String value) {
        return value == null ? 0 : value.length();
    }

    private static int length(byte[] value) {
        return value == null ? 0 : value.length;
    }
}
