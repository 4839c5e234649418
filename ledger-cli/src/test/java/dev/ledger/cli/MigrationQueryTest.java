package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static dev.ledger.cli.TradingHistory.fieldNames;
import static dev.ledger.cli.TradingHistory.json;
import static org.assertj.core.api.Assertions.assertThat;

class MigrationQueryTest {

    private static String db;

    @BeforeAll
    static void legacyUsers(@TempDir Path directory) {
        db = CliRun.freshDatabase("migration-query");
        TradingHistory.apply(db, directory, TradingHistory.OPENING, TradingHistory.LEGACY, List.of(
                "{\"id\":\"m1\",\"type\":\"OpenAccount\",\"account\":\"fay:LEGACY\"}",
                "{\"id\":\"m2\",\"type\":\"OpenAccount\",\"account\":\"gus:LEGACY\"}",
                "{\"id\":\"m3\",\"type\":\"StartMigration\",\"user\":\"eve\"}",
                "{\"id\":\"m4\",\"type\":\"StartMigration\",\"user\":\"fay\"}"));
    }

    @Test
    void showsAWaitingUserInTheShapeOfCliMd() {
        JsonNode eve = json(CliRun.of("query", "migration", "eve", "--json", "--db", db));

        assertThat(fieldNames(eve)).isEqualTo(Set.of("user", "state", "openCopyPositions", "openElitePositions",
                "startedAt", "completedAt", "overdueAt"));
        assertThat(eve.get("user").asText()).isEqualTo("eve");
        assertThat(eve.get("state").asText()).isEqualTo("WAITING");
        assertThat(eve.get("openCopyPositions").isInt()).isTrue();
        assertThat(eve.get("openCopyPositions").asInt()).isEqualTo(1);
        assertThat(eve.get("openElitePositions").asInt()).isZero();
        assertThat(Instant.parse(eve.get("startedAt").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(eve.get("completedAt").isNull()).isTrue();
        assertThat(eve.get("overdueAt").isNull()).isTrue();
    }

    @Test
    void showsACompletedUserWithBothTimes() {
        JsonNode fay = json(CliRun.of("query", "migration", "fay", "--json", "--db", db));

        assertThat(fay.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(Instant.parse(fay.get("completedAt").asText()))
                .isAfterOrEqualTo(Instant.parse(fay.get("startedAt").asText()));
    }

    @Test
    void showsAUserWithoutLegacyAccountAsNotStarted() {
        JsonNode dan = json(CliRun.of("query", "migration", "dan", "--json", "--db", db));

        assertThat(dan.get("state").asText()).isEqualTo("NOT_STARTED");
        assertThat(dan.get("startedAt").isNull()).isTrue();
    }

    @Test
    void withoutAUserShowsThePhaseAndTheTotalsPerState() {
        JsonNode summary = json(CliRun.of("query", "migration", "--json", "--db", db));

        assertThat(fieldNames(summary)).isEqualTo(Set.of("phase", "totals"));
        assertThat(summary.get("phase").asText()).isEqualTo("LIVE");
        assertThat(fieldNames(summary.get("totals"))).isEqualTo(Set.of("NOT_STARTED", "WAITING", "COMPLETED"));
        assertThat(summary.get("totals").get("NOT_STARTED").asInt()).isEqualTo(1);
        assertThat(summary.get("totals").get("WAITING").asInt()).isEqualTo(1);
        assertThat(summary.get("totals").get("COMPLETED").asInt()).isEqualTo(1);
    }

    @Test
    void printsTablesForPeople() {
        CliRun eve = CliRun.of("query", "migration", "eve", "--db", db);
        CliRun summary = CliRun.of("query", "migration", "--db", db);

        assertThat(eve.out()).startsWith("migration of eve: WAITING").containsPattern("openCopyPositions +1");
        assertThat(summary.out()).startsWith("migration phase: LIVE").containsPattern("WAITING +1");
    }

    @Test
    void refusesSomethingThatIsNotAUserName() {
        CliRun query = CliRun.of("query", "migration", "eve:LEGACY", "--db", db);

        assertThat(query.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(query.errLines()).singleElement().asString().contains("is not a user name");
    }
}
