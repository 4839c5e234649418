package dev.ledger.api.store;

import org.axonframework.common.jdbc.PersistenceExceptionResolver;

import java.sql.SQLException;

/**
 * Recognises a unique-key violation by its SQLState, {@code 23505}, which PostgreSQL and H2 both
 * use. On the event table that is two writers appending to one aggregate at once: Axon turns it into
 * a {@code ConcurrencyException}, which the write path retries.
 */
public final class SqlStateDuplicateKeyResolver implements PersistenceExceptionResolver {

    public static final String UNIQUE_VIOLATION = "23505";

    @Override
    public boolean isDuplicateKeyViolation(Exception exception) {
        return isUniqueViolation(exception);
    }

    public static boolean isUniqueViolation(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException()) {
                    if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        return true;
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
