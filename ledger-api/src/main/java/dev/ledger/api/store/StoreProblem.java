package dev.ledger.api.store;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What went wrong with the store, in one line for a person: the kind of problem (unreachable, connection
 * broken, server shutting down, ...) and the database's or driver's own words with the SQLState. Made from
 * the deepest {@link SQLException} of a failure's causes, which is where the driver says what the server
 * or the network did; the pool's and the ledger's wrappers around it add nothing a reader needs.
 */
public final class StoreProblem {

    private StoreProblem() {
    }

    /** One line: "KIND: MESSAGE [SQLState S]", or "KIND: Type: message" when no SQL exception is involved. */
    public static String describe(Throwable failure) {
        SQLException sql = deepestSqlException(failure);
        if (sql != null) {
            String state = sql.getSQLState();
            return kind(state) + ": " + firstLine(sql.getMessage(), sql)
                    + (state == null || state.isBlank() ? "" : " [SQLState " + state + "]");
        }
        Throwable root = root(failure);
        if (root instanceof StoreException && root.getMessage() != null) {
            return firstLine(root.getMessage(), root);
        }
        return "the store failed: " + root.getClass().getSimpleName() + ": " + firstLine(root.getMessage(), root);
    }

    /** Whether the failure says the database could not be reached or the connection to it broke. */
    public static boolean isConnectionLost(Throwable failure) {
        SQLException sql = deepestSqlException(failure);
        String state = sql == null ? null : sql.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    private static String kind(String state) {
        if (state == null) {
            return "the database failed";
        }
        if (state.equals("08001") || state.equals("08004")) {
            return "the database is unreachable";
        }
        if (state.startsWith("08")) {
            return "the connection to the database broke";
        }
        if (state.equals("57P01") || state.equals("57P02")) {
            return "the database server shut down";
        }
        if (state.equals("57P03")) {
            return "the database server is starting up or shutting down";
        }
        return "the database failed";
    }

    private static SQLException deepestSqlException(Throwable failure) {
        SQLException deepest = null;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                deepest = sql;
            }
        }
        return deepest;
    }

    private static Throwable root(Throwable failure) {
        Throwable root = failure;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        while (root.getCause() != null && seen.put(root, Boolean.TRUE) == null) {
            root = root.getCause();
        }
        return root;
    }

    private static String firstLine(String message, Throwable source) {
        if (message == null || message.isBlank()) {
            return source.getClass().getSimpleName();
        }
        return message.strip().lines().findFirst().orElse(message).strip();
    }
}
