package dev.ledger.api.feed;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.event.FundsDeposited;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feed under concurrent writers, on both stores: subscriptions started before the writers (one of this
 * ledger, woken by its commits; one of another store object on the same database, polling, as another
 * process would; one whose handler fails now and then) each end with exactly the export's lines, in
 * order, none missing, none twice, across a hole of rolled-back index numbers wider than a batch.
 */
class EventFeedIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final Duration WAIT = Duration.ofSeconds(60);

    @OnEveryStore
    void everySubscriptionGetsExactlyTheExportsLinesWhileWritersRunConcurrently(StoreKind kind) throws Exception {
        StoreSettings settings = Stores.fresh(kind);
        Ledger ledger = ledgers.open(Ledger.builder().store(settings));
        String[][] groups = {{"ann", "abe"}, {"ben", "bea"}, {"cat", "cid"}};
        List<String> all = new ArrayList<>();
        for (String[] group : groups) {
            all.addAll(List.of(group));
        }
        ledger.executeAll(FeedHistory.setUp(all.toArray(String[]::new)));

        List<FeedEvent> woken = new CopyOnWriteArrayList<>();
        List<FeedEvent> polled = new CopyOnWriteArrayList<>();
        List<FeedEvent> flaky = new CopyOnWriteArrayList<>();
        Random random = new Random(42);
        try (LedgerStore otherProcess = LedgerStore.open(settings);
             EventFeed otherFeed = EventFeed.on(otherProcess, Duration.ofMillis(20));
             Subscription a = ledger.subscribe(FeedCursor.start(), woken::addAll);
             Subscription b = otherFeed.subscribe(FeedCursor.start(), 64, polled::addAll);
             Subscription c = ledger.feed().subscribe(FeedCursor.start(), 37, batch -> {
                 synchronized (random) {
                     if (random.nextInt(8) == 0) {
                         throw new IllegalStateException("flaky downstream");
                     }
                 }
                 flaky.addAll(batch);
             })) {
            ExecutorService writers = Executors.newFixedThreadPool(groups.length);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (String[] group : groups) {
                    running.add(writers.submit(() -> {
                        for (int round = 0; round < 12; round++) {
                            List<LedgerCommand> commands = FeedHistory.round(round, group);
                            for (Outcome outcome : ledger.executeAll(commands)) {
                                assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
                            }
                        }
                        return null;
                    }));
                }
                rolledBackAppend(ledger.store(), "ghost:FUTURES", 600);
                for (Future<?> writer : running) {
                    writer.get();
                }
            } finally {
                writers.shutdown();
            }
            ledger.executeAll(FeedHistory.round(99, "ann"));
            long head = ledger.feed().head();
            assertThat(a.awaitDelivered(head, WAIT)).isTrue();
            assertThat(b.awaitDelivered(head, WAIT)).isTrue();
            assertThat(c.awaitDelivered(head, WAIT)).isTrue();
        }

        List<String> exported = FeedHistory.exportedLines(ledger.store());
        assertThat(exported).hasSizeGreaterThan(300);
        assertThat(woken).extracting(FeedEvent::cloudEvent).isEqualTo(exported);
        assertThat(polled).extracting(FeedEvent::cloudEvent).isEqualTo(exported);
        assertThat(flaky).extracting(FeedEvent::cloudEvent).isEqualTo(exported);
        assertThat(woken).noneMatch(e -> e.aggregate().startsWith("ghost"));
    }

    /** Takes {@code count} index numbers as the writer appends and rolls back: a hole no event will fill. */
    private static void rolledBackAppend(LedgerStore store, String aggregate, int count) {
        List<DomainEventMessage<?>> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(new GenericDomainEventMessage<>("Account", aggregate, i,
                    new FundsDeposited(aggregate, "USDT", BigDecimal.ONE, BigDecimal.valueOf(i + 1))));
        }
        Transaction transaction = store.transactions().startTransaction();
        try {
            store.eventStorage().appendEvents(events);
        } finally {
            transaction.rollback();
        }
    }
}
