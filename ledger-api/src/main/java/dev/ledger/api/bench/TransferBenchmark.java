package dev.ledger.api.bench;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreException;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * The ledger's durable transfer throughput: users with a FUTURES and a COPY account move 1 USDT back
 * and forth, each caller on users of its own, every call awaiting its durable outcome. Each user's
 * transfers alternate FUTURES→COPY, COPY→FUTURES, so no balance runs out however long the run.
 */
final class TransferBenchmark {

    private static final String ASSET = "USDT";
    private static final BigDecimal DEPOSIT = new BigDecimal("1000");
    private static final BigDecimal AMOUNT = BigDecimal.ONE;

    private final Ledger ledger;
    private final String prefix;
    private final String[] futures;
    private final String[] copies;
    /** Transfers sent per user so far; a user belongs to one caller at a time, so no two threads share an entry. */
    private final long[] sentPerUser;
    private int runs;

    /**
     * @param prefix makes user names and command ids unique to this run, so the benchmark can share a
     *               database with other data
     */
    TransferBenchmark(Ledger ledger, String prefix, int users) {
        this.ledger = ledger;
        this.prefix = prefix;
        this.futures = new String[users];
        this.copies = new String[users];
        this.sentPerUser = new long[users];
        for (int u = 0; u < users; u++) {
            futures[u] = prefix + "u" + u + ":FUTURES";
            copies[u] = prefix + "u" + u + ":COPY";
        }
    }

    /** Opens every user's FUTURES and COPY accounts and deposits into FUTURES. */
    void openAndFund() {
        List<LedgerCommand> setup = new ArrayList<>();
        for (int u = 0; u < futures.length; u++) {
            setup.add(new OpenAccount(prefix + "open-f-" + u, futures[u]));
            setup.add(new OpenAccount(prefix + "open-c-" + u, copies[u]));
            setup.add(new Deposit(prefix + "deposit-" + u, futures[u], ASSET, DEPOSIT));
        }
        List<Outcome> outcomes = ledger.executeAll(setup);
        for (Outcome outcome : outcomes) {
            requireAccepted(outcome);
        }
    }

    /**
     * Sends {@code transfers} transfers from {@code callers} threads at once, each caller with up to
     * {@code inFlight} transfers sent and not yet durable (1: each call awaits its outcome before the next), and
     * times them from the first send to the last durable outcome.
     */
    BenchReport.TransferRun measure(int callers, int inFlight, int transfers, BenchReport.RawInsertRun rawBatched,
                                    BenchReport.RawInsertRun rawOneRowPerCommit) {
        long headBefore = ledger.store().headIndex();
        double elapsedSeconds = send(callers, inFlight, transfers);
        long events = eventsAfter(headBefore);
        double eventsPerSecond = Figures.rate(events, elapsedSeconds);
        return new BenchReport.TransferRun(callers, inFlight, transfers, events, Figures.seconds(elapsedSeconds),
                Figures.rate(transfers, elapsedSeconds), eventsPerSecond,
                Figures.ratio(eventsPerSecond, rawBatched.rowsPerSecond()),
                Figures.ratio(eventsPerSecond, rawOneRowPerCommit.rowsPerSecond()));
    }

    /**
     * Sends transfers without reporting them, to warm up the JIT, the caches and the pool: {@code transfers} from
     * callers that await each outcome, then as many from callers with up to {@code inFlight} in flight (whose larger
     * groups take paths of their own: longer batches and lock statements).
     */
    void warmUp(int callers, int inFlight, int transfers) {
        send(callers, 1, transfers);
        send(callers, inFlight, transfers);
    }

    private double send(int callers, int inFlight, int transfers) {
        int run = ++runs;
        ExecutorService pool = Executors.newFixedThreadPool(callers, r -> {
            Thread thread = new Thread(r, "bench-caller");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>(callers);
            for (int c = 0; c < callers; c++) {
                int caller = c;
                // Caller c sends transfers/callers, the first transfers%callers callers one more.
                int share = transfers / callers + (caller < transfers % callers ? 1 : 0);
                done.add(pool.submit(() -> {
                    start.await();
                    if (inFlight == 1) {
                        for (int i = 0; i < share; i++) {
                            requireAccepted(ledger.execute(nextTransfer(run, caller, callers, i)));
                        }
                    } else {
                        sendWithOutcomesInFlight(run, caller, callers, share, inFlight);
                    }
                    return null;
                }));
            }
            long started = System.nanoTime();
            start.countDown();
            for (Future<?> caller : done) {
                caller.get();
            }
            return (System.nanoTime() - started) / 1e9;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the transfer benchmark", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One caller's {@code share} transfers, sent without waiting for each outcome but never more than
     * {@code inFlight} not yet durable; returns once all are durable and accepted. The writer takes commands in the
     * order they were sent, so each user's transfers still alternate FUTURES→COPY, COPY→FUTURES.
     */
    private void sendWithOutcomesInFlight(int run, int caller, int callers, int share, int inFlight)
            throws InterruptedException {
        Semaphore free = new Semaphore(inFlight);
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>(share);
        for (int i = 0; i < share; i++) {
            free.acquire();
            CompletableFuture<Outcome> outcome = ledger.submit(nextTransfer(run, caller, callers, i));
            outcome.whenComplete((done, failure) -> free.release());
            outcomes.add(outcome);
        }
        for (CompletableFuture<Outcome> outcome : outcomes) {
            requireAccepted(outcome.join());
        }
    }

    /** The i-th transfer of a caller, on the caller's own users (those whose index is the caller's modulo callers). */
    private Transfer nextTransfer(int run, int caller, int callers, int i) {
        int ownUsers = (futures.length - caller + callers - 1) / callers;
        int user = caller + (i % ownUsers) * callers;
        boolean outward = sentPerUser[user]++ % 2 == 0;
        String id = prefix + "r" + run + "-c" + caller + "-" + i;
        return outward
                ? new Transfer(id, futures[user], copies[user], ASSET, AMOUNT)
                : new Transfer(id, copies[user], futures[user], ASSET, AMOUNT);
    }

    /** Events this run's accounts appended after {@code headBefore}, counted in the event table. */
    private long eventsAfter(long headBefore) {
        String sql = "SELECT COUNT(*) FROM domainevententry WHERE globalindex > ? AND aggregateidentifier LIKE ?";
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement count = connection.prepareStatement(sql)) {
            count.setLong(1, headBefore);
            count.setString(2, prefix + "%");
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot count the benchmark's events", e);
        }
    }

    private static void requireAccepted(Outcome outcome) {
        if (!(outcome instanceof Outcome.Accepted)) {
            // The figures would measure refusals, not transfers: the setup or the ledger is wrong.
            throw new IllegalStateException("benchmark command " + outcome.commandId() + " was not accepted: " + outcome);
        }
    }
}
