package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.api.Ledger;
import dev.ledger.api.rebuild.ProjectionRebuilder;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.Recomputed;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.event.EventMetadata;
import dev.ledger.projections.ProjectionCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three writer processes on one PostgreSQL: three child JVMs, each running {@code ledger apply} on a file of its
 * own, all at once. The files share users (deposits, withdrawals and transfers between each user's FUTURES, COPY
 * and ELITE accounts, interleaved), hold refusals, and send some ids to two processes.
 *
 * <p>The commands are chosen so that the end state does not depend on the order the processes happen to apply
 * them, which lets a simple model in this test compute every balance exactly: every account holds enough for
 * what is taken from it, except ELITE accounts, which six transfers of 30 each try to drain from 100 (exactly
 * three go through, whichever they are). So: the balances equal the model's; every accepted command's events are
 * stored exactly once and refused ones none; the three reports together account for every id once; and the read
 * models reach the head and equal a rebuild.
 */
class ThreeWriterProcessesIT {

    private static final int PROCESSES = 3;
    private static final int USERS = 6;
    /**
     * Lines per file. {@code -Dwriters.lines=10000} (about 90 s) is what showed that a process could lose every race
     * and fail its commands after five retries, before a retry took every append lock first.
     */
    private static final int LINES_PER_FILE = Integer.getInteger("writers.lines", 2_500);
    private static final String USDT = "USDT";
    private static final BigDecimal FUTURES_START = new BigDecimal("100000000");
    private static final BigDecimal COPY_START = new BigDecimal("1000000");
    private static final BigDecimal ELITE_START = new BigDecimal("100");
    private static final BigDecimal DRAIN = new BigDecimal("30");
    /** ELITE -> FUTURES transfers of {@link #DRAIN} per user per file: six in all, three of which fit. */
    private static final int DRAINS_PER_FILE = 2;
    private static final String EVENTS = "dev.ledger.domain.event.";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a command does whatever the order: always accepted, always refused (with a code), or an ELITE drain. */
    private enum Fate { ACCEPTED, REFUSED, DRAIN }

    /** One command of the test's model. */
    private record Planned(String id, String json, Fate fate, String refusal, Map<String, BigDecimal> moves,
                           List<String> events) {
    }

    @TempDir
    Path directory;

