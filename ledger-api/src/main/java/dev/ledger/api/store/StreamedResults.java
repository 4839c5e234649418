package dev.ledger.api.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Has an H2 connection stream the rows of its queries as they are read, instead of copying each whole result
 * into a temporary file before handing over the first row (H2's default, which cost a full scan of the event
 * table more than its read); nothing on other databases. For a long read of the event table with a cursor:
 * a rebuild, an export, the raw read benchmark. Closing puts the connection back to H2's default (the ledger's
 * URLs never change it) before it returns to the pool.
 */
public final class StreamedResults implements AutoCloseable {

    private final Connection connection;
    private final boolean h2;

    private StreamedResults(Connection connection, boolean h2) {
        this.connection = connection;
        this.h2 = h2;
    }

    public static StreamedResults on(Connection connection) throws SQLException {
        boolean h2 = "H2".equals(connection.getMetaData().getDatabaseProductName());
        if (h2) {
            lazy(connection, true);
        }
        return new StreamedResults(connection, h2);
    }

    @Override
    public void close() throws SQLException {
        if (h2) {
            lazy(connection, false);
        }
    }

    private static void lazy(Connection connection, boolean lazy) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LAZY_QUERY_EXECUTION " + (lazy ? "TRUE" : "FALSE"));
        }
    }
}
