package dev.ledger.api.bench;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreException;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetLeaderTerms;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.event.TradeCopied;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Copy trading at scale: one lead fill of an ELITE account mirrored, inside the leader's command, to each
 * of N copiers, timed from the send to the durable outcome. Each size has a leader of its own followed by
 * the first N of one pool of copiers; every fan-out books one {@code TradeCopied} row per copier. The raw
 * limit beside it: the same number of rows, with the payload size the fan-out wrote, inserted by plain JDBC
 * in one transaction (batched statements), on the same store in the same run.
 */
final class FanOutBenchmark {

    /** Fan-outs timed per size: an opening and a closing lead fill, this many times each. */
    static final int ROUND_TRIPS = 2;
    private static final int CHUNK = 10_000;
    private static final BigDecimal PRICE = new BigDecimal("50000");

    private final Ledger ledger;
    private final String runId;
    private final String prefix;
    private final String symbol;
    private final Consumer<String> progress;

    /**
     * @param runId a short unique lowercase id: it makes user names, command ids and the symbol unique to the run
     */
    FanOutBenchmark(Ledger ledger, String runId, Consumer<String> progress) {
        this.ledger = ledger;
        this.runId = runId;
        this.prefix = "fan" + runId + "-";
        this.symbol = "F" + runId.toUpperCase(Locale.ROOT).substring(0, Math.min(12, runId.length())) + "USDT";
        this.progress = progress;
    }

    /** Runs every size, smallest first; the copier pool is as large as the largest size. */
    List<BenchReport.FanOutRun> run(int[] sizes) {
        int[] sorted = Arrays.stream(sizes).sorted().toArray();
        int pool = sorted[sorted.length - 1];
        execute(List.of(new ConfigureSymbol(prefix + "symbol", symbol, "USDT", new BigDecimal("0.005"), 100),
                new UpdateMarkPrice(prefix + "mark", symbol, PRICE)));
        openCopiers(pool);
        List<BenchReport.FanOutRun> runs = new ArrayList<>();
        for (int copiers : sorted) {
            String leader = prefix + "leader" + copiers;
            progress.accept("fan-out: a leader followed by " + copiers + " copiers");
            setUpLeader(leader, copiers);
            runs.add(measure(leader, copiers));
        }
        return runs;
    }

    private void openCopiers(int count) {
        List<LedgerCommand> commands = new ArrayList<>(CHUNK);
        for (int c = 0; c < count; c++) {
            String user = copier(c);
            commands.add(new OpenAccount(prefix + "of-" + c, user + ":FUTURES"));
            commands.add(new OpenAccount(prefix + "oc-" + c, user + ":COPY"));
            commands.add(new Deposit(prefix + "d-" + c, user + ":FUTURES", "USDT", new BigDecimal("100000")));
            commands.add(new Transfer(prefix + "t-" + c, user + ":FUTURES", user + ":COPY", "USDT", new BigDecimal("50000")));
            if (commands.size() >= CHUNK) {
                progress.accept("fan-out: opening and funding copiers, " + (c + 1) + " of " + count);
                execute(commands);
                commands.clear();
            }
        }
        execute(commands);
    }

    private void setUpLeader(String leader, int copiers) {
        execute(List.of(new OpenAccount(leader + "-of", leader + ":FUTURES"),
                new OpenAccount(leader + "-oe", leader + ":ELITE"),
                new Deposit(leader + "-d", leader + ":FUTURES", "USDT", new BigDecimal("10000000")),
                new Transfer(leader + "-t", leader + ":FUTURES", leader + ":ELITE", "USDT", new BigDecimal("5000000")),
                new SetLeaderTerms(leader + "-terms", leader, new BigDecimal("0.1"), Math.max(copiers, 1))));
        List<LedgerCommand> follows = new ArrayList<>(CHUNK);
        for (int c = 0; c < copiers; c++) {
            follows.add(Follow.byRatio(leader + "-f" + c, copier(c), leader, new BigDecimal("0.01")));
            if (follows.size() >= CHUNK) {
                progress.accept("fan-out: " + (c + 1) + " of " + copiers + " copiers follow");
                execute(follows);
                follows.clear();
            }
        }
        execute(follows);
    }

