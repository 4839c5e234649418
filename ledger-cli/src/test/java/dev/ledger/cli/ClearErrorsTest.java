package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.Ledger;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.domain.command.OpenAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue #11, point 8: every failure is one line on standard error naming what was wrong and where (no
 * stack trace unless {@code --verbose}); long lists of errors and refusals are bounded for people and
 * complete in {@code --json}; a named H2 file URL is the default store; {@code --at} takes a date; an
 * empty store says so. Point 3: a zero is never printed as {@code 0E-8}.
 */
class ClearErrorsTest {

    private static final String OPEN_ALICE = "{\"id\":\"o1\",\"type\":\"OpenAccount\",\"account\":\"alice:FUTURES\"}";
    private static final String FUND_ALICE =
            "{\"id\":\"d1\",\"type\":\"Deposit\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":\"100\"}";

    @TempDir
    Path directory;

    // ---- the store -----------------------------------------------------------------------------

    @Test
    void anH2PathUnderARegularFileIsOneLineNamingTheFile() throws IOException {
        Path file = Files.writeString(directory.resolve("afile"), "not a directory");

        Console console = Console.capture(() ->
                CliRun.of("query", "accounts", "alice", "--db", "jdbc:h2:file:" + file.resolve("x")));

        assertThat(console.run().exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(console.run().out()).isEmpty();
        assertThat(console.run().errLines()).singleElement().asString()
                .startsWith("ledger query accounts: --db: ")
                .contains(file + " is a file, not a directory");
        assertThat(console.printed()).as("nothing from H2 on the console").isEmpty();
    }

    @Test
    void anH2PathThatCannotBeCreatedIsOneLineNamingTheDirectory() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");

        Console console = Console.capture(() ->
                CliRun.of("status", "--db", "jdbc:h2:file:/proc/nope/x"));

        assertThat(console.run().exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(console.run().errLines()).singleElement().asString()
                .startsWith("ledger status: --db: cannot use /proc/nope/x as an H2 store: cannot create the directory /proc/nope");
        assertThat(console.printed()).isEmpty();
    }

    @Test
    void anUnknownPostgresHostFailsFastInOneLineNamingTheHost() {
        long start = System.nanoTime();

        CliRun query = CliRun.of("query", "balance", "alice:FUTURES", "--db", "jdbc:postgresql://no-such-host.invalid/db");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(query.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(query.errLines()).singleElement().asString()
                .startsWith("ledger query balance: cannot reach the store at jdbc:postgresql://no-such-host.invalid/db: "
                        + "unknown host no-such-host.invalid");
    }

    @Test
    void postgresUrlsGetShortTimeoutsUnlessTheySetTheirOwn() {
        assertThat(StoreOptions.withTimeouts("jdbc:postgresql://db/ledger"))
                .isEqualTo("jdbc:postgresql://db/ledger?connectTimeout=5&loginTimeout=10");
        assertThat(StoreOptions.withTimeouts("jdbc:postgresql://db/ledger?ssl=true&connectTimeout=30"))
                .isEqualTo("jdbc:postgresql://db/ledger?ssl=true&connectTimeout=30&loginTimeout=10");
    }

    @Test
    void aWrongUserIsOneLineAndVerboseAddsTheStackTrace() {
        Path store = directory.resolve("store");
        try (Ledger ledger = Ledger.builder().store(StoreSettings.embedded(store)).build()) {
            ledger.execute(new OpenAccount("o1", "alice:FUTURES"));
        }
        String url = "jdbc:h2:file:" + store.toAbsolutePath().resolve("ledger");

        CliRun quiet = CliRun.of("query", "accounts", "alice", "--db", url, "--db-user", "bob");

        assertThat(quiet.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(quiet.errLines()).singleElement().asString()
                .startsWith("ledger query accounts: cannot log in to the store at " + url + " as user 'bob': ")
                .contains("user sa");
        for (String[] args : new String[][]{
                {"query", "accounts", "alice", "--db", url, "--db-user", "bob", "--verbose"},
                {"--verbose", "query", "accounts", "alice", "--db", url, "--db-user", "bob"}}) {
            CliRun verbose = CliRun.of(args);
            assertThat(verbose.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(verbose.errLines()[0]).isEqualTo(quiet.errLines()[0]);
            assertThat(verbose.errLines().length).isGreaterThan(5);
            assertThat(verbose.err()).contains("\tat ");
        }
    }

    @Test
    void verboseIsSeenBeforeParsingExceptAfterADoubleDash() {
        assertThat(LedgerCommandLine.asksForVerbose(new String[]{"apply", "--verbose", "x"})).isTrue();
        assertThat(LedgerCommandLine.asksForVerbose(new String[]{"apply", "--", "--verbose"})).isFalse();
    }

    // ---- a named H2 file store is the default store -------------------------------------------

    @Test
    void aNamedH2FileUrlOpensTheDefaultStoreWithoutAUser() {
        Path store = directory.resolve("ledger-data");
        try (Ledger ledger = Ledger.builder().store(StoreSettings.embedded(store)).build()) {
            ledger.execute(new OpenAccount("o1", "alice:FUTURES"));
        }

        CliRun query = CliRun.of("query", "accounts", "alice", "--json",
                "--db", "jdbc:h2:file:" + store.toAbsolutePath().resolve("ledger"));

        assertThat(query.exitCode()).as(query.err()).isZero();
        assertThat(TradingHistory.parse(query.out()).get("accounts").get(0).get("account").asText()).isEqualTo("alice:FUTURES");
    }

    // ---- files ---------------------------------------------------------------------------------

    @Test
    void aDirectoryGivenAsTheCommandFileIsOneLine() throws IOException {
        Path commands = Files.createDirectory(directory.resolve("commands"));

        CliRun apply = CliRun.of("apply", commands.toString(), "--db", CliRun.freshDatabase("apply-dir"));

        assertThat(apply.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(apply.errLines()).singleElement().asString()
                .isEqualTo("ledger apply: " + commands + " is a directory; name a JSON Lines file of commands, "
                        + "or - for standard input");
    }

    @Test
    void exportIntoAMissingDirectoryIsOneLineAndCreatesNothing() throws IOException {
        String db = storeWithAlice();
        Path out = directory.resolve("missing").resolve("dir").resolve("audit.jsonl");

        CliRun export = CliRun.of("export", "--out", out.toString(), "--db", db);

        assertThat(export.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(export.errLines()).singleElement().asString()
                .isEqualTo("ledger export: --out " + out + ": the directory " + out.getParent()
                        + " does not exist; create it first, or name a file in an existing directory");
        assertThat(directory.resolve("missing")).doesNotExist();
    }

    @Test
    void exportIntoADirectoryIsOneLine() throws IOException {
        String db = storeWithAlice();

        CliRun export = CliRun.of("export", "--out", directory.toString(), "--db", db);

        assertThat(export.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(export.errLines()).singleElement().asString()
                .isEqualTo("ledger export: --out " + directory + ": it is a directory; name the file to write");
    }

    @Test
    void exportOfAnUnknownAccountOrUserExitsTwoAndWritesNothing() throws IOException {
        String db = storeWithAlice();
        Path out = directory.resolve("audit.jsonl");

        CliRun account = CliRun.of("export", "--out", out.toString(), "--account", "bob:FUTURES", "--db", db);
        CliRun user = CliRun.of("export", "--out", out.toString(), "--user", "bob", "--db", db);

        assertThat(account.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(account.errLines()).singleElement().asString()
                .startsWith("ledger export: ACCOUNT_NOT_FOUND: account bob:FUTURES has not been opened in the store at " + db)
                .endsWith("nothing was written");
        assertThat(user.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(user.errLines()).singleElement().asString()
                .startsWith("ledger export: ACCOUNT_NOT_FOUND: user bob has no account in the store at " + db);
        assertThat(out).doesNotExist();

        CliRun alice = CliRun.of("export", "--out", out.toString(), "--account", "alice:FUTURES", "--db", db);
        assertThat(alice.exitCode()).as(alice.err()).isZero();
        assertThat(alice.out()).startsWith("exported 2 events");
    }

    // ---- bounded output ------------------------------------------------------------------------

    @Test
    void atMostAHundredMalformedLinesThenACount() throws IOException {
        Path commands = file("bad.jsonl", IntStream.rangeClosed(1, 150).mapToObj(i -> "{\"id\":\"x" + i + "\"}").toList());

        CliRun apply = CliRun.of("apply", commands.toString(), "--db", CliRun.freshDatabase("bounded-malformed"));

        assertThat(apply.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        String[] lines = apply.errLines();
        assertThat(lines).hasSize(102);
        assertThat(Arrays.stream(lines).limit(100)).allMatch(l -> l.startsWith(commands + ":") && l.contains(": MALFORMED: "));
        assertThat(lines[99]).startsWith(commands + ":100: MALFORMED: ");
        assertThat(lines[100]).isEqualTo("... and 50 more malformed lines; apply --json lists them all");
        assertThat(lines[101]).startsWith("ledger apply: 150 lines of " + commands + " are malformed; nothing was applied");
    }

    @Test
    void malformedInputUnderJsonIsAJsonDocumentListingEveryLine() throws IOException {
        List<String> content = new ArrayList<>(List.of(OPEN_ALICE));
        IntStream.rangeClosed(1, 150).forEach(i -> content.add("{\"id\":\"x" + i + "\",\"type\":\"Frobnicate\"}"));
        Path commands = file("bad.jsonl", content);

        CliRun apply = CliRun.of("apply", commands.toString(), "--json", "--db", CliRun.freshDatabase("json-malformed"));

        assertThat(apply.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        JsonNode report = TradingHistory.parse(apply.out());
        assertThat(report.get("applied").asLong()).isZero();
        assertThat(report.get("rejected").asLong()).isZero();
        assertThat(report.get("rejections")).isEmpty();
        assertThat(report.get("malformed").asLong()).isEqualTo(150);
        JsonNode malformed = report.get("malformedLines");
        assertThat(malformed).hasSize(150);
        assertThat(malformed.get(0).get("line").asLong()).isEqualTo(2);
        assertThat(malformed.get(149).get("line").asLong()).isEqualTo(151);
        assertThat(malformed.get(0).get("message").asText()).contains("Frobnicate");
        assertThat(apply.errLines()).as("no plain-text line per malformed line").singleElement().asString()
                .startsWith("ledger apply: 150 lines of " + commands + " are malformed; nothing was applied");
    }

    @Test
    void atMostAHundredRefusalsThenACountAndEveryOneUnderJson() throws IOException {
        List<String> content = new ArrayList<>(List.of(OPEN_ALICE));
        IntStream.rangeClosed(1, 130).forEach(i -> content.add(
                "{\"id\":\"w" + i + "\",\"type\":\"Withdraw\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":\"1\"}"));
        Path commands = file("refused.jsonl", content);
        String db = CliRun.freshDatabase("bounded-refusals");

        CliRun apply = CliRun.of("apply", commands.toString(), "--db", db);

        assertThat(apply.exitCode()).as(apply.err()).isZero();
        List<String> lines = apply.out().lines().toList();
        assertThat(lines).hasSize(102);
        assertThat(lines.subList(0, 100)).allMatch(l -> l.contains(" refused INSUFFICIENT_FUNDS: "));
        assertThat(lines.get(100)).isEqualTo("... and 30 more refusals; apply --json lists them all");
        assertThat(lines.get(101)).isEqualTo("applied 1, duplicates 0, rejected 130");

        JsonNode again = TradingHistory.parse(CliRun.of("apply", commands.toString(), "--json", "--db",
                CliRun.freshDatabase("json-refusals")).out());
        assertThat(again.get("rejected").asLong()).isEqualTo(130);
        assertThat(again.get("rejections")).hasSize(130);
    }

    // ---- --at ----------------------------------------------------------------------------------

    @Test
    void atTakesADateMeaningItsStartInUtc() throws IOException {
        String db = storeWithAlice();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();

        CliRun before = CliRun.of("query", "balance", "alice:FUTURES", "--at", "2000-01-01", "--db", db);
        CliRun after = CliRun.of("query", "balance", "alice:FUTURES", "--at", tomorrow, "--json", "--db", db);

        assertThat(before.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(before.errLines()).singleElement().asString()
                .contains("ACCOUNT_NOT_FOUND").contains("had not been opened by 2000-01-01T00:00:00Z");
        assertThat(TradingHistory.json(after).get("balances").get(0).get("wallet").asText()).isEqualTo("100.00000000");
        for (String bad : new String[]{"2000-13-01", "01/02/2000", "2000-01-01T00:00"}) {
            CliRun query = CliRun.of("query", "follows", "alice", "--at", bad, "--db", db);
            assertThat(query.exitCode()).as(bad).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(query.errLines()).as(bad).singleElement().asString()
                    .contains("--at").contains("'" + bad + "'").contains("2026-01-31T12:00:00Z").contains("2026-01-31 (its start");
        }
    }

    // ---- an empty store ------------------------------------------------------------------------

    @Test
    void aQueryOnAStoreWithNoEventsSaysSo() {
        String db = CliRun.freshDatabase("empty");

        for (String[] args : new String[][]{{"balance", "alice:FUTURES"}, {"risk", "alice:FUTURES", "--at", "2026-01-01"},
                {"followers", "alice"}}) {
            List<String> command = new ArrayList<>(List.of("query"));
            command.addAll(List.of(args));
            command.addAll(List.of("--db", db));
            CliRun query = CliRun.of(command.toArray(String[]::new));
            assertThat(query.exitCode()).as(command.toString()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(query.out()).isEmpty();
            assertThat(query.errLines()).as(command.toString()).singleElement().asString()
                    .isEqualTo("ledger query " + args[0] + ": the store at " + db
                            + " holds no events yet; check --db (or LEDGER_DB_URL), or apply commands first");
        }

        CliRun accounts = CliRun.of("query", "accounts", "alice", "--db", db);
        assertThat(accounts.exitCode()).isZero();
        assertThat(accounts.out()).isEqualTo("user alice has no accounts" + System.lineSeparator());
        assertThat(accounts.errLines()).singleElement().asString()
                .startsWith("ledger query accounts: the store at " + db + " holds no events yet");
    }

    @Test
    void anExportOfAnAccountFromAStoreWithNoEventsSaysSo() {
        String db = CliRun.freshDatabase("empty-export");

        CliRun export = CliRun.of("export", "--out", directory.resolve("a.jsonl").toString(), "--account", "alice:FUTURES",
                "--db", db);

        assertThat(export.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(export.errLines()).singleElement().asString()
                .startsWith("ledger export: the store at " + db + " holds no events yet");
    }

    // ---- zero ----------------------------------------------------------------------------------

    @Test
    void zeroIsNeverPrintedInScientificNotation() throws IOException, SQLException {
        String db = CliRun.freshDatabase("zero");
        TradingHistory.applyLines(db, directory, List.of(OPEN_ALICE, FUND_ALICE,
                "{\"id\":\"w1\",\"type\":\"Withdraw\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":\"100\"}"));
        List<CliRun> runs = new ArrayList<>();
        for (String view : new String[]{"balance", "risk", "performance"}) {
            runs.add(CliRun.of("query", view, "alice:FUTURES", "--db", db));
            runs.add(CliRun.of("query", view, "alice:FUTURES", "--json", "--db", db));
        }
        try (Connection connection = DriverManager.getConnection(db, "", "");
             Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("UPDATE rm_balance SET wallet = 1 WHERE account = 'alice:FUTURES'")).isEqualTo(1);
        }

        CliRun verify = CliRun.of("rebuild", "--verify", "--projection", "balance", "--db", db);
        runs.add(verify);

        assertThat(verify.exitCode()).isEqualTo(ExitCodes.PROBLEM_REPORTED);
        assertThat(verify.out()).contains("rm_balance rebuilt only: ").contains("wallet=0.00000000")
                .contains("in_transit=0.00000000");
        for (CliRun run : runs) {
            assertThat(run.out()).doesNotContainPattern("\\dE-?\\d");
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A store holding alice:FUTURES with 100 USDT: two events. */
    private String storeWithAlice() {
        String db = CliRun.freshDatabase("alice");
        TradingHistory.applyLines(db, directory, List.of(OPEN_ALICE, FUND_ALICE));
        return db;
    }

    private Path file(String name, List<String> lines) throws IOException {
        return Files.writeString(directory.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /** A run with whatever the libraries printed straight to the JVM's console ({@code System.out}, {@code System.err}). */
    record Console(CliRun run, String printed) {
        static Console capture(Supplier<CliRun> action) {
            PrintStream out = System.out;
            PrintStream err = System.err;
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
            System.setOut(capture);
            System.setErr(capture);
            try {
                CliRun run = action.get();
                return new Console(run, printed.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
        }
    }
}