    @Test
    void threeApplyProcessesOnOnePostgresKeepEveryBalanceExactAndApplyEveryCommandOnce() throws Exception {
        StoreSettings settings = Stores.fresh(StoreKind.POSTGRES);
        Map<String, BigDecimal> expected = setUp(settings);

        Random random = new Random(20_251_207L);
        List<List<Planned>> files = new ArrayList<>();
        Map<String, Planned> plan = new LinkedHashMap<>();
        for (int f = 0; f < PROCESSES; f++) {
            List<Planned> file = file(f, random);
            files.add(file);
            file.forEach(p -> plan.put(p.id(), p));
        }
        // Some ids go to two processes: a tenth of each file's lines again in the next file, at random places.
        List<String> sentTwice = new ArrayList<>();
        for (int f = 0; f < PROCESSES; f++) {
            List<Planned> next = files.get((f + 1) % PROCESSES);
            for (Planned planned : List.copyOf(files.get(f))) {
                if (planned.id().startsWith("p" + f + "-") && planned.fate() != Fate.DRAIN && random.nextInt(10) == 0) {
                    next.add(random.nextInt(next.size() + 1), planned);
                    sentTwice.add(planned.id());
                }
            }
        }

        List<Process> children = new ArrayList<>();
        for (int f = 0; f < PROCESSES; f++) {
            children.add(startApply(settings, f));
        }
        feedAtOnce(children, files);
        List<JsonNode> reports = new ArrayList<>();
        for (int f = 0; f < PROCESSES; f++) {
            Process child = children.get(f);
            assertThat(child.waitFor(3, TimeUnit.MINUTES)).as("process %d ended", f).isTrue();
            assertThat(child.exitValue()).as("process %d: %s", f, Files.readString(directory.resolve("p" + f + ".err")))
                    .isZero();
            reports.add(JSON.readTree(directory.resolve("p" + f + ".json").toFile()));
        }

        // The reports: every id settled once (a second send is a duplicate), the refusals are those the model expects.
        long applied = 0;
        long duplicates = 0;
        long rejected = 0;
        Map<String, String> refusals = new HashMap<>();
        for (JsonNode report : reports) {
            applied += report.get("applied").asLong();
            duplicates += report.get("duplicates").asLong();
            rejected += report.get("rejected").asLong();
            for (JsonNode refusal : report.get("rejections")) {
                assertThat(refusals.put(refusal.get("id").asText(), refusal.get("code").asText()))
                        .as("%s refused by one process only", refusal.get("id").asText()).isNull();
            }
        }
        assertThat(duplicates).isEqualTo(sentTwice.size());
        assertThat(applied + rejected).isEqualTo(plan.size());
        assertThat(rejected).isEqualTo(refusals.size());
        Map<String, Integer> drainsRefused = new TreeMap<>();
        for (Planned planned : plan.values()) {
            String code = refusals.get(planned.id());
            switch (planned.fate()) {
                case ACCEPTED -> assertThat(code).as("%s %s", planned.id(), planned.json()).isNull();
                case REFUSED -> assertThat(code).as("%s %s", planned.id(), planned.json()).isEqualTo(planned.refusal());
                case DRAIN -> {
                    if (code != null) {
                        assertThat(code).as(planned.id()).isEqualTo("INSUFFICIENT_FUNDS");
                        drainsRefused.merge(planned.moves().keySet().stream().filter(a -> a.endsWith(":ELITE"))
                                .findFirst().orElseThrow(), 1, Integer::sum);
                    }
                }
            }
        }
        int drainsPerUser = DRAINS_PER_FILE * PROCESSES;
        int drainsThatFit = ELITE_START.divideToIntegralValue(DRAIN).intValueExact();
        Map<String, Integer> expectedDrainsRefused = new TreeMap<>();
        for (int u = 0; u < USERS; u++) {
            expectedDrainsRefused.put("u" + u + ":ELITE", drainsPerUser - drainsThatFit);
        }
        assertThat(drainsRefused).as("ELITE transfers refused per account").isEqualTo(expectedDrainsRefused);

        // The model: every accepted command's moves, the drains that went through included.
        for (Planned planned : plan.values()) {
            if (!refusals.containsKey(planned.id())) {
                planned.moves().forEach((account, amount) -> expected.merge(account, amount, BigDecimal::add));
            }
        }

        // The events: those of every accepted command exactly once, none of a refused one, and the processes interleaved.
        List<String> commandOrder = new ArrayList<>();
        Map<String, List<String>> eventsByCommand = eventsByCommand(settings, commandOrder);
        for (Planned planned : plan.values()) {
            List<String> events = eventsByCommand.getOrDefault(planned.id(), List.of());
            if (refusals.containsKey(planned.id())) {
                assertThat(events).as("events of refused %s", planned.id()).isEmpty();
            } else {
                assertThat(events).as("events of %s", planned.id()).containsExactlyInAnyOrderElementsOf(planned.events());
            }
        }
        assertThat(eventsByCommand.keySet()).as("commands with events")
                .allSatisfy(id -> assertThat(id.startsWith("setup-") || plan.containsKey(id)).as(id).isTrue());
        commandOrder.removeAll(new HashSet<>(sentTwice));
        int switches = switchesBetweenFiles(commandOrder);
        System.out.printf("ThreeWriterProcessesIT: %d commands, %d ids sent twice; the commit order switches between "
                + "the processes' files %d times%n", plan.size(), sentTwice.size(), switches);
        // Each process commits groups of up to 1,000 commands that touch every user, so any two of them collide, and
        // they must take turns. Before a retry took every append lock first, one process committed all its groups while
        // the others' went stale over and over: the count was 3 then, and is about 10 since.
        assertThat(switches).as("the three processes took turns").isGreaterThan(PROCESSES);

        try (Ledger ledger = Ledger.builder().store(settings).readModelTimeout(Duration.ofSeconds(60)).build()) {
            Recomputed folded = Recomputed.fold(RawEvents.accountEvents(ledger.store().dataSource()));
            for (Map.Entry<String, BigDecimal> account : expected.entrySet()) {
                Recomputed.Money money = folded.money(account.getKey(), USDT);
                assertThat(money.wallet()).as(account.getKey()).isEqualByComparingTo(account.getValue());
                assertThat(money.inTransit()).as(account.getKey()).isZero();
            }
            ledger.awaitReadModels();
            long head = ledger.store().headIndex();
            assertThat(ledger.readModelStatus()).allSatisfy(status -> {
                assertThat(status.position()).as(status.name()).isEqualTo(head);
                assertThat(status.error()).as(status.name()).isNull();
            });
            assertThat(Recomputed.readModel(ledger, folded.accounts())).as("balances").isEqualTo(folded.balances());
            for (ProjectionRebuilder.Result rebuilt : new ProjectionRebuilder(ledger.store())
                    .rebuildAll(ProjectionCatalog.names(), true, ProjectionRebuilder.Progress.NONE)) {
                assertThat(rebuilt.differences()).as("live read model %s against its rebuild", rebuilt.projection())
                        .isEmpty();
            }
        }
    }

