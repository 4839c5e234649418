package dev.ledger.api.feed;

import dev.ledger.api.Ledger;
import dev.ledger.api.audit.CloudEventRenderer;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.Commands;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.MarkPriceUpdated;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventFeedTest {

    private static final String[] USERS = {"alice", "bob", "carol"};
    private static final Duration WAIT = Duration.ofSeconds(20);

    private StoreSettings settings;
    private Ledger ledger;

    @BeforeEach
    void setUp() {
        settings = StoreSettings.inMemory("feed-" + UUID.randomUUID());
        // A long poll interval: what a subscription of this ledger sees quickly, it sees because it was woken.
        ledger = Ledger.builder().store(settings).pollInterval(Duration.ofSeconds(30)).build();
        ledger.executeAll(FeedHistory.setUp(USERS));
        for (int round = 0; round < 3; round++) {
            ledger.executeAll(FeedHistory.round(round, USERS));
        }
    }

    @AfterEach
    void tearDown() {
        ledger.close();
    }

    private List<FeedEvent> readAll(FeedCursor from) {
        return ledger.feed().read(from, 100_000);
    }

    @Test
    void linesFromTheStartAreTheExportsLinesByteForByte() {
        List<String> exported = FeedHistory.exportedLines(ledger.store());

        List<String> fed = readAll(FeedCursor.start()).stream().map(FeedEvent::cloudEvent).toList();

        assertThat(exported).hasSizeGreaterThan(50);
        assertThat(fed).isEqualTo(exported);
    }

    @Test
    void readingOnFromEachBatchsNextCursorGivesTheSameLinesAsOneRead() {
        List<FeedEvent> whole = readAll(FeedCursor.start());
        List<FeedEvent> paged = new ArrayList<>();
        FeedCursor cursor = FeedCursor.start();
        while (true) {
            List<FeedEvent> page = ledger.feed().read(cursor, 7);
            if (page.isEmpty()) {
                break;
            }
            assertThat(page).hasSizeLessThanOrEqualTo(7);
            paged.addAll(page);
            cursor = page.get(page.size() - 1).next();
        }
        assertThat(paged).extracting(FeedEvent::cloudEvent).isEqualTo(whole.stream().map(FeedEvent::cloudEvent).toList());
        assertThat(cursor.position()).isEqualTo(ledger.feed().head() + 1);
    }

    @Test
    void aFeedFromAPositionStartsItsChainThereAndOtherwiseHasTheExportsLines() {
        List<String> exported = FeedHistory.exportedLines(ledger.store());
        List<FeedEvent> all = readAll(FeedCursor.start());
        FeedEvent middle = all.get(all.size() / 2);

        List<FeedEvent> fromMiddle = readAll(FeedCursor.at(middle.position()));

        assertThat(fromMiddle.get(0).position()).isEqualTo(middle.position());
        assertThat(fromMiddle.get(0).prevHash()).isEqualTo(CloudEventRenderer.GENESIS);
        assertThat(fromMiddle).extracting(e -> FeedHistory.unchained(e.cloudEvent()))
                .isEqualTo(exported.subList(all.size() / 2, exported.size()).stream().map(FeedHistory::unchained).toList());
        // Resumed with the hash of the event before, the chain is the export's again.
        FeedEvent before = all.get(all.size() / 2 - 1);
        assertThat(readAll(before.next())).extracting(FeedEvent::cloudEvent)
                .isEqualTo(exported.subList(all.size() / 2, exported.size()));
    }

    @Test
    void anEventCarriesWhereItStandsWhatItIsAndWhomItConcerns() {
        List<FeedEvent> all = readAll(FeedCursor.start());
        FeedEvent deposit = all.stream().filter(e -> e.type().equals("FundsDeposited")).findFirst().orElseThrow();
        FeedEvent tick = all.stream().filter(e -> e.type().equals("MarkPriceUpdated")).findFirst().orElseThrow();

        assertThat(deposit.aggregate()).isEqualTo("alice:FUTURES");
        assertThat(deposit.account()).isEqualTo("alice:FUTURES");
        assertThat(deposit.user()).isEqualTo("alice");
        assertThat(deposit.sequence()).isEqualTo(1);
        assertThat(deposit.payloadType()).isEqualTo(FundsDeposited.class.getName());
        assertThat(deposit.revision()).isEqualTo("1");
        assertThat(deposit.commandId()).startsWith("cmd-");
        assertThat(deposit.payload()).isInstanceOf(FundsDeposited.class);
        assertThat(((FundsDeposited) deposit.payload()).amount()).isEqualByComparingTo(new BigDecimal("100000"));
        assertThat(deposit.payloadJson()).contains("\"amount\":\"100000\"");
        assertThat(deposit.cloudEvent()).contains("\"id\":\"" + deposit.eventId() + "\"")
                .contains("\"ledgerposition\":\"" + deposit.position() + "\"")
                .contains("\"subject\":\"alice:FUTURES\"")
                .contains("\"type\":\"dev.ledger.FundsDeposited.v1\"")
                .contains("\"time\":\"" + deposit.timestamp() + "\"");
        assertThat(tick.aggregate()).isEqualTo("MARKET");
        assertThat(tick.user()).isNull();
        assertThat(tick.account()).isNull();
        assertThat(tick.payload()).isInstanceOf(MarkPriceUpdated.class);
        assertThat(all).extracting(FeedEvent::position).isSorted().doesNotHaveDuplicates();
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).prevHash()).isEqualTo(all.get(i - 1).hash());
        }
    }

    @Test
    void aSubscriptionDeliversEveryEventInOrderThenEachNewCommitAtOnce() throws Exception {
        List<FeedEvent> received = new CopyOnWriteArrayList<>();
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        long head = ledger.feed().head();
        try (Subscription subscription = ledger.feed().subscribe(FeedCursor.start(), 10, batch -> {
            batchSizes.add(batch.size());
            received.addAll(batch);
        })) {
            assertThat(subscription.awaitDelivered(head, WAIT)).isTrue();
            assertThat(received).extracting(FeedEvent::cloudEvent).isEqualTo(FeedHistory.exportedLines(ledger.store()));
            assertThat(batchSizes).allMatch(size -> size >= 1 && size <= 10);

            // The ledger polls every 30 s: this arrives within the wait only because the commit wakes the feed.
            long started = System.nanoTime();
            ledger.execute(Commands.deposit("bob:FUTURES", "USDT", "5"));
            long newHead = ledger.feed().head();
            assertThat(subscription.awaitDelivered(newHead, Duration.ofSeconds(5))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(received.get(received.size() - 1).type()).isEqualTo("FundsDeposited");
            assertThat(subscription.cursor().position()).isEqualTo(newHead + 1);
            assertThat(subscription.delivered()).isEqualTo(received.size());
        }
    }

    @Test
    void aSubscriptionFromAPositionBeginsThere() throws Exception {
        List<FeedEvent> all = readAll(FeedCursor.start());
        long from = all.get(20).position();
        List<FeedEvent> received = new CopyOnWriteArrayList<>();

        try (Subscription subscription = ledger.subscribe(from, received::addAll)) {
            assertThat(subscription.awaitDelivered(ledger.feed().head(), WAIT)).isTrue();
        }

        assertThat(received).extracting(FeedEvent::position)
                .isEqualTo(all.subList(20, all.size()).stream().map(FeedEvent::position).toList());
    }

    @Test
    void aFailingHandlerGetsTheSameBatchAgainWithTheErrorReportedAndNothingSkipped() throws Exception {
        List<List<Long>> attempts = new CopyOnWriteArrayList<>();
        List<FeedEvent> handled = new CopyOnWriteArrayList<>();
        List<Integer> reportedAttempts = new CopyOnWriteArrayList<>();
        AtomicInteger failuresLeft = new AtomicInteger(3);
        FeedHandler handler = new FeedHandler() {
            @Override
            public void handle(List<FeedEvent> batch) {
                attempts.add(batch.stream().map(FeedEvent::position).toList());
                // The third batch fails three times.
                if (attempts.size() >= 3 && handled.size() == 20 && failuresLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("downstream is down");
                }
                handled.addAll(batch);
            }

            @Override
            public void failed(List<FeedEvent> batch, Throwable error, int attempt) {
                reportedAttempts.add(attempt);
            }
        };
        long head = ledger.feed().head();

        try (Subscription subscription = ledger.feed().subscribe(FeedCursor.start(), 10, handler)) {
            assertThat(subscription.awaitDelivered(head, WAIT)).isTrue();
            assertThat(subscription.lastError()).isNull();
            assertThat(subscription.failedAttempts()).isZero();
        }

        assertThat(reportedAttempts).containsExactly(1, 2, 3);
        // Attempts 3 to 6 are one batch handed four times, unchanged.
        assertThat(attempts.get(2)).hasSize(10);
        assertThat(attempts.subList(3, 6)).allSatisfy(batch -> assertThat(batch).isEqualTo(attempts.get(2)));
        assertThat(handled).extracting(FeedEvent::cloudEvent).isEqualTo(FeedHistory.exportedLines(ledger.store()));
    }

    @Test
    void aSubscriptionShowsItsErrorWhileItFails() throws Exception {
        List<FeedEvent> none = Collections.emptyList();
        try (Subscription subscription = ledger.subscribe(0, batch -> {
            throw new IllegalStateException("refusing " + batch.size());
        })) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (subscription.failedAttempts() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(subscription.failedAttempts()).isGreaterThanOrEqualTo(2);
            assertThat(subscription.lastError()).hasMessageStartingWith("refusing");
            assertThat(subscription.failingSince()).isNotNull();
            assertThat(subscription.delivered()).isZero();
            assertThat(subscription.cursor()).isEqualTo(FeedCursor.at(0));
        }
        assertThat(none).isEmpty();
    }

    @Test
    void eventsAppendedByAnotherProcessArriveByPolling() throws Exception {
        List<FeedEvent> received = new CopyOnWriteArrayList<>();
        // Another "process": a store of its own on the same database; nothing tells it about the ledger's commits.
        try (LedgerStore elsewhere = LedgerStore.open(settings);
             EventFeed feed = EventFeed.on(elsewhere, Duration.ofMillis(20));
             Subscription subscription = feed.subscribe(FeedCursor.start(), received::addAll)) {
            assertThat(subscription.awaitDelivered(ledger.feed().head(), WAIT)).isTrue();
            ledger.execute(Commands.deposit("carol:FUTURES", "USDT", "7"));
            assertThat(subscription.awaitDelivered(ledger.feed().head(), WAIT)).isTrue();
        }
        assertThat(received).extracting(FeedEvent::cloudEvent).isEqualTo(FeedHistory.exportedLines(ledger.store()));
    }

    @Test
    void aClosedSubscriptionDeliversNothingMoreAndClosingTheLedgerClosesItsSubscriptions() throws Exception {
        List<FeedEvent> received = new CopyOnWriteArrayList<>();
        Subscription closed = ledger.subscribe(0, received::addAll);
        assertThat(closed.awaitDelivered(ledger.feed().head(), WAIT)).isTrue();
        closed.close();
        int before = received.size();
        ledger.execute(Commands.deposit("alice:FUTURES", "USDT", "1"));
        Thread.sleep(200);
        assertThat(received).hasSize(before);
        assertThat(closed.isRunning()).isFalse();

        Subscription open = ledger.subscribe(0, batch -> { });
        ledger.close();
        assertThat(open.isRunning()).isFalse();
        ledger = Ledger.builder().store(settings).build();
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> FeedCursor.at(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FeedCursor(0, "abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.feed().read(FeedCursor.start(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.feed().subscribe(FeedCursor.start(), 0, batch -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
