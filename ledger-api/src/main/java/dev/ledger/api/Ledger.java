package dev.ledger.api;

import dev.ledger.api.feed.EventFeed;
import dev.ledger.api.feed.FeedCursor;
import dev.ledger.api.feed.FeedHandler;
import dev.ledger.api.feed.Subscription;
import dev.ledger.api.history.HistoryCheckpoints;
import dev.ledger.api.history.PointInTimeQueries;
import dev.ledger.api.metrics.LedgerMetrics;
import dev.ledger.api.metrics.LedgerMonitor;
import dev.ledger.api.metrics.MicrometerLedgerMetrics;
import dev.ledger.domain.value.AccountId;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.MultiMessageMonitor;
import dev.ledger.api.read.ProjectionStatus;
import dev.ledger.api.read.ReadModels;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.write.AggregateSnapshots;
import dev.ledger.api.write.BoundedAggregateCache;
import dev.ledger.api.write.CachePreloader;
import dev.ledger.api.write.CommandLogRetention;
import dev.ledger.domain.command.CommandTargets;
import dev.ledger.api.write.GroupCommitWriter;
import dev.ledger.api.write.LedgerAggregateRepository;
import org.axonframework.common.caching.Cache;
import dev.ledger.domain.account.Account;
import dev.ledger.domain.account.AccountCommandHandler;
import dev.ledger.domain.account.CopyTradingHandler;
import dev.ledger.domain.copy.LeaderBook;
import dev.ledger.domain.account.MigrationCommandHandler;
import dev.ledger.domain.migration.MigrationSaga;
import dev.ledger.domain.migration.MigrationSettings;
import dev.ledger.api.migration.InjectedResources;
import dev.ledger.api.migration.JdbcMigrationReminders;
import dev.ledger.api.migration.MigrationSagaReactions;
import dev.ledger.api.migration.ReminderPoller;
import dev.ledger.api.write.EventCapture;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.modelling.saga.AnnotatedSagaManager;
import org.axonframework.modelling.saga.repository.AnnotatedSagaRepository;
import dev.ledger.domain.market.Market;
import dev.ledger.domain.market.MarketCommandHandler;
import dev.ledger.domain.support.EventSourcedAggregates;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.projections.ProjectionCatalog;
import dev.ledger.projections.support.ReadModelTables;
import dev.ledger.projections.accounts.AccountsView;
import dev.ledger.projections.accounts.FindAccounts;
import dev.ledger.projections.balance.BalanceView;
import dev.ledger.projections.copy.CopiesView;
import dev.ledger.projections.copy.FindCopies;
import dev.ledger.projections.copy.FindFollowers;
import dev.ledger.projections.copy.FindFollows;
import dev.ledger.projections.copy.FollowersView;
import dev.ledger.projections.copy.FollowsView;
import dev.ledger.projections.balance.FindBalance;
import dev.ledger.projections.migration.FindMigration;
import dev.ledger.projections.migration.FindMigrationSummary;
import dev.ledger.projections.migration.FindMigrations;
import dev.ledger.projections.migration.MigrationList;
import dev.ledger.projections.migration.MigrationState;
import dev.ledger.projections.migration.MigrationSummary;
import dev.ledger.projections.migration.MigrationView;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.projections.performance.FindPerformance;
import dev.ledger.projections.performance.PerformanceView;
import dev.ledger.projections.risk.FindRisk;
import dev.ledger.projections.risk.RiskQueries;
import dev.ledger.projections.risk.RiskView;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.messaging.interceptors.CorrelationDataInterceptor;
import dev.ledger.domain.event.EventMetadata;
import org.axonframework.commandhandling.AnnotationCommandHandlerAdapter;
import org.axonframework.common.lock.NullLockFactory;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.DefaultQueryGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.axonframework.queryhandling.SimpleQueryBus;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
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
 * <h2>Threads</h2>
 * A ledger is built for many calling threads:
 * <ul>
 * <li>{@link #execute}, {@link #submit} and {@link #executeAll} are safe to call from any number of threads at
 * once. Every command runs on the ledger's one writer thread, in the order the calls queued them (so the
 * commands of one thread keep its order, and each sees the effects of every command queued before it); they
 * block while {@link Builder#queueCapacity} commands are already waiting, or, with {@link Builder#queueFullWait},
 * throw {@link LedgerBusyException} once the queue stayed full that long.</li>
 * <li>The queries ({@link #balance}, {@link #risk}, {@link #performance}, {@link #accounts}, {@link #migration},
 * {@link #migrationSummary}, {@link #migrations}, {@link #follows}, {@link #followers}, {@link #copies}), their
 * point-in-time forms ({@code ...At}), {@link #awaitReadModels}, {@link #readModelStatus} and
 * {@link #queryGateway} are safe from any thread. They run on the calling thread and read the store; the
 * queries of the read models first wait until the read models have applied every event committed before the
 * call, so a thread's queries see the commands it was told were accepted.</li>
 * <li>{@link #startMigrationWave} and {@link #fireDueMigrationReminders} are safe from any thread, alongside each
 * other and the ledger's own reminder thread: the commands they send have fixed ids, so a user is started, or
 * marked overdue, once.</li>
 * <li>{@link #compactCommandLog} is safe from any thread and on any node while commands are written: it deletes in
 * short transactions of its own, and only records older than the minimum retention.</li>
 * <li>{@link #close} is called once. Commands already queued when it starts are still completed; later ones are
 * refused with an {@link IllegalStateException} (thrown by {@code submit}, or completing its future).</li>
 * <li>A {@link Builder} is not thread-safe: configure and build it on one thread.</li>
 * </ul>
 *
 * <p>Building a ledger changes no JVM-wide state: its clock ({@link Builder#clock}) stamps its own events only.
 * Axon Framework 4 is wired here by hand, without Spring, without Axon Server and without the configuration
 * module (so without its update checker, which would call out).
 */
public final class Ledger implements AutoCloseable {

    /**
     * The command log keeps at least this much (7 days): {@link #compactCommandLog} refuses an instant later
     * than the ledger clock's now minus this, so every id recorded in the last 7 days stays idempotent whatever
     * an operator asks for.
     */
    public static final Duration MINIMUM_COMMAND_LOG_RETENTION = Duration.ofDays(7);

    private final LedgerStore store;
    private final Clock clock;
    private final EmbeddedEventStore eventStore;
    private final BoundedAggregateCache aggregateCache;
    private final GroupCommitWriter writer;
    private final ReminderPoller reminderPoller;
    private final PointInTimeQueries pointInTime;
    private final HistoryCheckpoints checkpoints;
    private final ReadModels readModels;
    private final EventFeed feed;
    private final QueryGateway queries;
    private final Duration readModelTimeout;
    private final LedgerMetrics metrics;
    private final Submissions submissions;
    private final HealthCheck healthCheck;

    private Ledger(Builder builder) {
        Clock clock = builder.clock == null ? Clock.systemUTC() : builder.clock;
        // The events this ledger's aggregates apply carry this clock's time (a fixed clock makes histories
        // reproducible in tests); Axon's own, JVM-wide GenericEventMessage.clock is left alone, so that ledgers in
        // one JVM each keep their own clock (see LedgerAggregateRepository).
        // The clock ticks in whole milliseconds: the JDBC event store keeps timestamps to the millisecond, and an
        // event must carry the same time when it is applied as when it is read back (an aggregate that decides
        // from an event's time - the migration's start - must decide the same live and rebuilt from the store).
        Clock eventClock = Clock.tick(clock, Duration.ofMillis(1));
        this.clock = clock;
        this.store = builder.dataSource != null
                ? LedgerStore.using(builder.dataSource)
                : LedgerStore.open(builder.store);
        // Micrometer is touched only when the embedder gave a registry (it is an optional dependency).
        this.metrics = builder.meterRegistry == null ? LedgerMetrics.NONE : MicrometerLedgerMetrics.create(builder.meterRegistry);
        LedgerMonitor monitor = new LedgerMonitor(metrics, clock);
        try {
            EventCapture capture = new EventCapture();
            MessageMonitor<? super EventMessage<?>> axonEventMeters = metrics.eventStoreMonitor();
            this.eventStore = EmbeddedEventStore.builder()
                    .storageEngine(store.eventStorage())
                    .messageMonitor(axonEventMeters == null ? capture
                            : new MultiMessageMonitor<EventMessage<?>>(List.of(capture, axonEventMeters)))
                    // Nothing tails this event store's streams (the read models read the event table with
                    // runners of their own), so its shared tailing cache stays off.
                    .optimizeEventConsumption(false)
                    .build();
            this.aggregateCache = new BoundedAggregateCache(builder.aggregateCacheSize);
            // Long streams (a busy account, the market's mark ticks) load from a snapshot plus the events after it.
            AggregateSnapshots snapshots = new AggregateSnapshots(store.serializer(), builder.snapshotThreshold, eventClock);
            EventSourcingRepository<Account> accountRepository = repository(Account.class, eventStore, aggregateCache, snapshots, eventClock);
            EventSourcingRepository<LeaderBook> leaderBookRepository = repository(LeaderBook.class, eventStore, aggregateCache, snapshots, eventClock);
            EventSourcingRepository<Market> marketRepository = repository(Market.class, eventStore, aggregateCache, snapshots, eventClock);
            Predicate<String> storedInEventStore = store::hasEvents;
            SimpleCommandBus commandBus = SimpleCommandBus.builder().messageMonitor(metrics.commandBusMonitor()).build();
            // Every event carries the id of the command that caused it (audit, per-command sampling).
            commandBus.registerHandlerInterceptor(new CorrelationDataInterceptor<>(
                    List.of(new SimpleCorrelationDataProvider(EventMetadata.COMMAND_ID))));
            MarketCommandHandler marketHandler = new MarketCommandHandler(
                    new EventSourcedAggregates<>(Market.class, marketRepository, storedInEventStore, aggregateCache));
            new AnnotationCommandHandlerAdapter<>(marketHandler).subscribe(commandBus);
            EventSourcedAggregates<Account> accounts = new EventSourcedAggregates<>(Account.class, accountRepository,
                    storedInEventStore, aggregateCache,
                    new CachePreloader<>(Account.class, store, aggregateCache, eventStore));
            CopyTradingHandler copyTrading = new CopyTradingHandler(accounts, new EventSourcedAggregates<>(
                    LeaderBook.class, leaderBookRepository, storedInEventStore, aggregateCache), marketHandler::current);
            new AnnotationCommandHandlerAdapter<>(copyTrading).subscribe(commandBus);
            new AnnotationCommandHandlerAdapter<>(new AccountCommandHandler(accounts, marketHandler::current, copyTrading))
                    .subscribe(commandBus);
            JdbcMigrationReminders reminders = new JdbcMigrationReminders(store.transactions());
            new AnnotationCommandHandlerAdapter<>(new MigrationCommandHandler(accounts, reminders)).subscribe(commandBus);
            AnnotatedSagaRepository<MigrationSaga> sagaRepository = AnnotatedSagaRepository.<MigrationSaga>builder()
                    .sagaType(MigrationSaga.class)
                    .sagaStore(store.sagaStore())
                    .resourceInjector(new InjectedResources(List.of(commandBus, reminders,
                            new MigrationSettings(builder.migrationOverdueAfter))))
                    .build();
            AnnotatedSagaManager<MigrationSaga> sagaManager = AnnotatedSagaManager.<MigrationSaga>builder()
                    .sagaType(MigrationSaga.class)
                    .sagaRepository(sagaRepository)
                    .listenerInvocationErrorHandler(PropagatingErrorHandler.instance())
                    .build();
            SimpleQueryBus queryBus = SimpleQueryBus.builder().build();
            this.queries = DefaultQueryGateway.builder().queryBus(queryBus).build();
            Map<String, ReadModels.LiveProjection> projections = new LinkedHashMap<>();
            ProjectionCatalog.ALL.forEach(p -> {
                ReadModelTables liveTables = ReadModelTables.live(store.transactions());
                projections.put(p.name(), new ReadModels.LiveProjection(p.create(liveTables), liveTables));
            });
            this.readModels = new ReadModels(store, queryBus, projections, List.of(new RiskQueries(store.transactions())),
                    builder.pollInterval, builder.stallTimeout, clock);
            this.feed = EventFeed.on(store, builder.pollInterval);
            readModels.monitor(monitor);
            this.writer = new GroupCommitWriter(commandBus, store.transactions(), store.appendLocks(), aggregateCache, capture,
                    new MigrationSagaReactions(sagaManager), this::eventsCommitted, clock, builder.queueCapacity,
                    builder.maxGroupSize, commands -> accounts.preload(CommandTargets.accounts(commands)), snapshots);
            writer.monitor(monitor);
            this.checkpoints = new HistoryCheckpoints(store, builder.historyCheckpointInterval);
            writer.checkpointsDue(checkpoints::completesInterval, checkpoints::due);
            metrics.bindWriter(writer::queueSize, writer.queueCapacity());
            this.submissions = new Submissions(writer, metrics, builder.queueFullWait, builder.outcomeTimeout);
            this.healthCheck = new HealthCheck(store, writer, readModels, monitor, builder.healthThresholds, clock);
            this.reminderPoller = new ReminderPoller(reminders, writer, clock, builder.reminderInterval);
            commandBus.registerHandlerInterceptor((unitOfWork, chain) -> {
                if (!writer.isWriterThread()) {
                    throw new IllegalStateException("ledger commands must run on the writer thread; use Ledger.submit");
                }
                return chain.proceed();
            });

            if (builder.startReadModels) {
                readModels.start();
            }
            this.readModelTimeout = builder.readModelTimeout;
            this.pointInTime = new PointInTimeQueries(store, checkpoints);
        } catch (RuntimeException e) {
            metrics.close();
            store.close();
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * An event-sourced repository over the shared cache and snapshots, without locks: only the writer thread
     * touches aggregates (see GroupCommitWriter).
     */
    private static <T> EventSourcingRepository<T> repository(Class<T> type, EmbeddedEventStore eventStore, Cache cache,
                                                             AggregateSnapshots snapshots, Clock eventClock) {
        return new LedgerAggregateRepository<>(EventSourcingRepository.builder(type)
                .eventStore(eventStore)
                .cache(cache)
                .lockFactory(NullLockFactory.INSTANCE), eventStore, snapshots, eventClock);
    }

    /** Sends one command and waits for its outcome. "Accepted" means durable. */
    public Outcome execute(LedgerCommand command) {
        return await(submit(command));
    }

    /**
     * Queues one command; the future completes once its outcome is durable. With {@link Builder#outcomeTimeout}
     * set, it completes exceptionally with a {@link java.util.concurrent.TimeoutException} when the outcome is
     * not durable within that time (the command may still commit: send it again with the same id to learn its
     * outcome). With {@link Builder#queueFullWait} set, throws {@link LedgerBusyException} when the writer's
     * queue stays full for that long (the command was not queued); otherwise waits for room.
     */
    public CompletableFuture<Outcome> submit(LedgerCommand command) {
        return submissions.submit(command);
    }

    /**
     * As {@link #submit(LedgerCommand)}, with this call's own timeout: the future completes exceptionally with a
     * {@link java.util.concurrent.TimeoutException} when the outcome is not durable within {@code timeout}. The
     * command may still commit; sending it again with the same id returns its outcome (or a duplicate of it).
     */
    public CompletableFuture<Outcome> submit(LedgerCommand command, Duration timeout) {
        return submissions.submit(command, Builder.positive(timeout, "timeout"));
    }

    /**
     * Sends commands in order and waits for all outcomes, in the same order. Each command sees the
     * effects of every earlier one; they commit in groups, not one transaction each.
     */
    public List<Outcome> executeAll(List<? extends LedgerCommand> commands) {
        List<CompletableFuture<Outcome>> futures = new ArrayList<>(commands.size());
        for (LedgerCommand command : commands) {
            futures.add(submissions.submit(command));
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

    /** {@link #balance(String)} of a typed account id. */
    public Optional<BalanceView> balance(AccountId account) {
        return balance(account.toString());
    }

    /** {@link #risk(String)} of a typed account id. */
    public Optional<RiskView> risk(AccountId account) {
        return risk(account.toString());
    }

    /** {@link #performance(String)} of a typed account id. */
    public Optional<PerformanceView> performance(AccountId account) {
        return performance(account.toString());
    }

    /** {@link #balanceAt(String, Instant)} of a typed account id. */
    public Optional<BalanceView> balanceAt(AccountId account, Instant at) {
        return balanceAt(account.toString(), at);
    }

    /** {@link #riskAt(String, Instant)} of a typed account id. */
    public Optional<RiskView> riskAt(AccountId account, Instant at) {
        return riskAt(account.toString(), at);
    }

    /** {@link #performanceAt(String, Instant)} of a typed account id. */
    public Optional<PerformanceView> performanceAt(AccountId account, Instant at) {
        return performanceAt(account.toString(), at);
    }

    /** The risk view of an account at the latest marks. */
    public Optional<RiskView> risk(String account) {
        awaitReadModels();
        return queries.query(new FindRisk(account), ResponseTypes.optionalInstanceOf(RiskView.class)).join();
    }

    /** The performance view of an account at the latest marks. */
    public Optional<PerformanceView> performance(String account) {
        awaitReadModels();
        return queries.query(new FindPerformance(account), ResponseTypes.optionalInstanceOf(PerformanceView.class)).join();
    }

    /** The migration status of a user (NOT_STARTED also for a user with no legacy account). */
    public MigrationView migration(String user) {
        awaitReadModels();
        return queries.query(new FindMigration(user), ResponseTypes.instanceOf(MigrationView.class)).join();
    }

    /** The global migration phase and the number of legacy users per migration state. */
    public MigrationSummary migrationSummary() {
        awaitReadModels();
        return queries.query(new FindMigrationSummary(), ResponseTypes.instanceOf(MigrationSummary.class)).join();
    }

    /** Up to {@code limit} users in {@code state}, ordered by user name. */
    public List<MigrationView> migrations(MigrationState state, int limit) {
        awaitReadModels();
        return queries.query(new FindMigrations(state, limit), ResponseTypes.instanceOf(MigrationList.class)).join()
                .migrations();
    }

    /**
     * Starts the migration of the next {@code limit} legacy users that have not started, in user-name
     * order. Each start has the id {@code migrate-start:USER}, so a wave that is run again (after a crash,
     * or on another node) starts nobody twice. Returns the outcomes.
     */
    public List<Outcome> startMigrationWave(int limit) {
        List<StartMigration> starts = migrations(MigrationState.NOT_STARTED, limit).stream()
                .map(m -> new StartMigration("migrate-start:" + m.user(), m.user()))
                .toList();
        return executeAll(starts);
    }

    /**
     * Bounds the command log: forgets the ids recorded before {@code before} and returns how many records were
     * removed. Every id recorded at or after {@code before} keeps its idempotency (sent again with the same
     * content, it is a {@link Outcome.Duplicate} of its first outcome; with other content, an
     * {@code IDEMPOTENCY_CONFLICT}); a command sent again with a forgotten id is not recognised and is decided
     * again as a new command, on the state of now: a deposit is booked a second time. Events are never deleted,
     * so balances, history, rebuilds and exports are unaffected. Choose {@code before} older than the longest
     * time any sender may still resend a command.
     *
     * <p>A record's time is the clock of the ledger that wrote it, at its commit (to the millisecond); a record
     * at {@code before} or later is kept. The writer keeps no ids in memory: every command's id is looked up in
     * the store, so a forgotten id is forgotten by every running ledger at once.
     *
     * <p>Safe while the ledger runs, on any node; it deletes in short transactions of its own (see
     * {@link CommandLogRetention}). A failure part way leaves the records removed so far removed; run it again.
     *
     * @throws IllegalArgumentException if {@code before} is later than this ledger's clock's now minus
     *                                  {@link #MINIMUM_COMMAND_LOG_RETENTION}; nothing is removed then
     */
    public long compactCommandLog(Instant before) {
        return compactCommandLog(before, CommandLogRetention.Progress.NONE);
    }

    /**
     * Like {@link #compactCommandLog(Instant)}, telling {@code progress} after each step (every 10,000 ids walked in
     * key order) how many ids it has walked and how many records it has removed so far.
     */
    public long compactCommandLog(Instant before, CommandLogRetention.Progress progress) {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(progress, "progress");
        Instant latest = clock.instant().minus(MINIMUM_COMMAND_LOG_RETENTION);
        if (before.isAfter(latest)) {
            // Shown to the second: an instant at or before that one is also at or before the exact one.
            Instant shown = latest.truncatedTo(ChronoUnit.SECONDS);
            throw new IllegalArgumentException("the command log keeps at least the last "
                    + MINIMUM_COMMAND_LOG_RETENTION.toDays() + " days: compacting before " + before
                    + " would forget ids recorded since " + shown + "; choose an instant at or before " + shown);
        }
        return CommandLogRetention.removeBefore(store.dataSource(), before, progress);
    }

    /** Fires the migration reminders due by the ledger's clock now (they also fire by themselves). */
    public int fireDueMigrationReminders() {
        return reminderPoller.fireDue();
    }

    /** The balance view of an account as of {@code at}, answered from the events up to that instant. */
    public Optional<BalanceView> balanceAt(String account, Instant at) {
        return pointInTime.balance(account, at);
    }

    /** The risk view of an account as of {@code at} (marks as recorded up to then). */
    public Optional<RiskView> riskAt(String account, Instant at) {
        return pointInTime.risk(account, at);
    }

    /** The performance view of an account as of {@code at}. */
    public Optional<PerformanceView> performanceAt(String account, Instant at) {
        return pointInTime.performance(account, at);
    }

    /** The follows of a copier: one entry per leader it ever followed, sorted by leader (empty for a user who never followed). */
    public FollowsView follows(String copier) {
        awaitReadModels();
        return queries.query(new FindFollows(copier), ResponseTypes.instanceOf(FollowsView.class)).join();
    }

    /** A copier's follows as of {@code at}, from the events. */
    public FollowsView followsAt(String copier, Instant at) {
        return pointInTime.follows(copier, at);
    }

    /**
     * A leader's terms and its first {@code limit} followers by copier name; empty when the user has set no
     * leader terms.
     */
    public Optional<FollowersView> followers(String leader, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        awaitReadModels();
        return queries.query(new FindFollowers(leader, limit), ResponseTypes.optionalInstanceOf(FollowersView.class)).join();
    }

    /** A leader's terms and followers as of {@code at}, from the events. */
    public Optional<FollowersView> followersAt(String leader, int limit, Instant at) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        return pointInTime.followers(leader, limit, at);
    }

    /**
     * What each lead trade became for a copier, in the order of the lead trades; {@code leader} null for
     * every leader it follows or followed.
     */
    public CopiesView copies(String copier, String leader) {
        awaitReadModels();
        return queries.query(new FindCopies(copier, leader), ResponseTypes.instanceOf(CopiesView.class)).join();
    }

    /** A copier's copy outcomes as of {@code at}, from the events. */
    public CopiesView copiesAt(String copier, String leader, Instant at) {
        return pointInTime.copies(copier, leader, at);
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

    /**
     * How the ledger is doing: UP, DEGRADED or DOWN, with the store probe (one quick query and its latency), the
     * writer's queue, every read model's lag and error, and the last store error; the rules are in {@link Health}.
     * Safe from any thread; costs two small queries. Never throws for a store that is down: that is reported.
     */
    public Health health() {
        return healthCheck.check();
    }

    /** The query gateway of the read models, for queries this facade has no method for. */
    public QueryGateway queryGateway() {
        return queries;
    }

    /**
     * Subscribes {@code handler} to the event feed from {@code fromPosition} (a global index; 0 for every
     * event): every event at or after it, then every event as it commits, in position order, in batches, at
     * least once, until the returned subscription is closed. The lines are chained as from
     * {@link FeedCursor#at(long)}. Guarantees and threads: {@link EventFeed}, {@link FeedHandler},
     * {@link Subscription}. Subscriptions still open are closed by {@link #close()}.
     */
    public Subscription subscribe(long fromPosition, FeedHandler handler) {
        return feed.subscribe(fromPosition, handler);
    }

    /** Subscribes {@code handler} from a cursor kept from an earlier subscription ({@link dev.ledger.api.feed.FeedEvent#next()}). */
    public Subscription subscribe(FeedCursor from, FeedHandler handler) {
        return feed.subscribe(from, handler);
    }

    /** The event feed of this ledger's store (reads, subscriptions with other batch sizes). */
    public EventFeed feed() {
        return feed;
    }

    private void eventsCommitted() {
        readModels.eventsCommitted();
        feed.eventsCommitted();
    }

    /** The store, for tools (export, rebuild, benchmark) that work below the facade. */
    public LedgerStore store() {
        return store;
    }

    /** Finishes queued commands, stops the read models and releases the store. */
    @Override
    public void close() {
        try {
            reminderPoller.close();
            writer.close();
        } finally {
            checkpoints.close();
            try {
                feed.close();
                submissions.close();
                readModels.close();
            } finally {
                metrics.close();
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
        private int aggregateCacheSize = 500_000;
        private Duration stallTimeout = Duration.ofSeconds(30);
        private Duration pollInterval = Duration.ofMillis(100);
        private Duration readModelTimeout = Duration.ofSeconds(60);
        private boolean startReadModels = true;
        private Duration migrationOverdueAfter = MigrationSettings.DEFAULT_OVERDUE_AFTER;
        private Duration reminderInterval = Duration.ofSeconds(5);
        private int snapshotThreshold = 500;
        private int historyCheckpointInterval = HistoryCheckpoints.DEFAULT_INTERVAL;
        private MeterRegistry meterRegistry;
        private Duration queueFullWait;
        private Duration outcomeTimeout;
        private Health.Thresholds healthThresholds = Health.Thresholds.DEFAULTS;

        private Builder() {
        }

        /**
         * Records the ledger's meters ({@code ledger.*}: command latency, group sizes, fan-outs, read-model lag,
         * store errors, and Axon's command-bus and event-store meters when axon-micrometer is on the class path) on
         * {@code registry}, which the embedder owns. Micrometer is an optional dependency of the ledger: without
         * this call the ledger never loads a Micrometer class. One ledger per registry: the gauges bound to a
         * ledger leave the registry when it closes.
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * How long {@code submit}, {@code execute} and {@code executeAll} wait for room when the writer's queue is
         * full before they throw {@link LedgerBusyException} (the command not queued). Zero: fail at once. Default:
         * wait as long as it takes.
         */
        public Builder queueFullWait(Duration wait) {
            Objects.requireNonNull(wait, "wait");
            if (wait.isNegative()) {
                throw new IllegalArgumentException("queueFullWait must not be negative, got " + wait);
            }
            this.queueFullWait = wait;
            return this;
        }

        /**
         * How long the future of {@code submit} (and so {@code execute} and {@code executeAll}) waits for the
         * durable outcome before it completes exceptionally with a {@link java.util.concurrent.TimeoutException}
         * ({@code execute} throws it as the cause of a {@link CompletionException}). The command may still commit:
         * send it again with the same id to learn its outcome. Default: no timeout.
         */
        public Builder outcomeTimeout(Duration timeout) {
            this.outcomeTimeout = positive(timeout, "outcomeTimeout");
            return this;
        }

        /** The limits of {@link Health.Status#DEGRADED} (default {@link Health.Thresholds#DEFAULTS}). */
        public Builder healthThresholds(Health.Thresholds thresholds) {
            this.healthThresholds = Objects.requireNonNull(thresholds, "thresholds");
            return this;
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
         * The clock that stamps events and command records (default: the system's, UTC). Events are stamped to
         * the millisecond, as the event store keeps them. The clock is this ledger's own: other ledgers in the same
         * JVM, and Axon's JVM-wide {@code GenericEventMessage.clock}, are not affected by it.
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

        /**
         * How many aggregates (accounts, leaders' books, the market) stay in memory (default 500,000; an account
         * takes about 2 to 4 KB). A lead trade mirrors to every copier from memory, so a leader's copiers should
         * fit: with more aggregates in use than this, mirrors reload the least recently used ones from the store.
         */
        public Builder aggregateCacheSize(int aggregateCacheSize) {
            this.aggregateCacheSize = positive(aggregateCacheSize, "aggregateCacheSize");
            return this;
        }

        /**
         * How long a read model may make no progress while events wait for it before it is recovered
         * (default 30 s; a batch that keeps applying events makes progress, however long it runs); a query
         * waiting for read models fails fast once a recovered one stays stuck for twice as long.
         */
        public Builder stallTimeout(Duration stallTimeout) {
            this.stallTimeout = positive(stallTimeout, "stallTimeout");
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

        /** How long a migration may wait for copy and elite positions to close before it is overdue (14 days). */
        public Builder migrationOverdueAfter(Duration overdueAfter) {
            this.migrationOverdueAfter = positive(overdueAfter, "migrationOverdueAfter");
            return this;
        }

        /** How often due migration reminders are looked for (default 5 s). */
        public Builder reminderInterval(Duration reminderInterval) {
            this.reminderInterval = positive(reminderInterval, "reminderInterval");
            return this;
        }

        /**
         * After how many events of its stream an aggregate is snapshotted, and again after each as many more
         * (default 500): loading it reads its last snapshot and, normally, fewer events than this (at most about
         * twice as many after a snapshot was skipped). The snapshot is taken from memory in the transaction of the
         * command group that completes the interval (see {@link AggregateSnapshots}).
         */
        public Builder snapshotThreshold(int snapshotThreshold) {
            this.snapshotThreshold = positive(snapshotThreshold, "snapshotThreshold");
            return this;
        }

        /**
         * Events of a stream between two of its history checkpoints (default 10,000): a point-in-time query
         * replays at most about this many events of each stream it reads (see {@link HistoryCheckpoints}).
         */
        public Builder historyCheckpointInterval(int events) {
            this.historyCheckpointInterval = positive(events, "historyCheckpointInterval");
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
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
