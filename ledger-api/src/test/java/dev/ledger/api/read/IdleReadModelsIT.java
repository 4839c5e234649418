package dev.ledger.api.read;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static dev.ledger.api.support.Commands.deposit;
import static dev.ledger.api.support.Commands.open;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An idle ledger leaves the database alone: while no event arrives, the read-model runners do not lock their
 * rows in {@code rm_projection_state} (on PostgreSQL each such lock takes a transaction id and writes WAL), and
 * only the watcher looks at the head of the event store. Events that then arrive are applied at once. The
 * statements are counted on the ledger's own connections, through the data source the test gives it.
 */
class IdleReadModelsIT {

    private static final String ROW_LOCK = "FOR UPDATE SKIP LOCKED";
    private static final String HEAD = "SELECT MAX(globalindex) FROM domainevententry";

    @OnEveryStore
    void locksNoReadModelWhileNothingArrivesAndAppliesWhatThenArrives(StoreKind kind) throws Exception {
        StoreSettings settings = Stores.fresh(kind);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(20);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            CountingDataSource counted = new CountingDataSource(pool);
            try (Ledger ledger = Ledger.builder().dataSource(counted.proxy()).pollInterval(Duration.ofMillis(10)).build()) {
                assertThat(ledger.execute(open("ann:FUTURES"))).isInstanceOf(Outcome.Accepted.class);
                assertThat(ledger.execute(deposit("ann:FUTURES", "USDT", "100"))).isInstanceOf(Outcome.Accepted.class);
                ledger.awaitReadModels();
                // Let every runner make the round that finds nothing, then count over the watcher's next 30 looks.
                awaitHeadReads(counted, 10);
                long locksBefore = counted.rowLocks.get();
                awaitHeadReads(counted, 30);
                assertThat(counted.rowLocks.get() - locksBefore).as("read-model row locks while idle").isZero();

                assertThat(ledger.execute(deposit("ann:FUTURES", "USDT", "5"))).isInstanceOf(Outcome.Accepted.class);
                ledger.awaitReadModels();
                assertThat(ledger.balance("ann:FUTURES").orElseThrow().balances().get(0).wallet())
                        .isEqualByComparingTo("105");
                assertThat(counted.rowLocks.get()).as("row locks once an event arrived").isGreaterThan(locksBefore);
            }
        }
    }

    private static void awaitHeadReads(CountingDataSource counted, long more) throws InterruptedException {
        long target = counted.headReads.get() + more;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (counted.headReads.get() < target) {
            assertThat(System.nanoTime()).as("the watcher looks at the head").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** Counts the statements prepared on its connections that lock a read model's row or read the head. */
    private static final class CountingDataSource {
        final AtomicLong rowLocks = new AtomicLong();
        final AtomicLong headReads = new AtomicLong();
        private final DataSource target;

        CountingDataSource(DataSource target) {
            this.target = target;
        }

        DataSource proxy() {
            return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{DataSource.class},
                    forwarding(target, (method, args, result) -> method.getName().equals("getConnection")
                            ? connection((Connection) result) : result));
        }

        private Connection connection(Connection connection) {
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                    forwarding(connection, (method, args, result) -> {
                        if (method.getName().equals("prepareStatement") && args[0] instanceof String sql) {
                            if (sql.contains(ROW_LOCK)) {
                                rowLocks.incrementAndGet();
                            } else if (sql.equals(HEAD)) {
                                headReads.incrementAndGet();
                            }
                        }
                        return result;
                    }));
        }

        private interface After {
            Object apply(java.lang.reflect.Method method, Object[] args, Object result) throws Exception;
        }

        private static InvocationHandler forwarding(Object target, After after) {
            return (proxy, method, args) -> {
                try {
                    return after.apply(method, args, method.invoke(target, args));
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            };
        }
    }
}
