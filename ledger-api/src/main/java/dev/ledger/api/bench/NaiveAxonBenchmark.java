package dev.ledger.api.bench;

import dev.ledger.api.store.LedgerStore;
import dev.ledger.domain.account.Account;
import dev.ledger.domain.account.AccountCommandHandler;
import dev.ledger.domain.account.CopyTradingHandler;
import dev.ledger.domain.command.Command;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.copy.LeaderBook;
import dev.ledger.domain.market.Market;
import dev.ledger.domain.market.MarketCommandHandler;
import dev.ledger.domain.support.EventSourcedAggregates;
import org.axonframework.commandhandling.AnnotationCommandHandlerAdapter;
import org.axonframework.commandhandling.CommandResultMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ledger's domain on a plain Axon configuration, as a first attempt would wire it: Axon's
 * {@code JdbcEventStorageEngine} as it comes, Axon's {@code SimpleCommandBus} running each command in a
 * transaction of its own on the caller's thread, event-sourcing repositories without a cache (every command
 * reads its accounts' whole history), no command log. The same transfers as the ledger's benchmark, from as
 * many callers, on the same store: what the ledger's write path (group commit, aggregate cache, batched
 * appends) is worth, measured.
 */
final class NaiveAxonBenchmark {

    private final LedgerStore store;
    private final String prefix;
    private JitWarmUp.Result warmUp;
    private final SimpleCommandBus commandBus;
    private final EmbeddedEventStore eventStore;

    NaiveAxonBenchmark(LedgerStore store, String runId) {
        this.store = store;
        this.prefix = "naive" + runId + "-";
        JdbcEventStorageEngine engine = JdbcEventStorageEngine.builder()
                .connectionProvider(store.transactions())
                .transactionManager(store.transactions())
                .eventSerializer(store.serializer())
                .snapshotSerializer(store.serializer())
                .build();
        this.eventStore = EmbeddedEventStore.builder().storageEngine(engine).build();
        this.commandBus = SimpleCommandBus.builder().transactionManager(store.transactions()).build();
        EventSourcingRepository<Account> accounts = EventSourcingRepository.builder(Account.class).eventStore(eventStore).build();
        EventSourcingRepository<Market> markets = EventSourcingRepository.builder(Market.class).eventStore(eventStore).build();
        EventSourcingRepository<LeaderBook> books = EventSourcingRepository.builder(LeaderBook.class).eventStore(eventStore).build();
        MarketCommandHandler market = new MarketCommandHandler(
                new EventSourcedAggregates<>(Market.class, markets, eventStore, null));
        EventSourcedAggregates<Account> accountAggregates = new EventSourcedAggregates<>(Account.class, accounts, eventStore, null);
        CopyTradingHandler copyTrading = new CopyTradingHandler(accountAggregates,
                new EventSourcedAggregates<>(LeaderBook.class, books, eventStore, null), market::current);
        new AnnotationCommandHandlerAdapter<>(market).subscribe(commandBus);
        new AnnotationCommandHandlerAdapter<>(copyTrading).subscribe(commandBus);
        new AnnotationCommandHandlerAdapter<>(new AccountCommandHandler(accountAggregates, market::current, copyTrading))
                .subscribe(commandBus);
    }

    /**
     * Opens and funds a user per caller, warms up on them (rounds of a fifth of {@code transfers}, until the JIT
     * compiler settles: {@link JitWarmUp}), then opens and funds a fresh user per caller and sends {@code transfers}
     * transfers from {@code callers} threads (each on its own user), each command awaited, and times them.
     */
    BenchReport.NaiveAxonRun measure(int callers, int transfers, BenchReport.TransferRun ledger) {
        try {
            // The warm-up on users of its own: without a cache, each command reads its accounts' whole history, so
            // the timed run starts on fresh users (short histories, the naive configuration's best case).
            openAndFund(callers, "w");
            int[] round = {0};
            warmUp = new JitWarmUp().run(() -> run(callers, Math.max(callers, transfers / 5), "w", "warm" + ++round[0]));
            openAndFund(callers, "m");
            long headBefore = store.headIndex();
            long started = System.nanoTime();
            run(callers, transfers, "m", "run");
            double seconds = (System.nanoTime() - started) / 1e9;
            long events = store.headIndex() > headBefore ? countEventsAfter(headBefore) : 0;
            double eventsPerSecond = Figures.rate(events, seconds);
            return new BenchReport.NaiveAxonRun(callers, transfers, events, Figures.seconds(seconds),
                    Figures.rate(transfers, seconds), eventsPerSecond, Figures.ratio(ledger.eventsPerSecond(), eventsPerSecond));
        } finally {
            eventStore.shutDown();
        }
    }

    /** How the warm-up of the last {@link #measure} ended. */
    JitWarmUp.Result warmUp() {
        return Objects.requireNonNull(warmUp, "measure first");
    }

    private void openAndFund(int callers, String users) {
        for (int c = 0; c < callers; c++) {
            send(new OpenAccount(prefix + users + "of" + c, user(users, c) + ":FUTURES"));
            send(new OpenAccount(prefix + users + "oc" + c, user(users, c) + ":COPY"));
            send(new Deposit(prefix + users + "d" + c, user(users, c) + ":FUTURES", "USDT", new BigDecimal("1000000")));
        }
    }

    private void run(int callers, int transfers, String users, String round) {
        ExecutorService pool = Executors.newFixedThreadPool(callers, r -> {
            Thread thread = new Thread(r, "bench-naive-caller");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                int share = transfers / callers + (caller < transfers % callers ? 1 : 0);
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < share; i++) {
                        boolean out = i % 2 == 0;
                        String futures = user(users, caller) + ":FUTURES";
                        String copy = user(users, caller) + ":COPY";
                        send(new Transfer(prefix + round + "-" + caller + "-" + i, out ? futures : copy, out ? copy : futures,
                                "USDT", BigDecimal.ONE));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> caller : done) {
                caller.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the naive Axon benchmark", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private void send(Command command) {
        AtomicReference<CommandResultMessage<?>> result = new AtomicReference<>();
        commandBus.dispatch(GenericCommandMessage.asCommandMessage(command), (message, outcome) -> result.set(outcome));
        if (result.get() == null || result.get().isExceptional()) {
            throw new IllegalStateException("the naive Axon configuration failed " + command.type() + " " + command.id()
                    + ": " + (result.get() == null ? "no outcome" : result.get().exceptionResult()));
        }
    }

    private long countEventsAfter(long index) {
        try (var connection = store.dataSource().getConnection();
             var query = connection.prepareStatement("SELECT COUNT(*) FROM domainevententry WHERE globalindex > ?")) {
            query.setLong(1, index);
            try (var row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new dev.ledger.api.store.StoreException("the naive Axon benchmark could not count its events", e);
        }
    }

    private String user(String users, int caller) {
        return prefix + users + "u" + caller;
    }
}
