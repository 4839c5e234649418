package dev.ledger.api.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreException;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Durable command throughput of several writer processes on one PostgreSQL ({@code ledger bench --writers 1,2,4}):
 * for each number of writers, that many child JVMs each build a ledger (read models off) and send transfers from
 * {@link LedgerBenchmark#CALLERS} concurrent callers, every call awaiting its durable outcome; once on users of
 * their own (disjoint), once all on the same users (shared: their groups collide and are retried). Every
 * configuration sends the same number of transfers in all, split between its writers, and is timed from the
 * moment all writers are warmed up and told to go until the last one is done.
 *
 * <p>Writers on PostgreSQL lock per aggregate, not globally: on users of their own their groups do not wait for
 * each other (the store's commit bandwidth, and this machine's cores, bound what more writers add); on shared
 * users they collide, and a group that went stale is retried holding the locks of what it touched. An embedded H2 store cannot be shared between processes; there the section only says so.
 */
public final class WritersBenchmark {

    /** The most writer processes one configuration may start. */
    public static final int MAX_WRITERS = 16;
    private static final String PASSWORD_VARIABLE = "LEDGER_DB_PASSWORD";
    private static final String READY = "READY";
    private static final String GO = "GO";
    private static final String ASSET = "USDT";
    private static final BigDecimal DEPOSIT = new BigDecimal("1000000");
    private static final long CHILD_TIMEOUT_MINUTES = 30;

    private WritersBenchmark() {
    }

    /**
     * Runs every configuration on {@code settings}' store: each of {@code writerCounts} on disjoint and on shared users,
     * {@code transfers} transfers per configuration. {@code rawBatched} is the raw limit the figures are held against.
     */
    public static BenchReport.WritersSection run(StoreSettings settings, int[] writerCounts, int transfers,
                                                 BenchReport.RawInsertRun rawBatched, Consumer<String> progress) {
        if (!settings.isPostgres()) {
            return new BenchReport.WritersSection("several writer processes need a shared PostgreSQL store (--db "
                    + "jdbc:postgresql://...); an embedded H2 store belongs to one process", List.of());
        }
        String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT);
        // One writer is always measured: it is what the others are compared with.
        int[] counts = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(1),
                java.util.Arrays.stream(writerCounts)).distinct().sorted().toArray();
        List<BenchReport.WritersRun> runs = new ArrayList<>();
        for (boolean shared : new boolean[]{false, true}) {
            double oneWriter = 0;
            for (int writers : counts) {
                if (writers < 1 || writers > MAX_WRITERS) {
                    throw new IllegalArgumentException("writers must be between 1 and " + MAX_WRITERS + ", got " + writers);
                }
                String users = shared ? "shared" : "disjoint";
                progress.accept("writers: " + writers + (writers == 1 ? " process" : " processes") + " on " + users
                        + " users, " + transfers + " transfers");
                Measured measured = measure(settings, "bench-" + runId + "-w" + writers + (shared ? "s" : "d") + "-",
                        writers, shared, transfers);
                double eventsPerSecond = Figures.rate(measured.events(), measured.seconds());
                if (writers == 1) {
                    oneWriter = eventsPerSecond;
                }
                runs.add(new BenchReport.WritersRun(writers, users, LedgerBenchmark.CALLERS, transfers, measured.events(),
                        Figures.seconds(measured.seconds()), eventsPerSecond, Figures.ratio(eventsPerSecond, oneWriter),
                        Figures.ratio(eventsPerSecond, rawBatched.rowsPerSecond())));
            }
        }
        return new BenchReport.WritersSection(null, runs);
    }

    private record Measured(long events, double seconds) {
    }

    private static Measured measure(StoreSettings settings, String prefix, int writers, boolean shared, int transfers) {
        List<Process> children = new ArrayList<>();
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        List<CompletableFuture<JsonNode>> done = new ArrayList<>();
        List<List<String>> outputs = new ArrayList<>();
        // Only to read the head and count events: its writer stays idle.
        try (Ledger probe = Ledger.builder().store(settings).startReadModels(false).build()) {
            for (int w = 0; w < writers; w++) {
                int share = transfers / writers + (w < transfers % writers ? 1 : 0);
                String users = shared ? prefix : prefix + "p" + w + "-";
                Process child = start(settings, users, prefix + "p" + w + "-", share);
                children.add(child);
                CompletableFuture<Void> isReady = new CompletableFuture<>();
                CompletableFuture<JsonNode> isDone = new CompletableFuture<>();
                List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
                ready.add(isReady);
                done.add(isDone);
                outputs.add(output);
                follow(child, output, isReady, isDone);
            }
            for (int w = 0; w < writers; w++) {
                await(ready.get(w), children.get(w), outputs.get(w), "warm up");
            }
            // Set-up and warm-up are done: the events counted are those of the timed transfers.
            long headBefore = probe.store().headIndex();
            long started = System.nanoTime();
            for (Process child : children) {
                OutputStream in = child.getOutputStream();
                in.write((GO + "\n").getBytes(StandardCharsets.US_ASCII));
                in.flush();
            }
            for (int w = 0; w < writers; w++) {
                await(done.get(w), children.get(w), outputs.get(w), "send its transfers");
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            for (Process child : children) {
                child.getOutputStream().close();
                child.waitFor(1, TimeUnit.MINUTES);
            }
            return new Measured(eventsAfter(probe, headBefore, prefix), seconds);
        } catch (IOException e) {
            throw new IllegalStateException("writers benchmark: cannot talk to a writer process: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the writers benchmark", e);
        } finally {
            for (Process child : children) {
                if (child.isAlive()) {
                    child.destroyForcibly();
                }
            }
        }
    }

    private static Process start(StoreSettings settings, String users, String ids, int transfers) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                WritersBenchmark.class.getName(), settings.jdbcUrl(), settings.user() == null ? "" : settings.user(),
                users, ids, Integer.toString(LedgerBenchmark.CALLERS), Integer.toString(transfers));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, settings.password() == null ? "" : settings.password());
        return builder.start();
    }

    /** Reads a child's output on a thread of its own: {@link #READY}, then one JSON line when it is done. */
    private static void follow(Process child, List<String> output, CompletableFuture<Void> ready,
                               CompletableFuture<JsonNode> done) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                    if (line.equals(READY)) {
                        ready.complete(null);
                    } else if (line.startsWith("{") && ready.isDone()) {
                        done.complete(new ObjectMapper().readTree(line));
                    }
                }
            } catch (IOException e) {
                // The process went away; the futures below fail.
            }
            IllegalStateException ended = new IllegalStateException("the writer process ended");
            ready.completeExceptionally(ended);
            done.completeExceptionally(ended);
        }, "bench-writer-output");
        reader.setDaemon(true);
        reader.start();
    }

    private static <T> T await(CompletableFuture<T> future, Process child, List<String> output, String what)
            throws InterruptedException {
        try {
            return future.get(CHILD_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            List<String> tail;
            synchronized (output) {
                tail = List.copyOf(output.subList(Math.max(0, output.size() - 5), output.size()));
            }
            throw new IllegalStateException("writers benchmark: a writer process did not " + what
                    + (child.isAlive() ? "" : " (exit " + child.exitValue() + ")") + ": " + String.join(" | ", tail));
        }
    }

    private static long eventsAfter(Ledger ledger, long headBefore, String prefix) {
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT COUNT(*) FROM domainevententry WHERE globalindex > ? AND aggregateidentifier LIKE ?")) {
            count.setLong(1, headBefore);
            count.setString(2, prefix + "%");
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot count the writers benchmark's events", e);
        }
    }

    /**
     * In a writer process: {@code JDBC_URL USER USER_PREFIX ID_PREFIX CALLERS TRANSFERS}, the password in
     * {@value #PASSWORD_VARIABLE}. Opens and funds the users (an account another writer opened first is fine: the ids
     * are the same, so it comes back as a duplicate), warms up, prints {@link #READY}, waits for {@link #GO} on standard
     * input, sends the transfers and prints one JSON line.
     */
    public static void main(String[] args) throws Exception {
        String password = System.getenv().getOrDefault(PASSWORD_VARIABLE, "");
        StoreSettings settings = StoreSettings.of(args[0], args[1].isEmpty() ? null : args[1], password);
        String users = args[2];
        String ids = args[3];
        int callers = Integer.parseInt(args[4]);
        int transfers = Integer.parseInt(args[5]);
        int userCount = callers * LedgerBenchmark.USERS_PER_CALLER;
        try (Ledger ledger = Ledger.builder().store(settings).startReadModels(false).build()) {
            List<LedgerCommand> setup = new ArrayList<>();
            for (int u = 0; u < userCount; u++) {
                setup.add(new OpenAccount(users + "open-f-" + u, users + "u" + u + ":FUTURES"));
                setup.add(new OpenAccount(users + "open-c-" + u, users + "u" + u + ":COPY"));
                setup.add(new Deposit(users + "deposit-" + u, users + "u" + u + ":FUTURES", ASSET, DEPOSIT));
            }
            for (Outcome outcome : ledger.executeAll(setup)) {
                if (outcome.decisive() instanceof Outcome.Rejected) {
                    throw new IllegalStateException("set-up command refused: " + outcome);
                }
            }
            send(ledger, users, ids + "warm-", callers, Math.max(callers, transfers / 10));
            System.out.println(READY);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            if (!GO.equals(in.readLine())) {
                System.exit(3);
            }
            long started = System.nanoTime();
            send(ledger, users, ids, callers, transfers);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.println(new ObjectMapper().writeValueAsString(Map.of("transfers", transfers, "seconds", seconds)));
            System.out.flush();
        }
        System.exit(0);
    }

    /**
     * {@code transfers} transfers of 1 USDT from {@code callers} threads, each awaited; caller c works on users c,
     * c + callers, ..., each user's transfers alternating FUTURES -> COPY and back, so that whatever other writers do
     * on the same users, a writer never takes from COPY more than it put there.
     */
    private static void send(Ledger ledger, String users, String ids, int callers, int transfers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                int share = transfers / callers + (caller < transfers % callers ? 1 : 0);
                done.add(pool.submit(() -> {
                    start.await();
                    int own = LedgerBenchmark.USERS_PER_CALLER;
                    for (int i = 0; i < share; i++) {
                        int user = caller + (i / 2 % own) * callers;
                        boolean outward = i % 2 == 0;
                        String futures = users + "u" + user + ":FUTURES";
                        String copy = users + "u" + user + ":COPY";
                        Transfer transfer = outward
                                ? new Transfer(ids + "c" + caller + "-" + i, futures, copy, ASSET, BigDecimal.ONE)
                                : new Transfer(ids + "c" + caller + "-" + i, copy, futures, ASSET, BigDecimal.ONE);
                        Outcome outcome = ledger.execute(transfer);
                        if (!(outcome instanceof Outcome.Accepted)) {
                            throw new IllegalStateException("benchmark transfer not accepted: " + outcome);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> caller : done) {
                caller.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
