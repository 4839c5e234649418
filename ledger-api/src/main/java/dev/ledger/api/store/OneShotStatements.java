package dev.ledger.api.store;

import org.postgresql.PGStatement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Statements that PostgreSQL plans on every execution, for the writer's command-log lookup in every group.
 *
 * <p>The driver prepares a statement on the server after a few uses, and PostgreSQL may then keep one generic
 * plan for the connection's life. Made while a fresh database's tables were small and not yet analysed (a
 * sequential scan is cheapest then), that plan stays as the tables grow: every command-log lookup then scans the
 * whole log (33 ms per group in the bench, 32-caller throughput down to a third, in about half the runs on a fresh
 * database). A statement that is never prepared on the server is planned with its actual values and the table's
 * current size each time; these are short index lookups whose planning costs microseconds. Other databases, and
 * pools that do not expose the PostgreSQL driver's statement, are left as they are.
 */
public final class OneShotStatements {

    private OneShotStatements() {
    }

    public static PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            if (statement.isWrapperFor(PGStatement.class)) {
                statement.unwrap(PGStatement.class).setPrepareThreshold(0);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }
}
