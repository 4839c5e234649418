package dev.ledger.api;

import dev.ledger.api.read.ProjectionStatus;
import dev.ledger.api.read.ReadModels;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.write.BoundedAggregateCache;
import dev.ledger.api.write.GroupCommitWriter;
import dev.ledger.domain.account.Account;
import dev.ledger.domain.account.AccountCommandHandler;
import dev.ledger.domain.account.AccountRepository;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.projections.accounts.AccountsProjection;
import dev.ledger.projections.accounts.AccountsView;
import dev.ledger.projections.accounts.FindAccounts;
import dev.ledger.projections.balance.BalanceProjection;
import dev.ledger.projections.balance.BalanceView;
import dev.ledger.projections.balance.FindBalance;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.AnnotationCommandHandlerAdapter;
import org.axonframework.common.lock.NullLockFactory;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.DefaultQueryGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.axonframework.queryhandling.SimpleQueryBus;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The ledger as an exchange service embeds it: send commands (one at a time, concurrently, or in
 * batches) and get typed {@link Outcome}s; query the read models; close it when done.
 *
 * <pre>{@code
 * try (Ledger ledger = Ledger.builder().store(StoreSettings.embedded(Path.of("data"))).build()) {
 *     ledger.execute(new OpenAccount("c1", "alice:FUTURES"));
 *     Outcome outcome = ledger.execute(new Deposit("c2", "alice:FUTURES", "USDT", new BigDecimal("1000")));
 * }
 * }</pre>
 *
 * Axon Framework 4 is wired here by hand, without Spring, without Axon Server and without the
 * configuration module's service-loaded extras (no update checker calls out).
 */
public final class Ledger implements AutoCloseable {

    private final LedgerStore store;
    private final EmbeddedEventStore eventStore;
    private final BoundedAggregateCache aggregateCache;
    private final GroupCommitWriter writer;
    private final ReadModels readModels;
    private final QueryGateway queries;
    private final Duration readModelTimeout;

    private Ledger(Builder builder) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        // Axon stamps events with this clock; a fixed clock makes histories reproducible in tests. It is a
        // static field of Axon's, so it is set on every build: a ledger built without a clock must not keep
        // the clock of one built before it.
        GenericEventMessage.clock = builder.clock != null ? builder.clock : Clock.systemUTC();
        this.store = builder.dataSource != null
                ? LedgerStore.using(builder.dataSource, (int) builder.gapTimeout.toMillis())
                : LedgerStore.open(builder.store, (int) builder.gapTimeout.toMillis());
        try {
            this.eventStore = EmbeddedEventStore.builder()
                    .storageEngine(store.eventStorage())
                    .fetchDelay(builder.pollInterval.toMillis())
                    .cleanupDelay(10_000)
                    .build();
            this.aggregateCache = new BoundedAggregateCache(builder.aggregateCacheSize);
            EventSourcingRepository<Account> accounts = EventSourcingRepository.builder(Account.class)
                    .eventStore(eventStore)
                    .cache(aggregateCache)
                    // Only the single writer thread touches aggregates; see GroupCommitWriter.
                    .lockFactory(NullLockFactory.INSTANCE)
                    .build();
            SimpleCommandBus commandBus = SimpleCommandBus.builder().build();
            new AnnotationCommandHandlerAdapter<>(new AccountCommandHandler(
                    new AccountRepository(accounts, eventStore, aggregateCache))).subscribe(commandBus);
            this.writer = new GroupCommitWriter(commandBus, store.transactions(), aggregateCache,
                    builder.clock == null ? Clock.systemUTC() : builder.clock,
                    builder.queueCapacity, builder.maxGroupSize);
            commandBus.registerHandlerInterceptor((unitOfWork, chain) -> {
                if (!writer.isWriterThread()) {
                    throw new IllegalStateException("ledger commands must run on the writer thread; use Ledger.submit");
                }
                return chain.proceed();
            });

            SimpleQueryBus queryBus = SimpleQueryBus.builder().build();
            this.queries = DefaultQueryGateway.builder().queryBus(queryBus).build();
            Map<String, Object> projections = new LinkedHashMap<>();
            projections.put(AccountsProjection.NAME, new AccountsProjection(store.transactions()));
            projections.put(BalanceProjection.NAME, new BalanceProjection(store.transactions()));
            this.readModels = new ReadModels(store, eventStore, queryBus, projections);
            if (builder.startReadModels) {
                readModels.start();
            }
            this.readModelTimeout = builder.readModelTimeout;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Sends one command and waits for its outcome. "Accepted" means durable. */
    public Outcome execute(LedgerCommand command) {
        return await(submit(command));
    }

    /** Queues one command; the future completes once its outcome is durable. */
    public CompletableFuture<Outcome> submit(LedgerCommand command) {
        return writer.submit(command);
    }

    /**
     * Sends commands in order and waits for all outcomes, in the same order. Each command sees the
     * effects of every earlier one; they commit in groups, not one transaction each.
     */
    public List<Outcome> executeAll(List<? extends LedgerCommand> commands) {
        List<CompletableFuture<Outcome>> futures = new ArrayList<>(commands.size());
        for (LedgerCommand command : commands) {
            futures.add(writer.submit(command));
        }
        List<Outcome> outcomes = new ArrayList<>(futures.size());
        for (CompletableFuture<Outcome> future : futures) {
            outcomes.add(await(future));
        }
        return outcomes;
    }

    /** The balance view of an account, once the read models have seen every command sent so far. */
    public Optional<BalanceView> balance(String account) {
        awaitReadModels();
        return queries.query(new FindBalance(account), ResponseTypes.optionalInstanceOf(BalanceView.class)).join();
    }

    /** The accounts of a user, in the order FUTURES, COPY, ELITE, LEGACY. */
    public AccountsView accounts(String user) {
        awaitReadModels();
        return queries.query(new FindAccounts(user), ResponseTypes.instanceOf(AccountsView.class)).join();
    }

    /** Waits until every read model has processed every event committed so far. */
    public void awaitReadModels() {
        readModels.awaitCaughtUp(readModelTimeout);
    }

    public List<ProjectionStatus> readModelStatus() {
        return readModels.status();
    }

    /** The query gateway of the read models, for queries this facade has no method for. */
    public QueryGateway queryGateway() {
        return queries;
    }

    /** The store, for tools (export, rebuild, benchmark) that work below the facade. */
    public LedgerStore store() {
        return store;
    }

    /** Finishes queued commands, stops the read models and releases the store. */
    @Override
    public void close() {
        try {
            writer.close();
        } finally {
            try {
                readModels.close();
            } finally {
                eventStore.shutDown();
                store.close();
            }
        }
    }

    private static Outcome await(CompletableFuture<Outcome> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a command's outcome", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new CompletionException(cause);
        }
    }