    /** Opens and funds every user's three accounts; returns the balances that leaves. */
    private static Map<String, BigDecimal> setUp(StoreSettings settings) {
        Map<String, BigDecimal> balances = new TreeMap<>();
        try (Ledger ledger = Ledger.builder().store(settings).build()) {
            for (int u = 0; u < USERS; u++) {
                String user = "u" + u;
                for (String type : List.of("FUTURES", "COPY", "ELITE")) {
                    ledger.execute(new OpenAccount("setup-open-" + user + "-" + type, user + ":" + type));
                }
                ledger.execute(new Deposit("setup-fund-" + user, user + ":FUTURES", USDT,
                        FUTURES_START.add(COPY_START).add(ELITE_START)));
                ledger.execute(new Transfer("setup-copy-" + user, user + ":FUTURES", user + ":COPY", USDT, COPY_START));
                ledger.execute(new Transfer("setup-elite-" + user, user + ":FUTURES", user + ":ELITE", USDT, ELITE_START));
                balances.put(user + ":FUTURES", FUTURES_START);
                balances.put(user + ":COPY", COPY_START);
                balances.put(user + ":ELITE", ELITE_START);
            }
        }
        return balances;
    }

    /**
     * File {@code f}'s commands: deposits, withdrawals, transfers FUTURES -> COPY and back (all small beside what
     * the accounts hold, so always accepted), refusals whatever the order (too much, not allowed, another user's
     * account, an account never opened), and {@link #DRAINS_PER_FILE} ELITE -> FUTURES transfers per user.
     */
    private static List<Planned> file(int f, Random random) {
        List<Planned> lines = new ArrayList<>();
        for (int n = 0; lines.size() < LINES_PER_FILE - DRAINS_PER_FILE * USERS; n++) {
            String id = "p" + f + "-" + n;
            String user = "u" + random.nextInt(USERS);
            String futures = user + ":FUTURES";
            String copy = user + ":COPY";
            BigDecimal amount = new BigDecimal(BigDecimal.valueOf(1 + random.nextInt(50_000)).movePointLeft(2).toPlainString());
            int roll = random.nextInt(100);
            if (roll < 25) {
                lines.add(accepted(id, deposit(id, futures, amount), Map.of(futures, amount), List.of("FundsDeposited")));
            } else if (roll < 45) {
                lines.add(accepted(id, withdraw(id, futures, amount), Map.of(futures, amount.negate()),
                        List.of("FundsWithdrawn")));
            } else if (roll < 65) {
                lines.add(accepted(id, transfer(id, futures, copy, amount), Map.of(futures, amount.negate(), copy, amount),
                        List.of("TransferSent", "TransferReceived", "TransferSettled")));
            } else if (roll < 85) {
                BigDecimal back = amount.movePointLeft(1);
                lines.add(accepted(id, transfer(id, copy, futures, back), Map.of(copy, back.negate(), futures, back),
                        List.of("TransferSent", "TransferReceived", "TransferSettled")));
            } else if (roll < 89) {
                lines.add(refused(id, withdraw(id, futures, new BigDecimal("1000000000000")), "INSUFFICIENT_FUNDS"));
            } else if (roll < 93) {
                lines.add(refused(id, withdraw(id, copy, amount), "TRANSFER_NOT_ALLOWED"));
            } else if (roll < 96) {
                String other = "u" + ((Integer.parseInt(user.substring(1)) + 1) % USERS) + ":COPY";
                lines.add(refused(id, transfer(id, futures, other, amount), "CROSS_USER_TRANSFER"));
            } else {
                lines.add(refused(id, deposit(id, "ghost" + user + ":FUTURES", amount), "ACCOUNT_NOT_FOUND"));
            }
        }
        for (int u = 0; u < USERS; u++) {
            for (int d = 0; d < DRAINS_PER_FILE; d++) {
                String id = "p" + f + "-drain-u" + u + "-" + d;
                String elite = "u" + u + ":ELITE";
                String futures = "u" + u + ":FUTURES";
                lines.add(random.nextInt(lines.size() + 1), new Planned(id, transfer(id, elite, futures, DRAIN), Fate.DRAIN,
                        null, Map.of(elite, DRAIN.negate(), futures, DRAIN),
                        events("TransferSent", "TransferReceived", "TransferSettled")));
            }
        }
        return lines;
    }

