package dev.ledger.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;

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

    @Test
    void benchmarksOnADatabaseThatHoldsOtherDataAndDropsItsScratchTable() throws Exception {
        CliRun bench = CliRun.of("bench", "--transfers", "64", "--json", "--db", url, "--db-user", "postgres");

        assertThat(bench.exitCode()).as(bench.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(bench.out());
        assertThat(report.get("ledgerConcurrentCallers").get("events").asLong()).isEqualTo(3 * 64);
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             ResultSet tables = connection.getMetaData().getTables(null, null, "ledger_bench_raw%", null)) {
            assertThat(tables.next()).as("a scratch table is left").isFalse();
        }
    }
}