    private BenchReport.FanOutRun measure(String leader, int copiers) {
        long[] nanos = new long[2 * ROUND_TRIPS + 1];
        long headBefore = -1;
        for (int i = 0; i < nanos.length; i++) {
            // The first fan-out warms up; the others are timed: BUY opens every copier's position, SELL closes it.
            Side side = i % 2 == 0 ? Side.BUY : Side.SELL;
            RecordFill lead = new RecordFill(leader + "-lead" + i, leader + ":ELITE", symbol, side, BigDecimal.ONE, PRICE,
                    BigDecimal.ONE, 10, MarginMode.ISOLATED);
            if (i == 1) {
                headBefore = ledger.store().headIndex();
            }
            long started = System.nanoTime();
            Outcome outcome = ledger.execute(lead);
            nanos[i] = System.nanoTime() - started;
            requireAccepted(outcome);
        }
        if (nanos.length % 2 == 1) {
            // Leave the leader flat: the warm-up opened one more time than the timed fills closed.
            requireAccepted(ledger.execute(new RecordFill(leader + "-flat", leader + ":ELITE", symbol, Side.SELL,
                    BigDecimal.ONE, PRICE, BigDecimal.ZERO, 10, MarginMode.ISOLATED)));
        }
        long[] timed = Arrays.copyOfRange(nanos, 1, nanos.length);
        Arrays.sort(timed);
        double medianSeconds = timed[timed.length / 2] / 1e9;
        double minSeconds = timed[0] / 1e9;
        int payloadBytes = averageTradeCopiedPayload(headBefore);
        double mirroredPerSecond = Figures.rate(copiers, medianSeconds);
        BenchReport.RawInsertRun raw = rawInsertOf(copiers, payloadBytes);
        return new BenchReport.FanOutRun(leader, copiers, timed.length, Figures.seconds(medianSeconds) * 1000,
                Figures.seconds(minSeconds) * 1000, mirroredPerSecond,
                Figures.ratio(medianSeconds * 1e6, copiers), payloadBytes, raw.rowsPerSecond(),
                Figures.ratio(mirroredPerSecond, raw.rowsPerSecond()));
    }

    /**
     * Times {@code query followers} of each fan-out's leader and {@code query follows} of its first copier on a
     * ledger whose read models run and have caught up (median of 5 each).
     */
    static List<BenchReport.FollowQueryRun> timeQueries(Ledger withReadModels, List<BenchReport.FanOutRun> runs) {
        List<BenchReport.FollowQueryRun> times = new ArrayList<>();
        for (BenchReport.FanOutRun run : runs) {
            String copier = run.leader().substring(0, run.leader().indexOf("-")) + "-c0";
            double followers = medianMillis(() -> withReadModels.followers(run.leader(), run.copiers()).orElseThrow());
            double follows = medianMillis(() -> withReadModels.follows(copier));
            times.add(new BenchReport.FollowQueryRun(run.leader(), run.copiers(), followers, follows));
        }
        return times;
    }

    private static double medianMillis(Runnable query) {
        long[] nanos = new long[5];
        query.run();
        for (int i = 0; i < nanos.length; i++) {
            long started = System.nanoTime();
            query.run();
            nanos[i] = System.nanoTime() - started;
        }
        Arrays.sort(nanos);
        // Milliseconds to the microsecond: a small query answers in well under one.
        return Math.round(nanos[nanos.length / 2] / 1e3) / 1e3;
    }

    /** The raw limit for {@code rows} rows of {@code payloadBytes}: one transaction, batched statements. */
    private BenchReport.RawInsertRun rawInsertOf(int rows, int payloadBytes) {
        try (RawInsertBenchmark raw = new RawInsertBenchmark(ledger.store().dataSource(), "ledger_bench_fan_" + runId,
                prefix + "raw", payloadBytes)) {
            raw.insert(Math.min(rows, 5_000), LedgerBenchmark.RAW_BATCH_SIZE);
            return raw.measureOneTransaction(rows, LedgerBenchmark.RAW_BATCH_SIZE);
        }
    }

    private int averageTradeCopiedPayload(long afterIndex) {
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT AVG(LENGTH(payload)) FROM domainevententry"
                     + " WHERE globalindex > ? AND payloadtype = ?")) {
            query.setLong(1, afterIndex);
            query.setString(2, TradeCopied.class.getName());
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return (int) Math.round(row.getDouble(1));
            }
        } catch (SQLException e) {
            throw new StoreException("the fan-out benchmark could not read its rows back", e);
        }
    }

    private String copier(int c) {
        return prefix + "c" + c;
    }

    private void execute(List<LedgerCommand> commands) {
        for (Outcome outcome : ledger.executeAll(commands)) {
            requireAccepted(outcome);
        }
    }

    private static void requireAccepted(Outcome outcome) {
        if (!(outcome instanceof Outcome.Accepted)) {
            throw new IllegalStateException("the fan-out benchmark's command was not accepted: " + outcome);
        }
    }
}