    private static Planned accepted(String id, String json, Map<String, BigDecimal> moves, List<String> events) {
        return new Planned(id, json, Fate.ACCEPTED, null, moves, events(events.toArray(String[]::new)));
    }

    private static Planned refused(String id, String json, String code) {
        return new Planned(id, json, Fate.REFUSED, code, Map.of(), List.of());
    }

    private static List<String> events(String... simpleNames) {
        return java.util.Arrays.stream(simpleNames).map(name -> EVENTS + name).toList();
    }

    private static String deposit(String id, String account, BigDecimal amount) {
        return "{\"id\":\"" + id + "\",\"type\":\"Deposit\",\"account\":\"" + account + "\",\"asset\":\"USDT\",\"amount\":\""
                + amount.toPlainString() + "\"}";
    }

    private static String withdraw(String id, String account, BigDecimal amount) {
        return "{\"id\":\"" + id + "\",\"type\":\"Withdraw\",\"account\":\"" + account + "\",\"asset\":\"USDT\",\"amount\":\""
                + amount.toPlainString() + "\"}";
    }

    private static String transfer(String id, String from, String to, BigDecimal amount) {
        return "{\"id\":\"" + id + "\",\"type\":\"Transfer\",\"from\":\"" + from + "\",\"to\":\"" + to
                + "\",\"asset\":\"USDT\",\"amount\":\"" + amount.toPlainString() + "\"}";
    }

    /** {@code ledger apply - --json} in a child JVM, reading its file from standard input. */
    private Process startApply(StoreSettings settings, int f) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                LedgerCommandLine.class.getName(), "apply", "-", "--json", "--db", settings.jdbcUrl()));
        if (!settings.user().isEmpty()) {
            command.addAll(List.of("--db-user", settings.user(), "--db-password", settings.password()));
        }
        return new ProcessBuilder(command)
                .redirectOutput(directory.resolve("p" + f + ".json").toFile())
                .redirectError(directory.resolve("p" + f + ".err").toFile())
                .start();
    }

    /**
     * Writes each file into its process's standard input, all three at once, and closes the three inputs only
     * when all are written: the processes start applying together, whenever each JVM happened to be ready.
     */
    private static void feedAtOnce(List<Process> children, List<List<Planned>> files) throws Exception {
        List<Thread> writers = new ArrayList<>();
        IOException[] failure = new IOException[1];
        for (int f = 0; f < children.size(); f++) {
            OutputStream in = children.get(f).getOutputStream();
            byte[] bytes = (String.join("\n", files.get(f).stream().map(Planned::json).toList()) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            Thread writer = new Thread(() -> {
                try {
                    in.write(bytes);
                    in.flush();
                } catch (IOException e) {
                    failure[0] = e;
                }
            }, "feed-" + f);
            writer.start();
            writers.add(writer);
        }
        for (Thread writer : writers) {
            writer.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        for (Process child : children) {
            child.getOutputStream().close();
        }
    }

    /** The payload types of the stored events by the command id in their metadata; {@code order} gets the ids in global order. */
    private static Map<String, List<String>> eventsByCommand(StoreSettings settings, List<String> order)
            throws SQLException, IOException {
        Map<String, List<String>> events = new HashMap<>();
        try (Ledger ledger = Ledger.builder().store(settings).startReadModels(false).build();
             Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT payloadtype, metadata FROM domainevententry ORDER BY globalindex");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                String commandId = JSON.readTree(rows.getBytes("metadata")).path(EventMetadata.COMMAND_ID).asText(null);
                if (commandId != null) {
                    events.computeIfAbsent(commandId, k -> {
                        order.add(k);
                        return new ArrayList<>();
                    }).add(rows.getString("payloadtype"));
                }
            }
        }
        return events;
    }

    /** How often, in the order the commands were committed, the next one came from another process (ids sent once only). */
    private static int switchesBetweenFiles(List<String> commandOrder) {
        int switches = 0;
        String previous = null;
        for (String id : commandOrder) {
            if (!id.startsWith("p")) {
                continue;
            }
            String file = id.substring(0, id.indexOf('-'));
            if (previous != null && !previous.equals(file)) {
                switches++;
            }
            previous = file;
        }
        return switches;
    }
}
