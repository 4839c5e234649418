package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.projections.ProjectionCatalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

import static dev.ledger.cli.TradingHistory.amount;
import static dev.ledger.cli.TradingHistory.fieldNames;
import static dev.ledger.cli.TradingHistory.json;
import static org.assertj.core.api.Assertions.assertThat;

class RebuildCommandTest {

    @TempDir
    Path directory;

    String db;

    @BeforeEach
    void trade() {
        db = CliRun.freshDatabase("rebuild");
        TradingHistory.apply(db, directory, TradingHistory.OPENING, TradingHistory.REDUCING, TradingHistory.LEGACY);
    }

    @Test
    void rebuildsEveryReadModelByDefaultAndTheViewsStayTheSame() {
        JsonNode before = json(CliRun.of("query", "risk", "dan:FUTURES", "--json", "--db", db));

        JsonNode report = json(CliRun.of("rebuild", "--json", "--db", db));

        assertThat(fieldNames(report)).isEqualTo(Set.of("verify", "differences", "projections"));
        assertThat(report.get("projections").findValuesAsText("projection")).isEqualTo(ProjectionCatalog.names());
        for (JsonNode projection : report.get("projections")) {
            assertThat(fieldNames(projection)).isEqualTo(Set.of("projection", "events", "position", "seconds",
                    "eventsPerSecond", "switched", "differences"));
            assertThat(projection.get("events").asLong()).as(projection.toString()).isEqualTo(12);
            assertThat(projection.get("position").asLong()).isNotNegative();
            assertThat(projection.get("switched").asBoolean()).isTrue();
            assertThat(projection.get("differences")).isEmpty();
        }
        assertThat(json(CliRun.of("query", "risk", "dan:FUTURES", "--json", "--db", db))).isEqualTo(before);
    }

    @Test
    void printsATableWithOneRowPerReadModel() {
        CliRun rebuild = CliRun.of("rebuild", "--projection", "performance", "--projection", "balance", "--db", db);

        assertThat(rebuild.exitCode()).as(rebuild.err()).isZero();
        assertThat(rebuild.out()).containsPattern("balance +12 +\\d+ +[0-9.]+ +[0-9,]+ +switched")
                .containsPattern("performance +12 +\\d+ +[0-9.]+ +[0-9,]+ +switched")
                .doesNotContain("accounts")
                .contains("rebuilt and switched 2 read model(s)");
        // Not a terminal: no progress on standard error.
        assertThat(rebuild.err()).isEmpty();
    }

    @Test
    void verifyListsTheRowsThatDifferExitsOneAndSwitchesNothing() throws SQLException {
        corruptDansWallet();

        CliRun verify = CliRun.of("rebuild", "--verify", "--db", db);

        assertThat(verify.exitCode()).isEqualTo(ExitCodes.PROBLEM_REPORTED);
        assertThat(verify.out()).containsPattern("balance +12 +\\d+ +[0-9.]+ +[0-9,]+ +2 differences")
                .contains("rm_balance live only: ").contains("rm_balance rebuilt only: ").contains("dan:FUTURES")
                .contains("verify found 2 differing row(s); nothing was switched");
        assertThat(wallet()).as("the live model is untouched").isEqualByComparingTo("10499.5");

        CliRun repair = CliRun.of("rebuild", "--projection", "balance", "--db", db);
        assertThat(repair.exitCode()).as(repair.err()).isZero();
        assertThat(repair.out()).contains("switched (replaced 2 differing rows)");
        assertThat(wallet()).isEqualByComparingTo("10498.5");

        JsonNode clean = json(CliRun.of("rebuild", "--verify", "--json", "--db", db));
        assertThat(clean.get("verify").asBoolean()).isTrue();
        assertThat(clean.get("differences").asInt()).isZero();
        assertThat(clean.get("projections").findValuesAsText("switched")).containsOnly("false");
    }

    @Test
    void refusesAnUnknownReadModelListingTheKnownOnes() {
        CliRun rebuild = CliRun.of("rebuild", "--projection", "balance", "--projection", "ledgers", "--db", db);

        assertThat(rebuild.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(rebuild.errLines()).singleElement().asString()
                .contains("--projection ledgers").contains(String.join(", ", ProjectionCatalog.names()));
    }

    @Test
    void progressSaysEventsRateAndTimeLeft() {
        assertThat(RebuildCommand.status("balance", 40_000, 72_000, 20_000))
                .isEqualTo("rebuild balance: 40,000 of 72,000 events (55%), 20,000 events/s, about 2s left");
        assertThat(RebuildCommand.status("balance", 71_990, 72_000, 20_000)).endsWith("less than 1s left");
        assertThat(RebuildCommand.status("balance", 72_000, 72_000, 20_000)).endsWith("20,000 events/s, done");
        assertThat(RebuildCommand.status("market", 100, 2_000_000, 50)).endsWith("about 11h 6m left");
    }

    private void corruptDansWallet() throws SQLException {
        try (Connection connection = DriverManager.getConnection(db, "", "");
             Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("UPDATE rm_balance SET wallet = wallet + 1 WHERE account = 'dan:FUTURES'"))
                    .isEqualTo(1);
        }
    }

    private java.math.BigDecimal wallet() {
        return amount(json(CliRun.of("query", "balance", "dan:FUTURES", "--json", "--db", db)).get("balances").get(0), "wallet");
    }
}
