package dev.ledger.api.write;

import dev.ledger.api.LedgerBusyException;
import dev.ledger.api.Outcome;
import dev.ledger.api.metrics.LedgerMonitor;
import dev.ledger.api.store.JdbcTransactions;
import dev.ledger.api.store.AppendLocks;
import dev.ledger.api.store.SqlStateDuplicateKeyResolver;
import dev.ledger.api.store.StoreException;
import dev.ledger.api.store.StoreProblem;
import dev.ledger.domain.command.CommandFingerprint;
import dev.ledger.domain.command.CommandRejectedException;
import dev.ledger.domain.command.Command;
import dev.ledger.domain.event.EventMetadata;
import dev.ledger.domain.event.TradeCopied;
import dev.ledger.domain.support.EventSourcedAggregates;
import dev.ledger.domain.value.Names;
import dev.ledger.domain.value.RejectionCode;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.commandhandling.CommandResultMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * The write path: one thread that takes commands from a bounded queue in arrival order and commits
 * them in groups, one database transaction per group. Inside the group's unit of work each command
 * runs in its own nested unit of work on Axon's command bus, so a refused command rolls back only
 * itself, and all accepted commands' events reach the event store in one batched insert. Outcomes
 * are completed only after the group's transaction has committed: "accepted" means durable.
 *
 * <p>A single writer orders every command against every other (a later command always sees an
 * earlier one's effects). Several nodes may write to one PostgreSQL: before a group commits it takes its
 * append locks ({@link AppendLocks}: on PostgreSQL one per aggregate it appends to or read, no global one) and
 * checks that every aggregate it only read is still at the version it read ({@link ReadValidation}); a stale
 * read, or a unique-key violation on the event or command-log table, means another node got there first, and the
 * group is retried on fresh state. The retry first locks every aggregate its failed attempt touched
 * ({@link AppendLocks#lockForRetry}), before it reads anything (the command log, the aggregates), so no other writer
 * can change them between its reads and its commit: it does not go stale on them again. Without that, a node
 * whose groups keep colliding with a busier node's would lose every time (the busier node's cache stays current,
 * the loser reloads and redecides) and fail its commands after five retries.
 */
public final class GroupCommitWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Limits (TIGER_STYLE: put a limit on everything). */
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    public static final int DEFAULT_MAX_GROUP_SIZE = 1_000;
    private static final int MAX_CONFLICT_RETRIES = 5;
    /**
     * How long a group whose commit fails for a store reason (a broken connection, an unreachable or
     * restarting database) is retried, from its first failure, before its commands fail with
     * {@link StoreException}. An outage shorter than this only delays the commands. Each attempt also waits
     * for a pooled connection (at most {@code connectionTimeout}, 10 s in a ledger-owned pool), so a group
     * fails at most about 20 s after the database went away.
     */
    public static final long STORE_RETRY_WINDOW_MILLIS = 10_000;
    /** Pauses between store retries: 100 ms, doubling, at most this. */
    private static final long MAX_STORE_PAUSE_MILLIS = 1_000;

    private final CommandBus commandBus;
    private final JdbcTransactions transactions;
    private final AppendLocks appendLocks;
    private final Cache aggregateCache;
    private final Consumer<List<Command>> preloadGroup;
    private final AggregateSnapshots snapshots;
    private final CommandLog commandLog = new CommandLog();
    private final EventCapture capture;
    private final CommandReactions reactions;
    /** Told after every commit that appended events (wakes the read models of this process). */
    private final Runnable eventsCommitted;
    private volatile LongPredicate completesInterval;
    private volatile Consumer<Collection<String>> checkpointsDue;
    /** Rounds of reactions to one command's events before the writer calls it a loop. */
    private static final int MAX_REACTION_ROUNDS = 16;
    private final Clock clock;
    private final int maxGroupSize;
    private final BlockingQueue<Submission> queue;
    private final Thread thread;
    private volatile boolean running = true;
    /**
     * Writer thread only: a group already spent its whole retry window on a store failure, and no group has
     * committed since. Until one does, a group gets one attempt, so that an outage fails the queued commands
     * one group after the other at once, instead of holding each of them for another window.
     */
    private boolean storeDown;
    /** Where commits, retries, fan-outs and store failures are reported (metrics, health). */
    private volatile LedgerMonitor monitor = LedgerMonitor.NONE;
    /**
     * Writer thread only: the aggregates the failed attempts of the group being committed touched (read or appended
     * to), which its retry locks first; empty once a group committed.
     */
    private Set<String> touchedByFailedAttempt = Set.of();
    /** Writer thread only: copy outcomes (TradeCopied events) the command being dispatched caused. */
    private int copiesOfCommand;

    private record Submission(Command command, CompletableFuture<Outcome> outcome) {
    }

    /** A command failed with an error that is not a refusal: the group is redone one command at a time. */
    private static final class GroupPoisoned extends RuntimeException {
        private GroupPoisoned(Throwable cause) {
            super(cause);
        }
    }

    /** Running alone, a command failed with an error that is not a refusal: a bug, not worth a retry. */
    private static final class CommandFailed extends RuntimeException {
        private CommandFailed(Throwable cause) {
            super(cause);
        }
    }

    /**
     * @param preloadGroup given a group's new commands (not the duplicates) inside the group's unit of work
     *                     before any of them runs: brings the aggregates they read into memory in bulk
     * @param snapshots    stores the snapshots a group made due, after its events, in its transaction
     */
    public GroupCommitWriter(CommandBus commandBus, JdbcTransactions transactions, AppendLocks appendLocks,
                             Cache aggregateCache,
                             EventCapture capture, CommandReactions reactions, Runnable eventsCommitted,
                             Clock clock, int queueCapacity, int maxGroupSize, Consumer<List<Command>> preloadGroup,
                             AggregateSnapshots snapshots) {
        this.preloadGroup = Objects.requireNonNull(preloadGroup, "preloadGroup");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.eventsCommitted = Objects.requireNonNull(eventsCommitted, "eventsCommitted");
        this.capture = Objects.requireNonNull(capture, "capture");
        this.reactions = Objects.requireNonNull(reactions, "reactions");
        this.commandBus = Objects.requireNonNull(commandBus, "commandBus");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.appendLocks = Objects.requireNonNull(appendLocks, "appendLocks");
        this.aggregateCache = Objects.requireNonNull(aggregateCache, "aggregateCache");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (queueCapacity < 1 || maxGroupSize < 1) {
            throw new IllegalArgumentException("queueCapacity and maxGroupSize must be positive");
        }
        this.maxGroupSize = maxGroupSize;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = new Thread(this::run, "ledger-writer");
        this.thread.setDaemon(false);
        this.thread.start();
    }

    /**
     * From now on, after a group commits, hands {@code due} the streams to which it appended an event whose
     * sequence number {@code completesInterval} accepts (history checkpoints belong there). Call before the
     * first command.
     */
    public void checkpointsDue(LongPredicate completesInterval, Consumer<Collection<String>> due) {
        this.completesInterval = Objects.requireNonNull(completesInterval, "completesInterval");
        this.checkpointsDue = Objects.requireNonNull(due, "due");
    }

    /** Reports commits, retries, fan-outs and store failures to {@code monitor} from now on. */
    public void monitor(LedgerMonitor monitor) {
        this.monitor = Objects.requireNonNull(monitor, "monitor");
    }

    /** Commands waiting for the writer. */
    public int queueSize() {
        return queue.size();
    }

    /** How many commands may wait for the writer. */
    public int queueCapacity() {
        return queue.size() + queue.remainingCapacity();
    }

    /** Whether the writer takes commands: not closed, and its thread alive. */
    public boolean isRunning() {
        return running && thread.isAlive();
    }

    /** Whether the calling thread is the writer (command handlers assert this). */
    public boolean isWriterThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Queues a command; blocks while the queue is full. The future completes after the command's
     * group has committed, or exceptionally if the store failed (then nothing was acknowledged, and the
     * command may be sent again with the same id).
     */
    public CompletableFuture<Outcome> submit(Command command) {
        return submit(command, null);
    }

    /**
     * Queues a command, waiting at most {@code maxWait} for room in a full queue ({@code null}: as long as it
     * takes). Throws {@link LedgerBusyException} when the queue stayed full that long: the command was not
     * queued. Otherwise as {@link #submit(Command)}.
     */
    public CompletableFuture<Outcome> submit(Command command, Duration maxWait) {
        requireWellFormedId(command);
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        if (!running) {
            throw new IllegalStateException("the ledger is shut down");
        }
        Submission submission = new Submission(command, outcome);
        try {
            if (maxWait == null) {
                queue.put(submission);
            } else if (!queue.offer(submission, maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new LedgerBusyException(command, queueCapacity(), maxWait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing command " + command.id(), e);
        }
        if (!running && queue.remove(submission)) {
            // close() began between the check above and the put, and may already have drained the queue.
            outcome.completeExceptionally(new IllegalStateException("the ledger is shut down"));
        }
        return outcome;
    }

    static void requireWellFormedId(Command command) {
        Objects.requireNonNull(command, "command");
        if (!Names.isValidCommandId(command.id())) {
            throw new IllegalArgumentException(command.type() + ": id must be a string of 1 to "
                    + Names.COMMAND_ID_MAX_LENGTH + " characters, got "
                    + (command.id() == null ? "none" : command.id().length() + " characters"));
        }
        if (command.id().indexOf('\u0000') >= 0) {
            // The id is the command log's key, and PostgreSQL text cannot hold NUL: such an id could never
            // be recorded, and looking it up would fail the whole group it shares a transaction with.
            throw new IllegalArgumentException(command.type() + ": id must not contain U+0000");
        }
    }

    private void run() {
        List<Submission> group = new ArrayList<>(maxGroupSize);
        while (running || !queue.isEmpty()) {
            try {
                Submission first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, maxGroupSize - 1);
                process(group);
            } catch (InterruptedException e) {
                // Shutdown: the loop drains what is queued, then ends.
                Thread.interrupted();
            } catch (Throwable unexpected) {
                log.error("The ledger writer failed on a group of {} commands", group.size(), unexpected);
                group.forEach(s -> s.outcome().completeExceptionally(unexpected));
            } finally {
                group.clear();
            }
        }
    }

    private void process(List<Submission> group) {
        List<Outcome> outcomes;
        try {
            outcomes = commitWithRetries(group, true);
        } catch (GroupPoisoned poisoned) {
            // Redo one command per transaction so that only the failing command fails.
            for (Submission submission : group) {
                try {
                    complete(List.of(submission), commitWithRetries(List.of(submission), false));
                } catch (RuntimeException failure) {
                    submission.outcome().completeExceptionally(failure instanceof CommandFailed ? failure.getCause() : failure);
                }
            }
            return;
        } catch (RuntimeException failure) {
            group.forEach(s -> s.outcome().completeExceptionally(failure));
            return;
        }
        complete(group, outcomes);
    }

    private static void complete(List<Submission> group, List<Outcome> outcomes) {
        for (int i = 0; i < group.size(); i++) {
            group.get(i).outcome().complete(outcomes.get(i));
        }
    }

    private List<Outcome> commitWithRetries(List<Submission> group, boolean grouped) {
        touchedByFailedAttempt = Set.of();
        int conflicts = 0;
        int attempts = 0;
        long firstStoreFailure = 0;
        while (true) {
            attempts++;
            try {
                // After a conflict, decide holding the locks of what the failed attempt touched: it cannot go stale on them.
                List<Outcome> outcomes = commit(group, grouped, conflicts > 0);
                storeDown = false;
                return outcomes;
            } catch (GroupPoisoned | CommandFailed failed) {
                aggregateCache.removeAll();
                throw failed;
            } catch (RuntimeException | Error failure) {
                if (failure instanceof VirtualMachineError) {
                    // Axon skips the rollback handlers when an Error ends a commit: the cache may hold state that
                    // was never stored.
                    aggregateCache.removeAll();
                    throw failure;
                }
                boolean conflict = isConflict(failure);
                if (conflict) {
                    // Only what the failed attempts touched (read or appended to) can hold state of the rolled-back
                    // group, or be what another writer changed: the rest of the cache stays. (Axon's repository also
                    // takes what a rolled-back unit of work loaded out of the cache; this does not depend on it.)
                    touchedByFailedAttempt.forEach(aggregateCache::remove);
                } else {
                    // Aggregates in the cache may hold state of the rolled-back group.
                    aggregateCache.removeAll();
                }
                if (!conflict) {
                    monitor.storeError("writer", failure);
                }
                if (conflict && ++conflicts <= MAX_CONFLICT_RETRIES) {
                    log.debug("Concurrent write detected; retrying a group of {} commands", group.size());
                    monitor.metrics().writerRetry("conflict");
                    continue;
                }
                if (!conflict) {
                    long now = System.nanoTime();
                    // No retries while the store is known to be down, nor while the ledger closes: the commands
                    // fail at once (not acknowledged) instead of each group holding close() for a window.
                    boolean retry = running && !storeDown && (firstStoreFailure == 0
                            || TimeUnit.NANOSECONDS.toMillis(now - firstStoreFailure) < STORE_RETRY_WINDOW_MILLIS);
                    if (firstStoreFailure == 0) {
                        firstStoreFailure = now;
                        if (retry) {
                            log.warn("Committing a group of {} commands failed; retrying for up to {} s: {}", group.size(),
                                    STORE_RETRY_WINDOW_MILLIS / 1000, StoreProblem.describe(failure), failure);
                        }
                    } else if (retry) {
                        log.warn("Committing a group of {} commands failed again (attempt {}); retrying: {}", group.size(),
                                attempts, StoreProblem.describe(failure));
                    }
                    if (retry) {
                        monitor.metrics().writerRetry("store");
                        pause(attempts);
                        continue;
                    }
                    storeDown = true;
                }
                StoreException notAcknowledged = notAcknowledged(group.size(), attempts,
                        firstStoreFailure == 0 ? 0 : System.nanoTime() - firstStoreFailure, conflict, failure);
                log.error(notAcknowledged.getMessage());
                throw notAcknowledged;
            }
        }
    }

    /**
     * The one-line failure every command of a group that could not be committed completes with: what went
     * wrong with the store, and what the caller does about it.
     */
    private static StoreException notAcknowledged(int groupSize, int attempts, long retriedNanos, boolean conflict,
                                                  Throwable failure) {
        String problem = conflict
                ? "the aggregates or ids it read had changed by the time it wrote, on each of " + attempts + " attempts "
                + "(changed by other writers; where no other writer ran, the group conflicted with itself, "
                + "which is a bug to report with this log)"
                : StoreProblem.describe(failure) + " (" + attempts + (attempts == 1 ? " attempt" : " attempts")
                + " in " + TimeUnit.NANOSECONDS.toMillis(retriedNanos) / 100 / 10.0 + " s)";
        return new StoreException("not acknowledged: " + problem + "; its group of " + groupSize
                + (groupSize == 1 ? " command" : " commands") + " was not committed. Nothing is lost: send it again with "
                + "the same id once the store is back; if it was recorded after all, it comes back as a Duplicate and "
                + "is not applied twice", failure);
    }

    /**
     * @param lockFirst lock what the failed attempt touched ({@link AppendLocks#lockForRetry}) before anything is
     *                  read, besides the group's own locks just before its reads are checked and its events appended:
     *                  no other writer can then change those aggregates while the group decides
     */
    private List<Outcome> commit(List<Submission> group, boolean grouped, boolean lockFirst) {
        long started = System.nanoTime();
        if (transactions.abandon()) {
            log.error("The writer found a transaction of an earlier group still open and rolled it back");
        }
        // The transaction first: if no connection can be had, no unit of work is left started on this thread.
        Transaction transaction = transactions.startTransaction();
        UnitOfWork<?> root;
        try {
            root = DefaultUnitOfWork.startAndGet(new GenericMessage<>("command group of " + group.size()));
        } catch (RuntimeException | Error e) {
            transactions.abandon();
            throw e;
        }
        root.onCommit(u -> transaction.commit());
        root.onRollback(u -> transaction.rollback());
        // Registered first, so it runs before the group's events are appended (see ReadValidation).
        root.onPrepareCommit(u -> validateReads(u));
        try {
            if (lockFirst) {
                lockForRetry();
            }
            Map<String, CommandLog.Entry> known = lookUp(group);
            Set<String> staleRefusals = withoutStaleRefusals(group, known);
            preload(group, known);
            List<CommandLog.Entry> recorded = new ArrayList<>();
            List<Outcome> outcomes = new ArrayList<>(group.size());
            List<Command> leadTrades = new ArrayList<>();
            List<Integer> copiers = new ArrayList<>();
            for (Submission submission : group) {
                Command command = submission.command();
                String fingerprint = CommandFingerprint.of(command);
                CommandLog.Entry seen = known.get(command.id());
                if (seen != null) {
                    outcomes.add(seen.fingerprint().equals(fingerprint)
                            ? new Outcome.Duplicate(command.id(), seen.outcome())
                            : new Outcome.Rejected(command.id(), RejectionCode.IDEMPOTENCY_CONFLICT,
                            "command id " + command.id() + " was used before for other content ("
                                    + seen.commandType() + "); the first record stays"));
                    continue;
                }
                copiesOfCommand = 0;
                Outcome outcome = dispatch(command, grouped);
                if (copiesOfCommand > 0 && outcome instanceof Outcome.Accepted) {
                    leadTrades.add(command);
                    copiers.add(copiesOfCommand);
                }
                if (outcome instanceof Outcome.Rejected && !command.refusalIsFinal()) {
                    // Not remembered: sent again, the command is decided again (see Command.refusalIsFinal).
                    outcomes.add(outcome);
                    continue;
                }
                CommandLog.Entry entry = new CommandLog.Entry(command.id(), command.type(), fingerprint, outcome);
                known.put(command.id(), entry);
                recorded.add(entry);
                outcomes.add(outcome);
            }
            long now = clock.millis();
            // Registered last, so it runs after the event append (and after the group's append locks).
            root.onPrepareCommit(u -> writeSnapshotsAndLog(root, recorded, staleRefusals, now));
            root.commit();
            monitor.metrics().groupCommitted(group.size(), System.nanoTime() - started);
            for (int i = 0; i < leadTrades.size(); i++) {
                monitor.metrics().fanOut(leadTrades.get(i).type(), copiers.get(i));
            }
            if (appendedTo(root).isEmpty()) {
                return outcomes;
            }
            eventsCommitted.run();
            Set<String> due = root.getResource(CHECKPOINTS_DUE);
            if (due != null) {
                checkpointsDue.accept(due);
            }
            return outcomes;
        } catch (Throwable failure) {
            // What this attempt touched: a retry after a conflict locks it before it reads anything.
            Set<String> touched = new HashSet<>(EventSourcedAggregates.versionsRead(root).keySet());
            touched.addAll(appendedTo(root));
            touched.addAll(touchedByFailedAttempt);
            touchedByFailedAttempt = touched;
            if (root.isActive()) {
                try {
                    root.rollback(failure);
                } catch (RuntimeException rollbackFailed) {
                    failure.addSuppressed(rollbackFailed);
                }
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            throw new StoreException("committing a command group failed: " + StoreProblem.describe(failure), failure);
        } finally {
            // Axon skips a unit of work's rollback handlers when an Error ends its commit; never leave the group's
            // connection bound to this thread, or every later group would join a transaction that never commits.
            transactions.abandon();
        }
    }

    private void lockForRetry() {
        try (Connection connection = transactions.getConnection()) {
            appendLocks.lockForRetry(connection, touchedByFailedAttempt);
        } catch (SQLException e) {
            throw new StoreException("cannot take the append locks", e);
        }
    }

    private Map<String, CommandLog.Entry> lookUp(List<Submission> group) {
        Set<String> ids = new LinkedHashSet<>();
        group.forEach(s -> ids.add(s.command().id()));
        try (Connection connection = transactions.getConnection()) {
            return new HashMap<>(commandLog.find(connection, ids));
        } catch (SQLException e) {
            throw new StoreException("cannot read the command log", e);
        }
    }

    /**
     * Aggregates the group appends to. Their reads need no check: an append on a stale version collides
     * with the other writer's event on (aggregate, sequence number) and the group is retried anyway.
     */
    private static Set<String> appendedTo(UnitOfWork<?> root) {
        return root.getOrComputeResource(APPENDED_TO, key -> new HashSet<>());
    }

    private static final String APPENDED_TO = GroupCommitWriter.class.getName() + ".appendedTo";
    private static final String CHECKPOINTS_DUE = GroupCommitWriter.class.getName() + ".checkpointsDue";

    private void validateReads(UnitOfWork<?> root) {
        Map<String, Long> onlyRead = new HashMap<>(EventSourcedAggregates.versionsRead(root));
        onlyRead.keySet().removeAll(appendedTo(root));
        try (Connection connection = transactions.getConnection()) {
            appendLocks.lockForGroup(connection, appendedTo(root), onlyRead.keySet());
            ReadValidation.check(connection, onlyRead);
        } catch (SQLException e) {
            throw new StoreException("cannot check the versions the group read", e);
        }
    }

    /**
     * Takes out of {@code known} the recorded refusals of commands whose refusals are not final (recorded by an
     * earlier version of the ledger, or by one still running on another node): such a command runs again.
     * Returns their ids; if one is accepted now, its old record is replaced.
     */
    private static Set<String> withoutStaleRefusals(List<Submission> group, Map<String, CommandLog.Entry> known) {
        Set<String> stale = new HashSet<>();
        for (Submission submission : group) {
            Command command = submission.command();
            CommandLog.Entry seen = known.get(command.id());
            if (seen != null && !command.refusalIsFinal() && seen.outcome() instanceof Outcome.Rejected
                    && seen.commandType().equals(command.type())) {
                known.remove(command.id());
                stale.add(command.id());
            }
        }
        return stale;
    }

    private void writeSnapshotsAndLog(UnitOfWork<?> root, List<CommandLog.Entry> recorded, Set<String> staleRefusals,
                                      long now) {
        try (Connection connection = transactions.getConnection()) {
            snapshots.storeDue(root, connection);
            if (!staleRefusals.isEmpty()) {
                commandLog.forgetRefusals(connection, recorded.stream().map(CommandLog.Entry::commandId)
                        .filter(staleRefusals::contains).toList());
            }
            // In id order: two writers on one PostgreSQL that record some of the same ids (one of them will fail on the
            // key and retry) then wait for each other's rows in one order, never in a cycle (a deadlock, a 1 s stall).
            List<CommandLog.Entry> byId = new ArrayList<>(recorded);
            byId.sort(Comparator.comparing(CommandLog.Entry::commandId));
            commandLog.insert(connection, byId, now);
        } catch (SQLException e) {
            throw new StoreException("cannot write the command log", e);
        }
    }

    /**
     * Runs one command in its own nested unit of work: the handler, then the reactions to the events it
     * caused. A refusal or a failing reaction rolls back only this command.
     */
    /** Brings what the group's new commands read into memory in bulk (one or two queries, not a few per command). */
    private void preload(List<Submission> group, Map<String, CommandLog.Entry> known) {
        List<Command> fresh = new ArrayList<>(group.size());
        for (Submission submission : group) {
            if (!known.containsKey(submission.command().id())) {
                fresh.add(submission.command());
            }
        }
        if (!fresh.isEmpty()) {
            preloadGroup.accept(fresh);
        }
    }

    private Outcome dispatch(Command command, boolean grouped) {
        CommandMessage<?> message = GenericCommandMessage.asCommandMessage(command)
                .andMetaData(Map.of(EventMetadata.COMMAND_ID, command.id()));
        capture.start();
        ResultMessage<?> result;
        try {
            UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(message);
            result = unitOfWork.executeWithResult(() -> {
                AtomicReference<CommandResultMessage<?>> handled = new AtomicReference<>();
                commandBus.dispatch(message, (m, r) -> handled.set(r));
                CommandResultMessage<?> r = handled.get();
                if (r == null) {
                    throw new IllegalStateException("the command bus did not handle " + command.type() + " synchronously");
                }
                if (r.isExceptional()) {
                    Throwable error = r.exceptionResult();
                    throw error instanceof Exception exception ? exception : new IllegalStateException(error);
                }
                react();
                return null;
            });
        } finally {
            capture.stop();
        }
        if (!result.isExceptional()) {
            return new Outcome.Accepted(command.id());
        }
        Throwable error = result.exceptionResult();
        if (error instanceof CommandRejectedException rejected) {
            // Reported as the command log records it, so that a duplicate repeats the very same outcome.
            return new Outcome.Rejected(command.id(), rejected.code(), CommandLog.recordable(rejected.rejection().message()));
        }
        throw grouped ? new GroupPoisoned(error) : new CommandFailed(error);
    }

    private void react() throws Exception {
        for (int round = 0; round < MAX_REACTION_ROUNDS; round++) {
            List<EventMessage<?>> events = capture.drain();
            if (events.isEmpty()) {
                return;
            }
            for (EventMessage<?> event : events) {
                if (event instanceof DomainEventMessage<?> domainEvent) {
                    UnitOfWork<?> root = CurrentUnitOfWork.get().root();
                    appendedTo(root).add(domainEvent.getAggregateIdentifier());
                    LongPredicate completes = completesInterval;
                    if (completes != null && completes.test(domainEvent.getSequenceNumber())) {
                        root.getOrComputeResource(CHECKPOINTS_DUE, key -> new HashSet<String>())
                                .add(domainEvent.getAggregateIdentifier());
                    }
                }
                if (event.getPayloadType() == TradeCopied.class) {
                    copiesOfCommand++;
                }
            }
            reactions.react(events);
        }
        throw new IllegalStateException("reactions to one command did not settle after " + MAX_REACTION_ROUNDS + " rounds");
    }

    private static boolean isConflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConcurrencyException || t instanceof ReadValidation.StaleRead) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return SqlStateDuplicateKeyResolver.isUniqueViolation(failure) || isDeadlock(failure);
    }

    /**
     * The database ended the transaction to break a deadlock (PostgreSQL 40P01) or a serialization failure (40001,
     * also H2's deadlock): two writers each waited for a lock the other held, for example a retry that holds the append
     * lock and an ordinary group that holds a saga row; retried like any other conflict.
     */
    private static boolean isDeadlock(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException()) {
                    if ("40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState())) {
                        return true;
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(MAX_STORE_PAUSE_MILLIS, 100L << Math.min(attempt - 1, 10)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops taking commands, finishes those queued, and waits for the writer to end. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.MINUTES.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Submission left;
        while ((left = queue.poll()) != null) {
            left.outcome().completeExceptionally(new IllegalStateException("the ledger shut down before this command ran"));
        }
    }
}
