package dev.ledger.api.bench;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The ledger as its store fills: durable transfers from {@code callers} threads until the store holds
 * {@code targetEvents} more events, in steps (of a million events from 2 million on, else a tenth of the
 * target); per step, the events per second and the latency of each command, submit to durable outcome (p50,
 * p99, max). All transfers move 1 USDT between one user's FUTURES and COPY accounts, so that one account
 * gathers a long history: point-in-time queries on it are timed at the end.
 */
final class ScaleBenchmark {

    private static final BigDecimal FUNDS = new BigDecimal("1000000000");

    private final Ledger ledger;
    private final String user;
    private final Consumer<String> progress;

    ScaleBenchmark(Ledger ledger, String runId, Consumer<String> progress) {
        this.ledger = ledger;
        this.user = "scale" + runId;
        this.progress = progress;
    }

    /** Fills the store with {@code targetEvents} more events and reports each step, then the point-in-time timings. */
    BenchReport.ScaleRun run(long targetEvents, int callers) {
        String futures = user + ":FUTURES";
        String copy = user + ":COPY";
        List<LedgerCommand> setUp = List.of(new OpenAccount(user + "-of", futures), new OpenAccount(user + "-oc", copy),
                new Deposit(user + "-d", futures, "USDT", FUNDS), new Transfer(user + "-t", futures, copy, "USDT", FUNDS.divide(BigDecimal.valueOf(2))));
        for (Outcome outcome : ledger.executeAll(setUp)) {
            requireAccepted(outcome);
        }
        long step = stepOf(targetEvents);
        long startHead = ledger.store().headIndex();
        long stored = startHead + 1;
        AtomicLong sequence = new AtomicLong();
        List<BenchReport.ScaleStep> steps = new ArrayList<>();
        Instant middle = null;
        for (long done = 0; done < targetEvents; ) {
            long stepEvents = Math.min(step, targetEvents - done);
            BenchReport.ScaleStep measured = step(callers, stepEvents, futures, copy, sequence);
            done = ledger.store().headIndex() - startHead;
            stored = ledger.store().headIndex() + 1;
            steps.add(new BenchReport.ScaleStep(stored, measured.commands(), measured.seconds(), measured.eventsPerSecond(),
                    measured.p50Millis(), measured.p99Millis(), measured.maxMillis(), heapUsed()));
            progress.accept(String.format(Locale.ROOT, "scale: %,d events stored, %,.0f events/s, p50 %.2f ms, p99 %.2f ms",
                    stored, measured.eventsPerSecond(), measured.p50Millis(), measured.p99Millis()));
            if (middle == null && done * 2 >= targetEvents) {
                middle = Instant.now();
            }
        }
        long accountEvents = eventsOf(futures);
        progress.accept("scale: point-in-time queries on " + futures + " (" + accountEvents + " events)");
        Instant end = Instant.now();
        Instant halfway = middle == null ? end : middle;
        double atHalfway = timeMillis(() -> ledger.balanceAt(futures, halfway));
        double atEnd = timeMillis(() -> ledger.balanceAt(futures, end));
        return new BenchReport.ScaleRun(targetEvents, callers, steps,
                new BenchReport.PointInTimeRun(futures, accountEvents, atHalfway, atEnd), null);
    }

    private BenchReport.ScaleStep step(int callers, long events, String futures, String copy, AtomicLong sequence) {
        // A transfer stores three events.
        long transfers = Math.max(callers, (events + 2) / 3);
        long[] latencies = new long[Math.toIntExact(transfers)];
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(callers, r -> {
            Thread thread = new Thread(r, "bench-scale-caller");
            thread.setDaemon(true);
            return thread;
        });
        long headBefore = ledger.store().headIndex();
        long started;
        double seconds;
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>(callers);
            for (int c = 0; c < callers; c++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (long i = next.getAndIncrement(); i < transfers; i = next.getAndIncrement()) {
                        long n = sequence.getAndIncrement();
                        boolean out = n % 2 == 0;
                        Transfer transfer = new Transfer(user + "-s" + n, out ? futures : copy, out ? copy : futures,
                                "USDT", BigDecimal.ONE);
                        long sent = System.nanoTime();
                        requireAccepted(ledger.execute(transfer));
                        latencies[(int) i] = System.nanoTime() - sent;
                    }
                    return null;
                }));
            }
            started = System.nanoTime();
            start.countDown();
            for (Future<?> caller : done) {
                caller.get();
            }
            seconds = (System.nanoTime() - started) / 1e9;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while filling the store", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Arrays.sort(latencies);
        long appended = ledger.store().headIndex() - headBefore;
        return new BenchReport.ScaleStep(0, transfers, Figures.seconds(seconds), Figures.rate(appended, seconds),
                millis(percentile(latencies, 0.50)), millis(percentile(latencies, 0.99)),
                millis(latencies[latencies.length - 1]), 0);
    }

    private long eventsOf(String account) {
        try (var connection = ledger.store().dataSource().getConnection();
             var query = connection.prepareStatement("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?")) {
            query.setString(1, account);
            try (var row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new dev.ledger.api.store.StoreException("cannot count the events of " + account, e);
        }
    }

    static long stepOf(long targetEvents) {
        return targetEvents >= 2_000_000 ? 1_000_000 : Math.max(1, targetEvents / 10);
    }

    private static long percentile(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    private static double timeMillis(Runnable query) {
        long started = System.nanoTime();
        query.run();
        return Math.round((System.nanoTime() - started) / 10_000.0) / 100.0;
    }

    private static long heapUsed() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static void requireAccepted(Outcome outcome) {
        if (!(outcome instanceof Outcome.Accepted)) {
            throw new IllegalStateException("the scale benchmark expected every command accepted, got " + outcome);
        }
    }
}
