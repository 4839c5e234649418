package dev.ledger.api.store;

import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Objects;

/**
 * The ledger's JDBC transactions: one connection bound to the thread for the life of a transaction.
 * Everything that runs inside it on that thread (event append, command log, token, saga, read-model
 * update) gets the same connection from {@link #getConnection()} and so commits or rolls back
 * together. A transaction started while one is active joins it; only the outermost one commits.
 * Outside a transaction, {@link #getConnection()} hands out a pooled connection in auto-commit mode.
 */
public final class JdbcTransactions implements TransactionManager, ConnectionProvider {

    private final DataSource dataSource;
    /** The thread's transaction connection, and the non-closing view handed out while it is bound. */
    private final ThreadLocal<Connection[]> bound = new ThreadLocal<>();

    public JdbcTransactions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Whether the calling thread is inside a transaction of this manager. */
    public boolean inTransaction() {
        return bound.get() != null;
    }

    @Override
    public Transaction startTransaction() {
        if (bound.get() != null) {
            return JOINED;
        }
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new StoreException("cannot start a database transaction: " + StoreProblem.describe(e), e);
        }
        try {
            connection.setAutoCommit(false);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw new StoreException("cannot start a database transaction: " + StoreProblem.describe(e), e);
        }
        bound.set(new Connection[]{connection, nonClosing(connection)});
        return new Outermost(connection);
    }

    /**
     * Ends the calling thread's transaction if one is still bound to it: rolls it back (ignoring a failure,
     * the connection may be broken) and returns its connection to the pool. A caller that must never leave a
     * transaction behind calls this when it is done, whatever happened: an {@link Error} thrown while a unit
     * of work commits skips its rollback handlers, and a connection left bound would make every later
     * transaction of the thread join it, so that nothing it does would ever commit. Returns whether there
     * was one.
     */
    public boolean abandon() {
        Connection[] connection = bound.get();
        if (connection == null) {
            return false;
        }
        bound.remove();
        try {
            connection[0].rollback();
        } catch (SQLException | RuntimeException ignored) {
            // A broken connection cannot roll back; the server drops its transaction with it.
        }
        resetAndClose(connection[0]);
        return true;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection[] connection = bound.get();
        if (connection != null) {
            return connection[1];
        }
        return dataSource.getConnection();
    }

    private final class Outermost implements Transaction {
        private final Connection connection;

        private Outermost(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void commit() {
            try {
                connection.commit();
            } catch (SQLException e) {
                throw new StoreException("commit failed: " + StoreProblem.describe(e), e);
            } finally {
                release();
            }
        }

        @Override
        public void rollback() {
            try {
                connection.rollback();
            } catch (SQLException e) {
                throw new StoreException("rollback failed: " + StoreProblem.describe(e), e);
            } finally {
                release();
            }
        }

        private void release() {
            bound.remove();
            resetAndClose(connection);
        }
    }

    /** Back to auto-commit and to the pool; closed even when the reset fails (the pool discards a broken one). */
    private static void resetAndClose(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException | RuntimeException ignored) {
            // Broken: the pool evicts it on close.
        } finally {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException ignored) {
            // Nothing else to undo.
        }
    }

    /** A transaction started inside another one: the outermost one decides. */
    private static final Transaction JOINED = new Transaction() {
        @Override
        public void commit() {
        }

        @Override
        public void rollback() {
            // The outermost transaction rolls back as a whole when its unit of work fails.
        }
    };

    private static Connection nonClosing(Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "close":
                    return null;
                case "isClosed":
                    return connection.isClosed();
                case "commit":
                case "rollback":
                case "setAutoCommit":
                    if (method.getName().equals("setAutoCommit") && Boolean.FALSE.equals(args[0])) {
                        return null;
                    }
                    if (method.getName().equals("rollback") && args != null && args.length == 1) {
                        // Back to a savepoint: undoes part of the transaction (a skipped snapshot), never ends it.
                        connection.rollback((Savepoint) args[0]);
                        return null;
                    }
                    // Axon's JDBC helpers never commit a connection they were given; nor may anyone else.
                    throw new IllegalStateException(method.getName() + " on a connection owned by a ledger transaction");
                default:
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        };
        return (Connection) Proxy.newProxyInstance(JdbcTransactions.class.getClassLoader(),
                new Class<?>[]{Connection.class}, handler);
    }
}
