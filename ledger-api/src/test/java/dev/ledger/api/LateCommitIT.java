package dev.ledger.api;

import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.Recomputed;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.api.feed.EventFeed;
import dev.ledger.api.feed.FeedCursor;
import dev.ledger.api.feed.FeedEvent;
import dev.ledger.api.store.GapWatch;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoredEventReader;
import dev.ledger.domain.event.AccountOpened;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.value.AccountType;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import dev.ledger.api.read.ReadModelLagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.ledger.api.support.Commands.deposit;
import static dev.ledger.api.support.Commands.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * AxonFramework issue #4829: with the JDBC event store a global index is drawn before the appending
 * transaction commits, and a tracking reader that sees index n+1 while n is still uncommitted keeps
 * n as a gap only if the event at n+1 looks younger than {@code gapTimeout} (by its message
 * timestamp, stamped before the commit). Otherwise it moves past n for good, and when n commits it
 * is never read: a read model stays one event short, silently.
 *
 * <p>The ledger's readers (read models, the event feed, rebuilds, exports) never pass such a gap. On H2
 * appends commit in index order (the append lock), so a reader never sees n+1 before n. On PostgreSQL appends
 * commit in any order (writers do not wait for each other), and a reader stops at a gap until no transaction
 * that may fill it is in flight any more ({@code CommitHorizon}, {@code GapWatch}). The first test holds an
 * append open well past Axon's gap timeout while commands are sent, and shows that no reader passes it while
 * it is open and every reader gets everything once it commits; the second is the control: the same
 * interleaving with Axon's plain appends and tracking reader, which loses the late event.
 *
 * <p>The waits below are one-sided: they only make the late transaction older than the gap timeout,
 * which makes the hazard certain without the guard; no assertion depends on how long anything took.
 */
class LateCommitIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final Duration GAP_TIMEOUT = Duration.ofMillis(200);
    /** Comfortably past the gap timeout: every event appended before it "looks old" afterwards. */
    private static final long AGE_PAST_GAP_TIMEOUT_MS = GAP_TIMEOUT.toMillis() * 3;

    @OnEveryStore
    void readersNeverPassAnEventWhoseAppendCommitsLongAfterItsIndexWasDrawnAndGetItAndEveryLaterOne(StoreKind store)
            throws Exception {
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(store)).readModelTimeout(Duration.ofSeconds(20)));
        LedgerStore ledgerStore = ledger.store();
        assertThat(ledger.execute(open("alice:FUTURES"))).isInstanceOf(Outcome.Accepted.class);
        assertThat(ledger.execute(deposit("alice:FUTURES", "USDT", "100"))).isInstanceOf(Outcome.Accepted.class);
        assertThat(ledger.execute(open("bob:FUTURES"))).isInstanceOf(Outcome.Accepted.class);
        ledger.awaitReadModels();
        EventFeed feed = EventFeed.on(ledgerStore);
        List<Long> before = readAll(feed).stream().map(FeedEvent::position).toList();

        long lateIndex;
        // alice:FUTURES holds AccountOpened (#0) and FundsDeposited (#1); the late deposit is #2. Appended through
        // the ledger's event storage, as the writer appends (its transaction id taken first).
        try (OpenAppend late = OpenAppend.of(ledgerStore, ledgerStore.eventStorage(), new GenericDomainEventMessage<>(
                "Account", "alice:FUTURES", 2L, new FundsDeposited("alice:FUTURES", "USDT", new BigDecimal("7"),
                new BigDecimal("107"))))) {
            // Only the open transaction sees its event; to everyone else its index is a hole after the head.
            long openIndex = late.index();
            assertThat(openIndex).isEqualTo(before.get(before.size() - 1) + 1);

            // Commands sent while the late append holds its index, on another account.
            List<CompletableFuture<Outcome>> sent = new ArrayList<>();
            sent.add(ledger.submit(deposit("bob:FUTURES", "USDT", "1")));
            sent.add(ledger.submit(deposit("bob:FUTURES", "USDT", "2")));
            sent.add(ledger.submit(deposit("bob:FUTURES", "USDT", "3")));
            if (ledgerStore.isPostgres()) {
                // Writers do not wait for each other: the commands commit above the open append's index.
                for (CompletableFuture<Outcome> outcome : sent) {
                    assertThat(outcome.get(20, TimeUnit.SECONDS)).isInstanceOf(Outcome.Accepted.class);
                }
                assertThat(committedHead(ledgerStore)).isGreaterThan(openIndex);
            }
            Thread.sleep(AGE_PAST_GAP_TIMEOUT_MS);
            if (!ledgerStore.isPostgres()) {
                // One writer process, appends in index order: the commands wait for the open append's lock.
                assertThat(sent).as("commands sent behind an open append").noneMatch(CompletableFuture::isDone);
                assertThat(committedHead(ledgerStore)).isLessThan(openIndex);
            }

            // No reader passes the open append's index, however long it stays open.
            assertThat(ledger.readModelStatus()).allSatisfy(status ->
                    assertThat(status.position()).as(status.name()).isLessThan(openIndex));
            assertThat(feed.read(FeedCursor.start(), 100)).extracting(FeedEvent::position).isEqualTo(before);
            GapWatch gaps = new GapWatch();
            try (Connection connection = ledgerStore.dataSource().getConnection()) {
                assertThat(ledgerStore.eventReader().next(connection, -1, 100, gaps))
                        .extracting(StoredEventReader.Indexed::globalIndex).isEqualTo(before);
            }
            assertThat(gaps.blocked()).as("stopped at a gap that may still fill").isEqualTo(ledgerStore.isPostgres());

            lateIndex = late.commit();
            for (CompletableFuture<Outcome> outcome : sent) {
                assertThat(outcome.get()).isInstanceOf(Outcome.Accepted.class);
            }
        }

        // The ledger's cached alice:FUTURES predates the late event: this deposit first collides with it on
        // the aggregate's sequence, is retried on reloaded state, and books on top of it.
        assertThat(ledger.execute(deposit("alice:FUTURES", "USDT", "10"))).isInstanceOf(Outcome.Accepted.class);

        // Every reader gets the late event and everything after it, in index order.
        List<FeedEvent> all = readAll(feed);
        assertThat(all).extracting(FeedEvent::position).isSorted().doesNotHaveDuplicates().contains(lateIndex)
                .startsWith(before.toArray(Long[]::new)).hasSize(before.size() + 5);
        assertThat(all.subList(before.size(), all.size())).extracting(e -> (FundsDeposited) e.payload())
                .containsExactlyInAnyOrder(
                new FundsDeposited("alice:FUTURES", "USDT", new BigDecimal("7"), new BigDecimal("107")),
                new FundsDeposited("bob:FUTURES", "USDT", new BigDecimal("1"), new BigDecimal("1")),
                new FundsDeposited("bob:FUTURES", "USDT", new BigDecimal("2"), new BigDecimal("3")),
                new FundsDeposited("bob:FUTURES", "USDT", new BigDecimal("3"), new BigDecimal("6")),
                new FundsDeposited("alice:FUTURES", "USDT", new BigDecimal("10"), new BigDecimal("117")));

        ledger.awaitReadModels();
        assertThat(ledger.readModelStatus()).allSatisfy(status ->
                assertThat(status.position()).as(status.name()).isEqualTo(ledgerStore.headIndex()));
        assertThat(LedgerCommandsIT.wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("117");
        assertThat(LedgerCommandsIT.wallet(ledger, "bob:FUTURES", "USDT")).isEqualByComparingTo("6");
        Recomputed folded = Recomputed.fold(RawEvents.read(ledgerStore.dataSource()));
        assertThat(Recomputed.readModel(ledger, folded.accounts())).isEqualTo(folded.balances());
    }

    @Test
    void onPostgresAQueryThatWaitsForAReadModelStoppedAtAnOpenAppendSaysWhatItWaitsFor() throws Exception {
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(StoreKind.POSTGRES))
                .stallTimeout(Duration.ofMillis(500)).readModelTimeout(Duration.ofSeconds(30)));
        LedgerStore ledgerStore = ledger.store();
        assertThat(ledger.execute(open("alice:FUTURES"))).isInstanceOf(Outcome.Accepted.class);
        assertThat(ledger.execute(open("bob:FUTURES"))).isInstanceOf(Outcome.Accepted.class);
        ledger.awaitReadModels();

        try (OpenAppend late = OpenAppend.of(ledgerStore, ledgerStore.eventStorage(), new GenericDomainEventMessage<>(
                "Account", "alice:FUTURES", 1L, new FundsDeposited("alice:FUTURES", "USDT", new BigDecimal("7"),
                new BigDecimal("7"))))) {
            assertThat(ledger.execute(deposit("bob:FUTURES", "USDT", "1"))).isInstanceOf(Outcome.Accepted.class);

            // Fails within twice the stall timeout (not the 30 s read-model timeout), naming the cause.
            assertThatThrownBy(ledger::awaitReadModels).isInstanceOf(ReadModelLagException.class)
                    .hasMessageContaining("waits at position")
                    .hasMessageContaining("a transaction that is open on the database");

            late.commit();
        }
        ledger.awaitReadModels();
        assertThat(LedgerCommandsIT.wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("7");
        assertThat(LedgerCommandsIT.wallet(ledger, "bob:FUTURES", "USDT")).isEqualByComparingTo("1");
        assertThat(ledger.readModelStatus()).allSatisfy(status -> assertThat(status.recoveries()).as(status.name()).isZero());
    }

    @OnEveryStore
    void withoutTheAppendLockATrackingReaderSkipsAnEventThatCommitsPastTheGapTimeout(StoreKind store) throws Exception {
        try (LedgerStore ledgerStore = LedgerStore.open(Stores.fresh(store))) {
            // Axon's own appends: the same table, serializer and gap timeout, but no append lock.
            JdbcEventStorageEngine plain = JdbcEventStorageEngine.builder()
                    .connectionProvider(ledgerStore.transactions())
                    .transactionManager(ledgerStore.transactions())
                    .eventSerializer(ledgerStore.serializer())
                    .snapshotSerializer(ledgerStore.serializer())
                    .gapTimeout((int) GAP_TIMEOUT.toMillis())
                    .build();
            appendAndCommit(plain, "first:FUTURES");
            Reader reader = new Reader(plain);
            assertThat(reader.readAvailable()).hasSize(1);

            long lateIndex;
            try (OpenAppend late = OpenAppend.of(ledgerStore, plain, opened("late:FUTURES"))) {
                // Without the lock a later append draws the next index and commits first.
                appendAndCommit(plain, "next:FUTURES");
                Thread.sleep(AGE_PAST_GAP_TIMEOUT_MS);

                List<TrackedEventMessage<?>> seen = reader.readAvailable();
                assertThat(seen).extracting(m -> ((AccountOpened) m.getPayload()).account()).containsExactly("next:FUTURES");
                // The event after the hole looks older than the gap timeout, so the hole is not kept.
                assertThat(((GapAwareTrackingToken) reader.token).getGaps()).isEmpty();

                lateIndex = late.commit();
            }
            appendAndCommit(plain, "last:FUTURES");

            // The reader goes on from its token: it gets the event after the late one, never the late one,
            // although the late one is committed and below it (a reader that kept the gap would get it first).
            assertThat(reader.readAvailable()).extracting(m -> ((AccountOpened) m.getPayload()).account())
                    .containsExactly("last:FUTURES");
            assertThat(RawEvents.read(ledgerStore.dataSource())).extracting(RawEvents.Row::globalIndex).contains(lateIndex);
            assertThat(((GapAwareTrackingToken) reader.token).getIndex()).isGreaterThan(lateIndex);
        }
    }

    /** Every event the feed has, read on batch after batch (a read may stop short at a gap that may still fill). */
    private static List<FeedEvent> readAll(EventFeed feed) {
        List<FeedEvent> all = new ArrayList<>();
        FeedCursor cursor = FeedCursor.start();
        List<FeedEvent> batch;
        while (!(batch = feed.read(cursor, 100)).isEmpty()) {
            all.addAll(batch);
            cursor = batch.get(batch.size() - 1).next();
        }
        return all;
    }

    /**
     * One event appended in a transaction held open on a thread of its own until {@link #commit()}; closing commits
     * it too, if the test ended before.
     */
    private static final class OpenAppend implements AutoCloseable {
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final CountDownLatch appended = new CountDownLatch(1);
        private final CountDownLatch commitNow = new CountDownLatch(1);
        private final AtomicLong index = new AtomicLong(-1);
        private Future<Long> done;

        static OpenAppend of(LedgerStore store, EventStorageEngine engine, GenericDomainEventMessage<?> event)
                throws InterruptedException {
            OpenAppend open = new OpenAppend();
            open.done = open.thread.submit(() -> {
                Transaction transaction = store.transactions().startTransaction();
                try {
                    engine.appendEvents(List.of(event));
                    open.index.set(indexOf(store.transactions().getConnection(), event.getAggregateIdentifier(),
                            event.getSequenceNumber()));
                    open.appended.countDown();
                    open.commitNow.await();
                    transaction.commit();
                    return open.index.get();
                } catch (Throwable e) {
                    open.appended.countDown();
                    transaction.rollback();
                    throw e;
                }
            });
            open.appended.await();
            assertThat(open.index.get()).as("the open append drew its index").isPositive();
            return open;
        }

        /** The global index the open append drew; only its own transaction sees the event. */
        long index() {
            return index.get();
        }

        /** Commits the append and returns its index. */
        long commit() throws Exception {
            commitNow.countDown();
            return done.get();
        }

        @Override
        public void close() {
            commitNow.countDown();
            thread.shutdown();
        }
    }

    /** A tracking reader over an event storage engine, as a tracking processor uses it, one poll at a time. */
    private static final class Reader {
        private final EventStorageEngine engine;
        private TrackingToken token;

        Reader(EventStorageEngine engine) {
            this.engine = engine;
        }

        /** Every event available now after this reader's token; advances the token. */
        List<TrackedEventMessage<?>> readAvailable() {
            List<TrackedEventMessage<?>> events;
            try (Stream<? extends TrackedEventMessage<?>> stream = engine.readEvents(token, false)) {
                events = stream.collect(Collectors.toList());
            }
            if (!events.isEmpty()) {
                token = events.get(events.size() - 1).trackingToken();
            }
            return events;
        }
    }

    private static GenericDomainEventMessage<AccountOpened> opened(String account) {
        String user = account.substring(0, account.indexOf(':'));
        return new GenericDomainEventMessage<>("Account", account, 0L, new AccountOpened(account, user, AccountType.FUTURES));
    }

    private static void appendAndCommit(EventStorageEngine engine, String account) {
        engine.appendEvents(List.of(opened(account)));
    }

    /** The global index of one event, read on {@code connection} (which may see its own uncommitted insert). */
    private static long indexOf(Connection connection, String aggregate, long sequence) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT globalindex FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber = ?")) {
            query.setString(1, aggregate);
            query.setLong(2, sequence);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("event %s #%d is visible to its own transaction", aggregate, sequence).isTrue();
                return row.getLong(1);
            }
        } finally {
            connection.close();
        }
    }

    /** The highest global index committed, as another connection sees it. */
    private static long committedHead(LedgerStore store) throws SQLException {
        try (Connection connection = store.dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT MAX(globalindex) FROM domainevententry");
             ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }
}
