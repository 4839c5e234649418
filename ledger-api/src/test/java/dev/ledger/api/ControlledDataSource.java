package dev.ledger.api;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ledger.api.store.StoreSettings;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A pool over a fresh in-memory H2 database that a test can hold up or break, for the threads it names: the
 * writer's connections wait behind a gate while it is closed; the next N connections of a thread fail; the whole
 * pool can be closed. The ledger is given it with {@code Builder.dataSource}, so the test owns and closes it.
 */
final class ControlledDataSource implements DataSource, AutoCloseable {

    static final String WRITER = "ledger-writer";

    private final HikariDataSource pool;
    private volatile CountDownLatch writerGate;
    private final CountDownLatch writerWaiting = new CountDownLatch(1);
    private final ConcurrentHashMap<String, AtomicInteger> failures = new ConcurrentHashMap<>();

    ControlledDataSource() {
        StoreSettings settings = StoreSettings.inMemory("controlled_" + UUID.randomUUID().toString().replace("-", ""));
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(20);
        config.setConnectionTimeout(2_000);
        this.pool = new HikariDataSource(config);
    }

    /** From now on the writer's connections wait until {@link #openWriterGate()}. */
    void closeWriterGate() {
        writerGate = new CountDownLatch(1);
    }

    void openWriterGate() {
        CountDownLatch gate = writerGate;
        writerGate = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    /** Waits until the writer waits at the closed gate. */
    boolean awaitWriterWaiting(long seconds) throws InterruptedException {
        return writerWaiting.await(seconds, TimeUnit.SECONDS);
    }

    /** The next {@code count} connections asked for by the thread named {@code threadName} fail. */
    void failNext(String threadName, int count) {
        failures.computeIfAbsent(threadName, name -> new AtomicInteger()).addAndGet(count);
    }

    @Override
    public Connection getConnection() throws SQLException {
        String thread = Thread.currentThread().getName();
        AtomicInteger toFail = failures.get(thread);
        if (toFail != null && toFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new SQLException("test: connection refused for " + thread, "08001");
        }
        CountDownLatch gate = writerGate;
        if (gate != null && thread.equals(WRITER)) {
            writerWaiting.countDown();
            try {
                if (!gate.await(60, TimeUnit.SECONDS)) {
                    throw new SQLException("test: the writer gate stayed closed for 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("test: interrupted at the writer gate", e);
            }
        }
        return pool.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    /** Closes the pool: every later connection fails, as with a database gone away. */
    @Override
    public void close() {
        openWriterGate();
        pool.close();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper of " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
