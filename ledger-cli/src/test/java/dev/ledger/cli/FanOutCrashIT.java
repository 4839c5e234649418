package dev.ledger.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;

import dev.ledger.api.json.CommandJson;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetLeaderTerms;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.event.AccountEvent;
import dev.ledger.domain.event.FeeCharged;
import dev.ledger.domain.event.PositionIncreased;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.event.TradeCopied;
import dev.ledger.domain.value.CopyOutcome;
import dev.ledger.domain.value.FollowState;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.copy.CopiesView;
import dev.ledger.projections.copy.FollowersView;
import dev.ledger.projections.copy.FollowsView;
import dev.ledger.projections.risk.RiskPosition;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A lead trade and all its mirrors are one atomic write, and a fan-out killed with SIGKILL and sent again
 * mirrors each copier exactly once (copy-trading.md, "Mirroring a lead trade"). A leader followed by
 * N copiers (5,000 by default; by RATIO, five different ratios) is set up in-process. Then, round after round, a child
 * JVM runs {@code ledger apply FILE} on a file of three lead trades (BUY, BUY, a partial SELL, with 999
 * deposits between two of them, so that each lead trade commits in a group of its own) and is killed with
 * SIGKILL at the moment the round aims at, in this order: while the writer mirrors the second lead trade,
 * while it mirrors the first (a cold process loading every copier), while it commits a group, right after a
 * lead trade became durable. By default there is one round per store, H2 starting at the first aim and
 * PostgreSQL at the second; {@code -Dfanout.rounds=4} runs them all on each. The child's writer thread
 * is watched with thread dumps (SIGQUIT; the JVM writes them to the child's log), and its stack a few
 * milliseconds before the SIGKILL tells where the kill landed.
 * <ul>
 *     <li>while the child runs, a reader polls the event store: it only ever sees whole fan-outs (a multiple
 *     of N {@code TradeCopied} rows);</li>
 *     <li>right after the kill, every lead trade of the file has 0 or exactly N {@code TradeCopied} rows,
 *     and the lead trades that are durable come first in the file;</li>
 *     <li>a ledger opened in-process on the same store gets the same file again: the durable commands come
 *     back as duplicates (a prefix of the file), the others are accepted;</li>
 *     <li>every copier has exactly one {@code TradeCopied} per lead trade, {@code COPIED} with
 *     {@code rounddown8(ratio * lead quantity)} (a proportional close for the SELL), and its copied position
 *     in the read model holds what those give; the leader's account booked each lead trade once;
 *     {@code copies}, {@code follows} and {@code followers} agree, for a sample of copiers.</li>
 * </ul>
 * A freshly started process must make its first N-copier lead trade durable within
 * {@code -Dfanout.coldLimitSeconds} (60), and the in-process resend must settle within as long.
 * {@code -Dfanout.rounds=N} (1), {@code -Dfanout.copiers=N} (5,000; 10,000, the bench's default fan-out, for a
 * full-size run) and {@code -Dfanout.store=H2|POSTGRES}
 * (both) change the run.
 */
class FanOutCrashIT {

    private static final int COPIERS = Integer.getInteger("fanout.copiers", 5_000);
    private static final int ROUNDS = Integer.getInteger("fanout.rounds", 1);
    /**
     * How long a freshly started process may take to make its first lead trade durable (JVM start, opening the
     * ledger, loading the leader's book and every copier's account, mirroring, committing), and how long the
     * in-process resend may take to settle. A warm 10,000-copier fan-out takes about a second on a small machine.
     */
    private static final Duration COLD_LIMIT = Duration.ofSeconds(Integer.getInteger("fanout.coldLimitSeconds", 60));
    /** Deposits between two lead trades of a file: the writer groups at most 1,000 commands, so each lead trade commits alone. */
    private static final int PADDING = 999;
    private static final int SETUP_CHUNK = 10_000;
    /** How often the child's writer is looked at while the round waits for the moment it aims at. */
    private static final long DUMP_EVERY_MILLIS = 40;
    /** Once the writer is seen mirroring, the kill comes up to this much later, so that it lands anywhere in the fan-out. */
    private static final int MAX_DELAY_IN_FAN_OUT_MILLIS = 600;
    private static final String LEADER = "lead";
    private static final String LEADER_ACCOUNT = LEADER + ":ELITE";
    private static final String SYMBOL = "BTCUSDT";
    private static final String USDT = "USDT";
    private static final String TRADE_COPIED = TradeCopied.class.getName();
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    /** The moment a round aims its kill at. */
    private enum Aim { INSIDE_SECOND_FAN_OUT, INSIDE_FIRST_FAN_OUT, WHILE_COMMITTING, RIGHT_AFTER_A_COMMIT }

    /** Where the kill landed, from the writer's stack just before it and the rows durable after it. */
    enum Landing { BEFORE_FIRST_FAN_OUT, INSIDE_FAN_OUT, BETWEEN_FAN_OUTS, AFTER_LAST_FAN_OUT }

    /** One lead trade of a file: its command and the quantity each copier should book for it. */
    private record LeadTrade(RecordFill fill, Map<String, BigDecimal> mirrored) {
    }

    /** What happened to the child: killed or not, the writer's stack just before, the commits seen (ms after start). */
    private record ChildRun(boolean killed, String writerStack, List<Long> commitsSeen, long endedAfterMillis) {
    }

    @OnEveryStore
    void aKilledFanOutSentAgainMirrorsEveryCopierExactlyOnce(StoreKind kind, @TempDir Path directory) throws Exception {
        assumeTrue(System.getProperty("fanout.store", kind.name()).equalsIgnoreCase(kind.name()), "-Dfanout.store");
        long started = System.nanoTime();
        StoreSettings settings = Stores.durable(kind, directory.resolve("store"));
        List<String> copiers = new ArrayList<>(COPIERS);
        Map<String, BigDecimal> ratios = new HashMap<>();
        for (int c = 0; c < COPIERS; c++) {
            String copier = String.format("c%05d", c);
            copiers.add(copier);
            ratios.put(copier, new BigDecimal("0.01").multiply(BigDecimal.valueOf(1 + c % 5)));
        }
        try (Ledger ledger = Ledger.builder().store(settings).readModelTimeout(Duration.ofMinutes(3)).build()) {
            setUp(ledger, copiers, ratios);
        }
        long setUpMillis = millisSince(started);
        System.out.printf("FanOutCrashIT on %s: %d copiers set up in %d ms%n", kind, COPIERS, setUpMillis);

        // The expected state, carried from round to round: the leader's quantity and each copier's.
        BigDecimal[] leaderQuantity = {BigDecimal.ZERO};
        Map<String, BigDecimal> held = new HashMap<>();
        copiers.forEach(c -> held.put(c, BigDecimal.ZERO));
        List<LeadTrade> allLeadTrades = new ArrayList<>();
        List<String> landings = new ArrayList<>();
        int insideFanOut = 0;
        Random random = new Random(4_242L + kind.ordinal());

        for (int round = 0; round < ROUNDS; round++) {
            long roundStarted = System.nanoTime();
            String prefix = "r" + round + "-";
            List<LeadTrade> leadTrades = leadTrades(prefix, copiers, ratios, held, leaderQuantity);
            List<String> lines = fileLines(prefix, leadTrades);
            Path file = Files.write(directory.resolve("round-" + round + ".jsonl"), lines);
            long head = headIndex(settings);

            // Each store starts at another aim: with one round, H2 is killed in a warm fan-out, PostgreSQL in the cold one.
            Aim aim = Aim.values()[(round + kind.ordinal()) % Aim.values().length];
            ChildRun run = applyAndKill(round, aim, file, settings, head, directory, random);
            long childMillis = millisSince(roundStarted);

            long reopened = System.nanoTime();
            Ledger ledger = Ledger.builder().store(settings).readModelTimeout(Duration.ofMinutes(3)).build();
            boolean writerStuck = false;
            try {
                DataSource data = ledger.store().dataSource();
                // Atomicity: each lead trade of the file is mirrored to every copier or to none.
                Map<String, Map<String, List<TradeCopied>>> byLead = tradeCopied(data, head);
                int durable = 0;
                for (int t = 0; t < leadTrades.size(); t++) {
                    String id = leadTrades.get(t).fill().id();
                    int rows = byLead.getOrDefault(id, Map.of()).values().stream().mapToInt(List::size).sum();
                    assertThat(rows).as("round %d: TradeCopied rows of %s right after the kill (all copiers or none)",
                            round, id).isIn(0, COPIERS);
                    if (rows == COPIERS) {
                        assertThat(durable).as("round %d: %s is durable, so are the lead trades before it", round, id)
                                .isEqualTo(t);
                        durable++;
                    }
                }
                Landing landing = landing(run, durable, leadTrades.size());
                if (landing == Landing.INSIDE_FAN_OUT) {
                    insideFanOut++;
                }
                String where = String.format("round %d, aimed %s: %s after %d ms, writer %s; lead trades durable %d of 3; "
                                + "commits seen at %s ms", round, aim, run.killed() ? "killed " + landing : "not killed",
                        run.endedAfterMillis(), writerActivity(run.writerStack()), durable, run.commitsSeen());
                landings.add(where);
                System.out.println("FanOutCrashIT on " + kind + ": " + where);

                // The same file again: what was durable is a duplicate, the rest is applied now.
                long resent = System.nanoTime();
                List<Outcome> outcomes = resend(ledger, lines);
                int duplicates = 0;
                for (int i = 0; i < outcomes.size(); i++) {
                    Outcome outcome = outcomes.get(i);
                    assertThat(outcome).as("round %d: line %d sent again", round, i + 1)
                            .isInstanceOfAny(Outcome.Accepted.class, Outcome.Duplicate.class);
                    if (outcome instanceof Outcome.Duplicate duplicate) {
                        assertThat(i).as("round %d: line %d is a duplicate: the durable commands are a prefix of the "
                                + "file", round, i + 1).isEqualTo(duplicates);
                        assertThat(duplicate.first()).isInstanceOf(Outcome.Accepted.class);
                        duplicates++;
                    }
                }
                for (int t = 0; t < leadTrades.size(); t++) {
                    Outcome outcome = outcomes.get(t * (PADDING + 1));
                    assertThat(outcome.commandId()).isEqualTo(leadTrades.get(t).fill().id());
                    assertThat(outcome).as("round %d: %s sent again", round, outcome.commandId())
                            .isInstanceOf(t < durable ? Outcome.Duplicate.class : Outcome.Accepted.class);
                }
                long resendMillis = millisSince(resent);
                long caughtUp = System.nanoTime();
                ledger.awaitReadModels();
                long readModelMillis = millisSince(caughtUp);
                allLeadTrades.addAll(leadTrades);

                long checked = System.nanoTime();
                checkMirrors(data, round, head, leadTrades, copiers);
                checkPositions(ledger, round, held, leaderQuantity[0]);
                checkLeaderFills(data, allLeadTrades);
                checkViews(ledger, copiers, ratios, allLeadTrades, random);
                System.out.printf("FanOutCrashIT on %s: round %d took %d ms (child %d, reopen %d, resend %d, read models %d,"
                                + " checks %d)%n", kind, round, millisSince(roundStarted), childMillis,
                        TimeUnit.NANOSECONDS.toMillis(resent - reopened), resendMillis, readModelMillis, millisSince(checked));
            } catch (ResendTooSlow tooSlow) {
                // Closing would wait for the writer, which is still busy with a lead trade: it ends with the JVM.
                writerStuck = true;
                throw new AssertionError(String.format("round %d: %s", round, tooSlow.getMessage()));
            } finally {
                if (!writerStuck) {
                    ledger.close();
                }
            }
        }
        System.out.printf("FanOutCrashIT on %s: %d copiers, set-up %d ms, %d rounds, %d kills inside a fan-out, %d ms in all%n",
                kind, COPIERS, setUpMillis, ROUNDS, insideFanOut, millisSince(started));
        landings.forEach(l -> System.out.println("  " + l));
        if (ROUNDS >= 2) {
            assertThat(insideFanOut).as("kills that landed inside a fan-out: %s", landings).isGreaterThanOrEqualTo(1);
        }
    }

    // ---------------------------------------------------------------- set-up and the files

    private static void setUp(Ledger ledger, List<String> copiers, Map<String, BigDecimal> ratios) {
        List<LedgerCommand> commands = new ArrayList<>(List.of(
                new ConfigureSymbol("s-symbol", SYMBOL, USDT, new BigDecimal("0.005"), 100),
                new UpdateMarkPrice("s-mark", SYMBOL, new BigDecimal("50000")),
                new OpenAccount("s-lead-of", LEADER + ":FUTURES"),
                new OpenAccount("s-lead-oe", LEADER_ACCOUNT),
                new Deposit("s-lead-d", LEADER + ":FUTURES", USDT, new BigDecimal("10000000")),
                new Transfer("s-lead-t", LEADER + ":FUTURES", LEADER_ACCOUNT, USDT, new BigDecimal("5000000")),
                new SetLeaderTerms("s-lead-terms", LEADER, new BigDecimal("0.1"), COPIERS)));
        for (String copier : copiers) {
            commands.add(new OpenAccount("s-of-" + copier, copier + ":FUTURES"));
            commands.add(new OpenAccount("s-oc-" + copier, copier + ":COPY"));
            commands.add(new Deposit("s-d-" + copier, copier + ":FUTURES", USDT, new BigDecimal("10000")));
            commands.add(new Transfer("s-t-" + copier, copier + ":FUTURES", copier + ":COPY", USDT, new BigDecimal("5000")));
        }
        for (int from = 0; from < commands.size(); from += SETUP_CHUNK) {
            for (Outcome outcome : ledger.executeAll(commands.subList(from, Math.min(commands.size(), from + SETUP_CHUNK)))) {
                assertThat(outcome).as(outcome.commandId()).isInstanceOf(Outcome.Accepted.class);
            }
        }
        List<CompletableFuture<Outcome>> follows = new ArrayList<>(copiers.size());
        for (String copier : copiers) {
            follows.add(ledger.submit(Follow.byRatio("s-f-" + copier, copier, LEADER, ratios.get(copier))));
        }
        for (CompletableFuture<Outcome> follow : follows) {
            assertThat(follow.join()).isInstanceOf(Outcome.Accepted.class);
        }
        assertThat(ledger.followers(LEADER, 1).orElseThrow().activeFollowers()).isEqualTo(COPIERS);
    }

    /**
     * A round's lead trades (BUY 1.23456789, BUY 0.5, SELL 0.6), each with what every copier should book for it
     * by copy-trading.md: {@code rounddown8(q * ratio)} for an opening fill, {@code rounddown8(P * c / Q)} for a
     * partial close of {@code c} of the leader's {@code Q}. Updates {@code held} and {@code leaderQuantity}.
     */
    private static List<LeadTrade> leadTrades(String prefix, List<String> copiers, Map<String, BigDecimal> ratios,
                                              Map<String, BigDecimal> held, BigDecimal[] leaderQuantity) {
        String[] quantities = {"1.23456789", "0.5", "0.6"};
        Side[] sides = {Side.BUY, Side.BUY, Side.SELL};
        List<LeadTrade> leadTrades = new ArrayList<>();
        for (int t = 0; t < quantities.length; t++) {
            RecordFill fill = new RecordFill(prefix + "L" + (t + 1), LEADER_ACCOUNT, SYMBOL, sides[t],
                    new BigDecimal(quantities[t]), BigDecimal.valueOf(50_000 + 250 * t), new BigDecimal("5"), 10,
                    MarginMode.ISOLATED);
            BigDecimal q = fill.quantity();
            BigDecimal leaderBefore = leaderQuantity[0];
            Map<String, BigDecimal> mirrored = new HashMap<>();
            for (String copier : copiers) {
                BigDecimal before = held.get(copier);
                BigDecimal quantity;
                if (fill.side() == Side.BUY) {
                    quantity = rounddown8(q.multiply(ratios.get(copier)));
                    held.put(copier, before.add(quantity));
                } else {
                    assertThat(q).as("the SELL closes part of the leader's position").isLessThan(leaderBefore);
                    quantity = rounddown8(before.multiply(q).divide(leaderBefore, 20, RoundingMode.DOWN));
                    held.put(copier, before.subtract(quantity));
                }
                mirrored.put(copier, quantity);
            }
            leaderQuantity[0] = fill.side() == Side.BUY ? leaderBefore.add(q) : leaderBefore.subtract(q);
            leadTrades.add(new LeadTrade(fill, mirrored));
        }
        return leadTrades;
    }

    /** Lead trade 1, 999 deposits, lead trade 2, 999 deposits, lead trade 3: JSON lines for {@code ledger apply}. */
    private static List<String> fileLines(String prefix, List<LeadTrade> leadTrades) {
        List<String> lines = new ArrayList<>();
        for (int t = 0; t < leadTrades.size(); t++) {
            RecordFill fill = leadTrades.get(t).fill();
            lines.add(String.format("{\"id\": \"%s\", \"type\": \"RecordFill\", \"account\": \"%s\", \"symbol\": \"%s\", "
                            + "\"side\": \"%s\", \"quantity\": \"%s\", \"price\": \"%s\", \"fee\": \"%s\", \"leverage\": %d, "
                            + "\"marginMode\": \"%s\"}", fill.id(), fill.account(), fill.symbol(), fill.side(),
                    fill.quantity().toPlainString(), fill.price().toPlainString(), fill.fee().toPlainString(),
                    fill.leverage(), fill.marginMode()));
            for (int p = 0; t < leadTrades.size() - 1 && p < PADDING; p++) {
                lines.add(String.format("{\"id\": \"%spad%d-%d\", \"type\": \"Deposit\", \"account\": \"%s:FUTURES\", "
                        + "\"asset\": \"USDT\", \"amount\": \"1\"}", prefix, t, p, LEADER));
            }
        }
        return lines;
    }

    // ---------------------------------------------------------------- the child and its kill

    /**
     * Runs {@code ledger apply FILE} in a child JVM and kills it (SIGKILL) at the moment {@code aim} names, while
     * a reader checks that only whole fan-outs ever become visible. Fails if the first lead trade is not durable
     * within {@link #COLD_LIMIT}.
     */
    private static ChildRun applyAndKill(int round, Aim aim, Path file, StoreSettings settings, long head, Path directory,
                                         Random random) throws Exception {
        Path log = directory.resolve("round-" + round + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                LedgerCommandLine.class.getName(), "apply", file.toString(), "--db", settings.jdbcUrl()));
        if (!settings.user().isEmpty()) {
            command.addAll(List.of("--db-user", settings.user(), "--db-password", settings.password()));
        }
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long childStarted = System.nanoTime();
        List<Long> commits = new ArrayList<>();
        String stack = null;
        try (Poller poller = new Poller(settings, directory.resolve("store"), child)) {
            long nextDump = 1_000; // the JVM answers SIGQUIT with a dump once it has started
            long killAt = -1;
            while (child.isAlive()) {
                long now = millisSince(childStarted);
                long rows = poller.tradeCopiedRowsAfter(head);
                if (rows >= 0) {
                    assertThat(rows % COPIERS).as("round %d: a reader sees %d TradeCopied rows while the child runs: "
                            + "only whole fan-outs may ever be visible", round, rows).isZero();
                    while (commits.size() < rows / COPIERS) {
                        commits.add(now);
                    }
                }
                if (commits.isEmpty() && now > COLD_LIMIT.toMillis()) {
                    String writer = dumpWriter(child, log);
                    child.destroyForcibly();
                    throw new AssertionError(String.format("round %d: the child's first lead trade, a fan-out to %d "
                                    + "copiers in a freshly started process, was not durable %d s after the child started;"
                                    + " its writer was at:%n%s", round, COPIERS, COLD_LIMIT.toSeconds(), writer));
                }
                if (killAt < 0 && aim == Aim.RIGHT_AFTER_A_COMMIT && !commits.isEmpty()) {
                    killAt = now;
                }
                boolean watching = switch (aim) {
                    case INSIDE_FIRST_FAN_OUT -> commits.isEmpty();
                    case INSIDE_SECOND_FAN_OUT -> commits.size() == 1;
                    case WHILE_COMMITTING -> commits.size() < 3;
                    case RIGHT_AFTER_A_COMMIT -> false;
                };
                if (killAt < 0 && watching && now >= nextDump) {
                    String writer = dumpWriter(child, log);
                    nextDump = millisSince(childStarted) + DUMP_EVERY_MILLIS;
                    if (aim == Aim.WHILE_COMMITTING && committingGroup(writer)) {
                        // A group's commit is short: kill at once.
                        stack = writer;
                        child.destroyForcibly();
                        break;
                    }
                    if (aim != Aim.WHILE_COMMITTING && writer.contains("CopyTradingHandler.mirror")) {
                        killAt = millisSince(childStarted) + random.nextInt(MAX_DELAY_IN_FAN_OUT_MILLIS);
                    }
                }
                if (killAt >= 0 && millisSince(childStarted) >= killAt) {
                    stack = dumpWriter(child, log);
                    child.destroyForcibly();
                    break;
                }
                Thread.sleep(5);
            }
        } finally {
            if (child.isAlive() && stack == null) {
                child.destroyForcibly();
            }
        }
        long ended = millisSince(childStarted);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("round %d: the child ended", round).isTrue();
        if (stack == null) {
            assertThat(child.exitValue()).as("round %d: the child was not killed and finished: %s", round,
                    tail(log)).isZero();
        }
        return new ChildRun(stack != null, stack, commits, ended);
    }

    /**
     * Asks the child for a thread dump (SIGQUIT: the JVM writes it to the child's standard output, the log) and
     * returns the stack of its {@code ledger-writer} thread: "" if the dump did not come within a second,
     * "(no ledger-writer thread)" if the ledger had not started its writer.
     */
    private static String dumpWriter(Process child, Path log) throws Exception {
        long from = Files.size(log);
        new ProcessBuilder("kill", "-QUIT", Long.toString(child.pid())).start().waitFor(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < deadline && child.isAlive()) {
            String dump = readFrom(log, from);
            int end = dump.indexOf("JNI global refs");
            if (end >= 0) {
                int start = dump.indexOf("\"ledger-writer\"");
                if (start < 0 || start > end) {
                    return "(no ledger-writer thread)";
                }
                int stop = dump.indexOf("\n\n", start);
                return dump.substring(start, stop < 0 ? end : stop);
            }
            Thread.sleep(2);
        }
        return "";
    }

    private static String readFrom(Path log, long from) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
            long length = in.length();
            byte[] bytes = new byte[(int) Math.max(0, length - from)];
            in.seek(Math.min(from, length));
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static String tail(Path log) throws IOException {
        String text = Files.readString(log);
        return text.substring(Math.max(0, text.length() - 4_000));
    }

    /** What the writer thread was doing when its stack was dumped. */
    private static String writerActivity(String stack) {
        if (stack == null) {
            return "-";
        }
        if (stack.isEmpty()) {
            return "unknown (no thread dump in time)";
        }
        if (!stack.contains("\tat ")) {
            return "not started (the ledger was opening)";
        }
        if (stack.contains("CopyTradingHandler.mirror")) {
            return "mirroring a lead trade into the copiers' accounts";
        }
        if (committingGroup(stack)) {
            return "committing a group";
        }
        if (stack.contains("GroupCommitWriter.dispatch")) {
            return "running another command of a group";
        }
        if (stack.contains("GroupCommitWriter.commit(")) {
            return "starting a group";
        }
        return "waiting for commands";
    }

    /** The writer commits its group: the root unit of work is committing, no command of the group runs. */
    private static boolean committingGroup(String stack) {
        return stack.contains("GroupCommitWriter.commit(") && !stack.contains("GroupCommitWriter.dispatch")
                && stack.contains("AbstractUnitOfWork.commit");
    }

    /**
     * Where the kill landed: inside a fan-out when the writer was mirroring a lead trade or committing a group
     * (each group of the file holds a lead trade); otherwise before the first fan-out (none durable), between
     * two, or after the last (all durable).
     */
    private static Landing landing(ChildRun run, int durable, int leadTrades) {
        String stack = run.writerStack();
        if (run.killed() && (stack.contains("CopyTradingHandler.mirror") || committingGroup(stack))) {
            return Landing.INSIDE_FAN_OUT;
        }
        if (durable == leadTrades) {
            return Landing.AFTER_LAST_FAN_OUT;
        }
        return durable == 0 ? Landing.BEFORE_FIRST_FAN_OUT : Landing.BETWEEN_FAN_OUTS;
    }

    /**
     * Counts the {@code TradeCopied} rows while the child runs. On H2 it connects only once the child owns the
     * database file (its lock file names the child's server, which the reader then goes through), so that the
     * reader never owns it; on PostgreSQL at once.
     */
    private static final class Poller implements AutoCloseable {
        private final StoreSettings settings;
        private final Path storeDirectory;
        private final Process child;
        private Connection connection;

        Poller(StoreSettings settings, Path storeDirectory, Process child) {
            this.settings = settings;
            this.storeDirectory = storeDirectory;
            this.child = child;
        }

        /** The rows after {@code head} now, or -1 when they cannot be read (yet). */
        long tradeCopiedRowsAfter(long head) {
            try {
                if (connection == null) {
                    if (settings.jdbcUrl().startsWith("jdbc:h2:") && !childServesTheFile()) {
                        return -1;
                    }
                    connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
                }
                try (PreparedStatement query = connection.prepareStatement(
                        "SELECT COUNT(*) FROM domainevententry WHERE globalindex > ? AND payloadtype = ?")) {
                    query.setLong(1, head);
                    query.setString(2, TRADE_COPIED);
                    try (ResultSet rows = query.executeQuery()) {
                        rows.next();
                        return rows.getLong(1);
                    }
                }
            } catch (SQLException e) {
                close();
                return -1;
            }
        }

        private boolean childServesTheFile() {
            if (!child.isAlive()) {
                return false;
            }
            try (Stream<Path> files = Files.list(storeDirectory)) {
                for (Path lock : files.filter(f -> f.getFileName().toString().endsWith(".lock.db")).toList()) {
                    if (Files.readString(lock, StandardCharsets.ISO_8859_1).contains("server=")) {
                        return true;
                    }
                }
            } catch (IOException e) {
                return false;
            }
            return false;
        }

        @Override
        public void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // The child may be gone.
                }
                connection = null;
            }
        }
    }

    private static long headIndex(StoreSettings settings) throws SQLException {
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             PreparedStatement query = connection.prepareStatement("SELECT COALESCE(MAX(globalindex), -1) FROM domainevententry");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    // ---------------------------------------------------------------- sending again, and the checks

    /** The in-process resend did not settle within {@link #COLD_LIMIT}. */
    private static final class ResendTooSlow extends Exception {
        ResendTooSlow(String message) {
            super(message);
        }
    }

    /** Sends the file's commands again and waits for their outcomes, for at most {@link #COLD_LIMIT}. */
    private static List<Outcome> resend(Ledger ledger, List<String> lines) throws Exception {
        List<CompletableFuture<Outcome>> futures = new ArrayList<>(lines.size());
        for (String line : lines) {
            futures.add(ledger.submit(CommandJson.parse(line)));
        }
        long deadline = System.nanoTime() + COLD_LIMIT.toNanos();
        List<Outcome> outcomes = new ArrayList<>(futures.size());
        for (int i = 0; i < futures.size(); i++) {
            try {
                outcomes.add(futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                StringBuilder writer = new StringBuilder();
                Thread.getAllStackTraces().forEach((thread, frames) -> {
                    if (thread.getName().equals("ledger-writer")) {
                        Stream.of(frames).limit(40).forEach(f -> writer.append("\n\tat ").append(f));
                    }
                });
                throw new ResendTooSlow(String.format("sent again to a restarted ledger, line %d of %d had no outcome "
                        + "after %d s; the writer was at:%s", i + 1, lines.size(), COLD_LIMIT.toSeconds(), writer));
            }
        }
        return outcomes;
    }

    /** The TradeCopied events stored after {@code head}: per lead trade, per copier account. */
    private static Map<String, Map<String, List<TradeCopied>>> tradeCopied(DataSource data, long head) throws Exception {
        Map<String, Map<String, List<TradeCopied>>> byLead = new TreeMap<>();
        try (Connection connection = data.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT aggregateidentifier, payload FROM domainevententry"
                     + " WHERE globalindex > ? AND payloadtype = ?")) {
            query.setLong(1, head);
            query.setString(2, TRADE_COPIED);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    TradeCopied event = JSON.readValue(rows.getBytes(2), TradeCopied.class);
                    assertThat(event.account()).isEqualTo(rows.getString(1));
                    byLead.computeIfAbsent(event.leadTrade(), k -> new HashMap<>())
                            .computeIfAbsent(event.account(), k -> new ArrayList<>(1)).add(event);
                }
            }
        }
        return byLead;
    }

    /** Each copier has exactly one TradeCopied per lead trade of the round, COPIED, with the quantity the sizing gives. */
    private static void checkMirrors(DataSource data, int round, long head, List<LeadTrade> leadTrades, List<String> copiers)
            throws Exception {
        Map<String, Map<String, List<TradeCopied>>> byLead = tradeCopied(data, head);
        assertThat(byLead.keySet()).as("round %d: lead trades mirrored", round)
                .containsExactlyInAnyOrderElementsOf(leadTrades.stream().map(l -> l.fill().id()).toList());
        for (LeadTrade lead : leadTrades) {
            String id = lead.fill().id();
            Map<String, List<TradeCopied>> perCopier = byLead.get(id);
            assertThat(perCopier).as("round %d: copiers that got %s", round, id).hasSize(COPIERS);
            for (String copier : copiers) {
                List<TradeCopied> copies = perCopier.get(copier + ":COPY");
                assertThat(copies).as("round %d: TradeCopied of %s for %s", round, id, copier).hasSize(1);
                TradeCopied copy = copies.get(0);
                assertThat(copy.leader()).as("%s of %s", copier, id).isEqualTo(LEADER);
                assertThat(copy.outcome()).as("%s of %s", copier, id).isEqualTo(CopyOutcome.COPIED);
                assertThat(copy.leadQuantity()).as("%s of %s", copier, id).isEqualByComparingTo(lead.fill().quantity());
                assertThat(copy.quantity()).as("%s of %s", copier, id).isEqualByComparingTo(lead.mirrored().get(copier));
            }
        }
    }

    /** Every copier's position of the leader in the read model holds what its mirrors booked; so does the leader's. */
    private static void checkPositions(Ledger ledger, int round, Map<String, BigDecimal> held, BigDecimal leaderQuantity)
            throws SQLException {
        Map<String, BigDecimal> shown = new HashMap<>();
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT account, side, quantity FROM rm_position WHERE copy_of = ? AND symbol = ?")) {
            query.setString(1, LEADER);
            query.setString(2, SYMBOL);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    assertThat(rows.getString(2)).as(rows.getString(1)).isEqualTo(PositionSide.LONG.name());
                    shown.put(rows.getString(1), rows.getBigDecimal(3));
                }
            }
        }
        assertThat(shown).as("round %d: copied positions in the read model", round).hasSize(held.size());
        held.forEach((copier, quantity) -> assertThat(shown.get(copier + ":COPY"))
                .as("round %d: position of %s:COPY", round, copier).isEqualByComparingTo(quantity));
        List<RiskPosition> leaderPositions = ledger.risk(LEADER_ACCOUNT).orElseThrow().positions();
        assertThat(leaderPositions).hasSize(1);
        assertThat(leaderPositions.get(0).quantity()).as("round %d: the leader's position", round)
                .isEqualByComparingTo(leaderQuantity);
    }

    /** The leader's account booked each lead trade once: one position event and one fee per fill. */
    private static void checkLeaderFills(DataSource data, List<LeadTrade> leadTrades) throws Exception {
        Map<String, Integer> positionEvents = new TreeMap<>();
        Map<String, Integer> fees = new TreeMap<>();
        try (Connection connection = data.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT payloadtype, payload FROM domainevententry WHERE aggregateidentifier = ?")) {
            query.setString(1, LEADER_ACCOUNT);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Object event = JSON.readValue(rows.getBytes(2), Class.forName(rows.getString(1)));
                    assertThat(event).isInstanceOf(AccountEvent.class);
                    if (event instanceof PositionOpened e) {
                        positionEvents.merge(e.tradeId(), 1, Integer::sum);
                    } else if (event instanceof PositionIncreased e) {
                        positionEvents.merge(e.tradeId(), 1, Integer::sum);
                    } else if (event instanceof PositionReduced e) {
                        positionEvents.merge(e.tradeId(), 1, Integer::sum);
                    } else if (event instanceof FeeCharged e) {
                        fees.merge(e.tradeId(), 1, Integer::sum);
                    }
                }
            }
        }
        Map<String, Integer> once = new TreeMap<>();
        leadTrades.forEach(l -> once.put(l.fill().id(), 1));
        assertThat(positionEvents).as("position events of the leader per lead trade").isEqualTo(once);
        assertThat(fees).as("fees of the leader per lead trade").isEqualTo(once);
    }

    /** followers of the leader; copies and follows of the first, the last and 20 random copiers. */
    private static void checkViews(Ledger ledger, List<String> copiers, Map<String, BigDecimal> ratios,
                                   List<LeadTrade> leadTrades, Random random) {
        FollowersView followers = ledger.followers(LEADER, COPIERS).orElseThrow();
        assertThat(followers.activeFollowers()).isEqualTo(COPIERS);
        assertThat(followers.maxFollowers()).isEqualTo(COPIERS);
        assertThat(followers.followers()).extracting(FollowersView.Follower::copier).containsExactlyElementsOf(copiers);
        assertThat(followers.followers()).allSatisfy(f -> assertThat(f.state()).isEqualTo(FollowState.ACTIVE));
        List<String> sample = new ArrayList<>(List.of(copiers.get(0), copiers.get(copiers.size() - 1)));
        for (int i = 0; i < 20; i++) {
            sample.add(copiers.get(random.nextInt(copiers.size())));
        }
        List<String> leadIds = leadTrades.stream().map(l -> l.fill().id()).toList();
        for (String copier : sample) {
            CopiesView copies = ledger.copies(copier, LEADER);
            assertThat(copies.outcomes()).extracting(CopiesView.Outcome::leadTrade).as("copies of %s", copier)
                    .containsExactlyElementsOf(leadIds);
            for (int t = 0; t < leadTrades.size(); t++) {
                CopiesView.Outcome outcome = copies.outcomes().get(t);
                assertThat(outcome.outcome()).as("%s of %s", copier, outcome.leadTrade()).isEqualTo(CopyOutcome.COPIED);
                assertThat(outcome.leadQuantity()).isEqualByComparingTo(leadTrades.get(t).fill().quantity());
                assertThat(outcome.quantity()).as("%s of %s", copier, outcome.leadTrade())
                        .isEqualByComparingTo(leadTrades.get(t).mirrored().get(copier));
            }
            List<FollowsView.Follow> follows = ledger.follows(copier).follows();
            assertThat(follows).as("follows of %s", copier).hasSize(1);
            FollowsView.Follow follow = follows.get(0);
            assertThat(follow.leader()).isEqualTo(LEADER);
            assertThat(follow.state()).isEqualTo(FollowState.ACTIVE);
            assertThat(follow.ratio()).isEqualByComparingTo(ratios.get(copier));
            assertThat(new int[]{follow.copied(), follow.clipped(), follow.skipped(), follow.openPositions()})
                    .as("follows of %s: copied, clipped, skipped, open positions", copier)
                    .containsExactly(leadTrades.size(), 0, 0, 1);
        }
    }

    private static BigDecimal rounddown8(BigDecimal value) {
        return value.setScale(8, RoundingMode.DOWN);
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