    /** Configures a {@link Ledger}; {@link #build()} checks that the configuration is complete. */
    public static final class Builder {
        private StoreSettings store;
        private DataSource dataSource;
        private Clock clock;
        private int queueCapacity = GroupCommitWriter.DEFAULT_QUEUE_CAPACITY;
        private int maxGroupSize = GroupCommitWriter.DEFAULT_MAX_GROUP_SIZE;
        private int aggregateCacheSize = 100_000;
        private Duration gapTimeout = Duration.ofMillis(LedgerStore.DEFAULT_GAP_TIMEOUT_MS);
        private Duration pollInterval = Duration.ofMillis(100);
        private Duration readModelTimeout = Duration.ofSeconds(60);
        private boolean startReadModels = true;

        private Builder() {
        }

        /** The store to open (the ledger owns its connection pool). */
        public Builder store(StoreSettings store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The default store: an embedded H2 file database in {@code directory}. */
        public Builder embedded(Path directory) {
            return store(StoreSettings.embedded(Objects.requireNonNull(directory, "directory")));
        }

        /** A JDBC URL ({@code jdbc:h2:...} or {@code jdbc:postgresql://...}) with credentials. */
        public Builder jdbcUrl(String url, String user, String password) {
            return store(StoreSettings.of(Objects.requireNonNull(url, "url"), user, password));
        }

        /** A pool that the embedding service owns and closes. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * The clock that stamps events and command records (default: the system's, UTC). Axon holds the
         * event clock in one static field, so ledgers in one JVM share it: the last one built sets it.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How many commands may wait for the writer before senders block. */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = positive(queueCapacity, "queueCapacity");
            return this;
        }

        /** How many commands at most share one database transaction. */
        public Builder maxGroupSize(int maxGroupSize) {
            this.maxGroupSize = positive(maxGroupSize, "maxGroupSize");
            return this;
        }

        /** How many account aggregates stay in memory. */
        public Builder aggregateCacheSize(int aggregateCacheSize) {
            this.aggregateCacheSize = positive(aggregateCacheSize, "aggregateCacheSize");
            return this;
        }

        /** How long tracking readers wait for a gap in the event index (appends are serialised, see docs). */
        public Builder gapTimeout(Duration gapTimeout) {
            this.gapTimeout = positive(gapTimeout, "gapTimeout");
            return this;
        }

        /** How often read models look for events appended by other processes. */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = positive(pollInterval, "pollInterval");
            return this;
        }

        /** How long queries wait for read models to catch up before failing. */
        public Builder readModelTimeout(Duration readModelTimeout) {
            this.readModelTimeout = positive(readModelTimeout, "readModelTimeout");
            return this;
        }

        /** Whether this node runs the projections (default true). */
        public Builder startReadModels(boolean startReadModels) {
            this.startReadModels = startReadModels;
            return this;
        }

        public Ledger build() {
            if (store == null && dataSource == null) {
                throw new IllegalStateException("Ledger.builder(): no store configured; call store(...), embedded(...), "
                        + "jdbcUrl(...) or dataSource(...)");
            }
            if (store != null && dataSource != null) {
                throw new IllegalStateException("Ledger.builder(): both a store and a dataSource are configured; choose one");
            }
            return new Ledger(this);
        }

        private static int positive(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " must be positive and below 24 days, got " + value);
            }
            return value;
        }
    }
}
