package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line on a real PostgreSQL: the same contract as on H2, and a bench that leaves no trace but its users. */
class PostgresCommandLineIT {

    private static EmbeddedPostgres postgres;
    private static String url;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        url = postgres.getJdbcUrl("postgres", "postgres");
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @TempDir
    Path directory;

    @Test
    void appliesAFileAndShowsTheBalance() throws IOException {
        Path commands = directory.resolve("commands.jsonl");
        Files.writeString(commands, String.join("\n",
                "{\"id\":\"pg-1\",\"type\":\"OpenAccount\",\"account\":\"carol:FUTURES\"}",
                "{\"id\":\"pg-2\",\"type\":\"OpenAccount\",\"account\":\"carol:ELITE\"}",
                "{\"id\":\"pg-3\",\"type\":\"Deposit\",\"account\":\"carol:FUTURES\",\"asset\":\"USDT\",\"amount\":\"100.12345678\"}",
                "{\"id\":\"pg-4\",\"type\":\"Transfer\",\"from\":\"carol:FUTURES\",\"to\":\"carol:ELITE\",\"asset\":\"USDT\",\"amount\":\"0.00000001\"}",
                "{\"id\":\"pg-5\",\"type\":\"Withdraw\",\"account\":\"carol:FUTURES\",\"asset\":\"USDT\",\"amount\":\"200\"}"));

        CliRun apply = CliRun.of("apply", commands.toString(), "--json", "--db", url, "--db-user", "postgres");

        assertThat(apply.exitCode()).as(apply.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(apply.out());
        assertThat(report.get("applied").asInt()).isEqualTo(4);
        assertThat(report.get("rejections").get(0).get("code").asText()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(report.get("rejections").get(0).get("line").asInt()).isEqualTo(5);

        CliRun balance = CliRun.of("query", "balance", "carol:FUTURES", "--json", "--db", url, "--db-user", "postgres");
        JsonNode usdt = new ObjectMapper().readTree(balance.out()).get("balances").get(0);
        assertThat(new BigDecimal(usdt.get("wallet").asText())).isEqualByComparingTo("100.12345677");
        assertThat(usdt.get("wallet").asText()).isEqualTo("100.12345677");
    }

    /**
     * The same mixed trading history on both stores gives exactly the figures of {@link TradingHistory}:
     * the read models and their JSON do not depend on the database.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void queriesATradingHistoryWithTheSameFiguresOnBothStores(String kind) {
        String[] store = kind.equals("h2")
                ? new String[]{"--db", CliRun.freshDatabase("pg-compare")}
                : new String[]{"--db", url, "--db-user", "postgres"};
        TradingHistory.apply(store, directory, TradingHistory.OPENING, TradingHistory.REDUCING, TradingHistory.LEGACY);

        JsonNode balance = TradingHistory.json(query(store, "balance", "dan:FUTURES")).get("balances").get(0);
        assertThat(new BigDecimal(balance.get("wallet").asText())).isEqualByComparingTo("10498.5");
        assertThat(new BigDecimal(balance.get("isolatedMargin").asText())).isEqualByComparingTo("4500");
        assertThat(new BigDecimal(balance.get("unrealizedPnl").asText())).isEqualByComparingTo("1500");

        JsonNode risk = TradingHistory.json(query(store, "risk", "dan:FUTURES"));
        JsonNode position = risk.get("positions").get(0);
        assertThat(TradingHistory.fieldNames(position)).isEqualTo(TradingHistory.POSITION_FIELDS);
        assertThat(new BigDecimal(position.get("entryNotional").asText())).isEqualByComparingTo("45000");
        assertThat(new BigDecimal(position.get("positionMargin").asText())).isEqualByComparingTo("4500");
        assertThat(new BigDecimal(position.get("maintenanceMargin").asText())).isEqualByComparingTo("232.5");
        assertThat(new BigDecimal(position.get("liquidationPrice").asText())).isEqualByComparingTo("27135.67839196");
        assertThat(position.get("leverage").asInt()).isEqualTo(10);

        JsonNode legacy = TradingHistory.json(query(store, "risk", "eve:LEGACY"));
        assertThat(new BigDecimal(legacy.get("crossMarginRatio").asText())).isEqualByComparingTo("0.00353881");
        assertThat(legacy.get("positions").findValuesAsText("book")).containsExactly("PERSONAL", "COPY");
        assertThat(legacy.get("positions").get(1).get("leader").asText()).isEqualTo("dan");

        JsonNode performance = TradingHistory.json(query(store, "performance", "dan:FUTURES"));
        assertThat(TradingHistory.fieldNames(performance)).isEqualTo(TradingHistory.PERFORMANCE_FIELDS);
        assertThat(new BigDecimal(performance.get("realizedPnl").asText())).isEqualByComparingTo("500");
        assertThat(new BigDecimal(performance.get("roi").asText())).isEqualByComparingTo("0.19985");
        assertThat(new BigDecimal(performance.get("maxDrawdown").asText())).isEqualByComparingTo("1.2");
        assertThat(performance.get("winRate").isNull()).isTrue();
    }

    @Test
    void startsAMigrationRebuildsAndVerifiesOnPostgres() {
        String[] store = {"--db", url, "--db-user", "postgres"};
        TradingHistory.applyLines(store, directory, List.of(
                "{\"id\":\"pgm-1\",\"type\":\"OpenAccount\",\"account\":\"pgmig:LEGACY\"}",
                "{\"id\":\"pgm-2\",\"type\":\"Deposit\",\"account\":\"pgmig:LEGACY\",\"asset\":\"USDT\",\"amount\":\"10\"}"));

        CliRun start = CliRun.of(concat(new String[]{"migrate", "start", "pgmig", "--json"}, store));
        JsonNode started = TradingHistory.json(start);
        assertThat(started.get("completedAtOnce").asInt()).isEqualTo(1);
        JsonNode futures = TradingHistory.json(CliRun.of(concat(new String[]{"query", "balance", "pgmig:FUTURES", "--json"}, store)));
        assertThat(new BigDecimal(futures.get("balances").get(0).get("wallet").asText())).isEqualByComparingTo("10");

        CliRun rebuild = CliRun.of(concat(new String[]{"rebuild", "--json"}, store));
        assertThat(TradingHistory.json(rebuild).get("projections")).allSatisfy(p -> assertThat(p.get("switched").asBoolean()).isTrue());
        CliRun verify = CliRun.of(concat(new String[]{"rebuild", "--verify", "--json"}, store));
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        assertThat(TradingHistory.json(verify).get("differences").asInt()).isZero();
    }

    private static CliRun query(String[] store, String view, String account) {
        return CliRun.of(concat(new String[]{"query", view, account, "--json"}, store));
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    @Test
    void benchmarksOnADatabaseThatHoldsOtherDataAndDropsItsScratchTable() throws Exception {
        CliRun bench = CliRun.of("bench", "--transfers", "64", "--positions", "20", "--fanout", "25", "--writers", "2",
                "--json", "--db", url, "--db-user", "postgres");

        assertThat(bench.exitCode()).as(bench.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(bench.out());
        assertThat(report.get("ledgerConcurrentCallers").get("events").asLong()).isEqualTo(3 * 64);
        assertThat(report.get("ledgerCallersWithOutcomesInFlight").get("events").asLong()).isEqualTo(3 * 64);
        // The read side ran on PostgreSQL too (a cursor needs autocommit off there).
        assertThat(report.get("rawRead").get("rows").asLong()).isGreaterThanOrEqualTo(3 * 64);
        assertThat(report.get("rawRead").get("rowsPerSecond").asDouble()).isPositive();
        assertThat(report.get("rebuild").get("eventsPerSecond").asDouble()).isPositive();
        assertThat(report.get("rebuild").get("rebuildVsRawRead").asDouble()).isPositive();
        assertThat(report.get("fanOuts").get(0).get("copiers").asInt()).isEqualTo(25);
        assertThat(report.get("fanOuts").get(0).get("vsRawInsert").asDouble()).isPositive();
        // Several writers: one and two writer processes, on users of their own and on shared users.
        JsonNode writers = report.get("writers");
        assertThat(writers.get("note").isNull()).as(writers.toString()).isTrue();
        assertThat(writers.get("runs")).hasSize(4);
        for (JsonNode run : writers.get("runs")) {
            assertThat(run.get("writers").asInt()).as(run.toString()).isIn(1, 2);
            assertThat(run.get("users").asText()).as(run.toString()).isIn("disjoint", "shared");
            assertThat(run.get("events").asLong()).as("three events per transfer").isEqualTo(3 * 64);
            assertThat(run.get("eventsPerSecond").asDouble()).as(run.toString()).isPositive();
            assertThat(run.get("vsOneWriter").asDouble()).as(run.toString()).isPositive();
            assertThat(run.get("vsRawBatched").asDouble()).as(run.toString()).isPositive();
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             ResultSet tables = connection.getMetaData().getTables(null, null, "ledger_bench_%", null)) {
            assertThat(tables.next()).as("a scratch table is left").isFalse();
        }
    }
}
