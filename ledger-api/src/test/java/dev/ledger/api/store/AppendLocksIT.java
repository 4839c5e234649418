package dev.ledger.api.store;

import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.IntStream;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The append locks on PostgreSQL: groups exclude each other only where one appends to an aggregate the other
 * touches, and a retry locks what its failed attempt touched before it reads. Each case holds one transaction's locks open and
 * looks whether another transaction's locks are granted; "waits" is shown by a lock not granted within a bound and
 * granted as soon as the holder ends, so no assertion depends on timing in the passing direction.
 */
class AppendLocksIT {

    private static final long NOT_GRANTED_WITHIN_MS = 300;

    private LedgerStore store;
    private Connection holder;
    private ExecutorService other;

    @BeforeEach
    void open() throws SQLException {
        store = LedgerStore.open(Stores.fresh(StoreKind.POSTGRES));
        holder = store.dataSource().getConnection();
        holder.setAutoCommit(false);
        other = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void close() throws SQLException {
        other.shutdownNow();
        holder.rollback();
        holder.close();
        store.close();
    }

    @Test
    void groupsOnDisjointAggregatesDoNotWaitForEachOther() throws Exception {
        store.appendLocks().lockForGroup(holder, Set.of("alice:FUTURES", "alice:COPY"), Set.of("MARKET"));
        assertThat(lockInOtherTransaction(Set.of("bob:FUTURES"), Set.of("MARKET")).get(10, TimeUnit.SECONDS)).isTrue();
        // ... but one that reads what the first appends to does.
        CompletableFuture<Boolean> reader = lockInOtherTransaction(Set.of(), Set.of("alice:COPY", "carol:ELITE"));
        assertThatThrownBy(() -> reader.get(NOT_GRANTED_WITHIN_MS, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        holder.commit();
        assertThat(reader.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aGroupThatReadWhatAnotherAppendsToWaitsUntilThatOneEnds() throws Exception {
        store.appendLocks().lockForGroup(holder, Set.of("alice:FUTURES"), Set.of());
        CompletableFuture<Boolean> reader = lockInOtherTransaction(Set.of("bob:FUTURES"), Set.of("alice:FUTURES"));
        assertThatThrownBy(() -> reader.get(NOT_GRANTED_WITHIN_MS, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        holder.commit();
        assertThat(reader.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aGroupThatAppendsToWhatAnotherReadWaitsUntilThatOneEnds() throws Exception {
        store.appendLocks().lockForGroup(holder, Set.of("bob:FUTURES"), Set.of("MARKET"));
        CompletableFuture<Boolean> ticker = lockInOtherTransaction(Set.of("MARKET"), Set.of());
        assertThatThrownBy(() -> ticker.get(NOT_GRANTED_WITHIN_MS, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        holder.rollback();
        assertThat(ticker.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aRetryLocksWhatItsFailedAttemptTouchedBeforeItReadsAndHoldsBackOnlyGroupsOnThose() throws Exception {
        store.appendLocks().lockForRetry(holder, Set.of("alice:FUTURES", "MARKET"));
        // A group on other aggregates goes on; one that only reads the market waits, as does one on alice.
        assertThat(lockInOtherTransaction(Set.of("bob:FUTURES"), Set.of()).get(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> fill = lockInOtherTransaction(Set.of("bob:FUTURES"), Set.of("MARKET"));
        assertThatThrownBy(() -> fill.get(NOT_GRANTED_WITHIN_MS, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        holder.commit();
        assertThat(fill.get(10, TimeUnit.SECONDS)).isTrue();

        // The other way round: a group under way on alice holds the retry back until it ends.
        store.appendLocks().lockForGroup(holder, Set.of(), Set.of("alice:FUTURES"));
        CompletableFuture<Boolean> retry = inOtherTransaction(connection ->
                store.appendLocks().lockForRetry(connection, Set.of("alice:FUTURES")));
        assertThatThrownBy(() -> retry.get(NOT_GRANTED_WITHIN_MS, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        holder.commit();
        assertThat(retry.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aGroupOfMoreAggregatesThanOneStatementHoldsTakesThemAll() throws Exception {
        List<String> many = IntStream.range(0, 2_500).mapToObj(i -> "user" + i + ":FUTURES").toList();
        store.appendLocks().lockForGroup(holder, Set.copyOf(many), Set.of("MARKET"));
        CompletableFuture<Boolean> last = lockInOtherTransaction(Set.of(), Set.of(many.get(many.size() - 1)));
        assertThatThrownBy(() -> last.get(NOT_GRANTED_WITHIN_MS, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        holder.commit();
        assertThat(last.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aGroupThatAppendsTakesItsTransactionIdWithItsLocksAndItsAppendNeedsNoStatementForIt() throws Exception {
        AtomicInteger statements = new AtomicInteger();
        Connection counted = countingStatements(holder, statements);

        store.appendLocks().lockForGroup(counted, Set.of("alice:FUTURES"), Set.of("MARKET"));
        assertThat(statements).as("the locks and the transaction id in one statement").hasValue(1);
        assertThat(transactionId(holder)).as("the transaction id, taken before any index is drawn").isNotNull();
        store.appendLocks().beforeInsert(counted);
        assertThat(statements).as("the append takes no statement of its own").hasValue(1);
        store.appendLocks().beforeInsert(counted);
        assertThat(statements).as("once only: a second append takes it again").hasValue(2);
        holder.rollback();

        // A group that only read takes no transaction id with its locks; an append then takes its own.
        store.appendLocks().lockForGroup(counted, Set.of(), Set.of("MARKET"));
        assertThat(transactionId(holder)).isNull();
        store.appendLocks().beforeInsert(counted);
        assertThat(statements).hasValue(4);
        assertThat(transactionId(holder)).isNotNull();
    }

    /** The transaction id of {@code connection}'s transaction, null while it has none. */
    private static String transactionId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT pg_current_xact_id_if_assigned()::text")) {
            row.next();
            return row.getString(1);
        }
    }

    /** {@code connection}, counting the statements created on it. */
    private static Connection countingStatements(Connection connection, AtomicInteger statements) {
        return (Connection) Proxy.newProxyInstance(AppendLocksIT.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createStatement") || method.getName().equals("prepareStatement")) {
                        statements.incrementAndGet();
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private CompletableFuture<Boolean> lockInOtherTransaction(Set<String> appendedTo, Set<String> onlyRead) {
        return inOtherTransaction(connection -> store.appendLocks().lockForGroup(connection, appendedTo, onlyRead));
    }

    private interface Locking {
        void lock(Connection connection) throws SQLException;
    }

    /** Runs {@code locking} in a transaction of its own on another thread; true once granted (then rolls back). */
    private CompletableFuture<Boolean> inOtherTransaction(Locking locking) {
        CompletableFuture<Boolean> granted = new CompletableFuture<>();
        other.submit(() -> {
            try (Connection connection = store.dataSource().getConnection()) {
                connection.setAutoCommit(false);
                try {
                    locking.lock(connection);
                    granted.complete(true);
                } finally {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
            } catch (Throwable e) {
                granted.completeExceptionally(e);
            }
        });
        return granted;
    }
}
