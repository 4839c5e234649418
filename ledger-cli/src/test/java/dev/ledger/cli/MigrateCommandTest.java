package dev.ledger.cli;

import dev.ledger.api.support.MutableClock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.domain.command.StartMigration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static dev.ledger.cli.TradingHistory.fieldNames;
import static dev.ledger.cli.TradingHistory.json;
import static org.assertj.core.api.Assertions.assertThat;

class MigrateCommandTest {

    /**
     * Four legacy users: bob with an open COPY position (copying dan) and a PERSONAL one; carl, cora and
     * cyd with nothing open.
     */
    private static final List<String> LEGACY_USERS = List.of(
            "{\"id\":\"s1\",\"type\":\"ConfigureSymbol\",\"symbol\":\"BTCUSDT\",\"settleAsset\":\"USDT\",\"maintenanceMarginRate\":\"0.005\",\"maxLeverage\":100}",
            "{\"id\":\"s2\",\"type\":\"OpenAccount\",\"account\":\"bob:LEGACY\"}",
            "{\"id\":\"s3\",\"type\":\"Deposit\",\"account\":\"bob:LEGACY\",\"asset\":\"USDT\",\"amount\":\"1000\"}",
            "{\"id\":\"s4\",\"type\":\"RecordFill\",\"account\":\"bob:LEGACY\",\"symbol\":\"BTCUSDT\",\"side\":\"BUY\",\"quantity\":\"0.01\",\"price\":\"30000\",\"fee\":\"0\",\"leverage\":5,\"marginMode\":\"ISOLATED\",\"book\":\"COPY\",\"leader\":\"dan\"}",
            "{\"id\":\"s5\",\"type\":\"RecordFill\",\"account\":\"bob:LEGACY\",\"symbol\":\"BTCUSDT\",\"side\":\"BUY\",\"quantity\":\"0.01\",\"price\":\"30000\",\"fee\":\"0\",\"leverage\":5,\"marginMode\":\"ISOLATED\"}",
            "{\"id\":\"s6\",\"type\":\"OpenAccount\",\"account\":\"carl:LEGACY\"}",
            "{\"id\":\"s7\",\"type\":\"OpenAccount\",\"account\":\"cora:LEGACY\"}",
            "{\"id\":\"s8\",\"type\":\"OpenAccount\",\"account\":\"cyd:LEGACY\"}");

    private static final String CLOSE_BOBS_COPY_POSITION =
            "{\"id\":\"s9\",\"type\":\"RecordFill\",\"account\":\"bob:LEGACY\",\"symbol\":\"BTCUSDT\",\"side\":\"SELL\",\"quantity\":\"0.01\",\"price\":\"31000\",\"fee\":\"0\",\"leverage\":5,\"marginMode\":\"ISOLATED\",\"book\":\"COPY\",\"leader\":\"dan\"}";

    @TempDir
    Path directory;

    String db;

    @BeforeEach
    void legacyUsers() {
        db = CliRun.freshDatabase("migrate");
        TradingHistory.apply(db, directory, LEGACY_USERS);
    }

    private JsonNode migration(String user) {
        return json(CliRun.of("query", "migration", user, "--json", "--db", db));
    }

    @Nested
    class Start {

        @Test
        void startsEachUserAndTellsWhoCompletedAtOnceAndWhoWaits() {
            CliRun start = CliRun.of("migrate", "start", "bob", "carl", "--db", db);

            assertThat(start.exitCode()).as(start.err()).isZero();
            assertThat(start.out()).containsPattern("bob +started: WAITING for 1 COPY position to close")
                    .containsPattern("carl +started: completed at once")
                    .contains("2 started (1 completed at once, 1 waiting)");
            assertThat(migration("bob").get("state").asText()).isEqualTo("WAITING");
            assertThat(migration("carl").get("state").asText()).isEqualTo("COMPLETED");
            assertThat(migration("cora").get("state").asText()).isEqualTo("NOT_STARTED");
        }

        @Test
        void reportsAUserWithoutLegacyAccountAsRefusedAndGoesOn() {
            CliRun start = CliRun.of("migrate", "start", "zed", "carl", "--json", "--db", db);

            JsonNode report = json(start);
            assertThat(report.get("started").asInt()).isEqualTo(1);
            assertThat(report.get("refused").asInt()).isEqualTo(1);
            JsonNode zed = report.get("users").get(0);
            assertThat(zed.get("user").asText()).isEqualTo("zed");
            assertThat(zed.get("outcome").asText()).isEqualTo("REJECTED");
            assertThat(zed.get("code").asText()).isEqualTo("ACCOUNT_NOT_FOUND");
            assertThat(report.get("users").get(1).get("state").asText()).isEqualTo("COMPLETED");
        }

        @Test
        void exitsOneOnARefusalUnderStrict() {
            CliRun start = CliRun.of("migrate", "start", "zed", "--strict", "--db", db);

            assertThat(start.exitCode()).isEqualTo(ExitCodes.PROBLEM_REPORTED);
            assertThat(start.out()).contains("zed").contains("refused ACCOUNT_NOT_FOUND");
        }

        @Test
        void aRefusedUserIsStartedByALaterRunOnceItsLegacyAccountExists() {
            CliRun first = CliRun.of("migrate", "start", "zed", "--db", db);
            assertThat(first.out()).containsPattern("zed +refused ACCOUNT_NOT_FOUND");

            // Not remembered: run again, the start is decided again (not "refused on an earlier run").
            CliRun again = CliRun.of("migrate", "start", "zed", "--db", db);
            assertThat(again.out()).containsPattern("zed +refused ACCOUNT_NOT_FOUND: user zed has no LEGACY")
                    .doesNotContain("on an earlier run").contains("1 refused");

            TradingHistory.applyLines(db, directory, List.of("{\"id\":\"z1\",\"type\":\"OpenAccount\",\"account\":\"zed:LEGACY\"}"));
            JsonNode started = json(CliRun.of("migrate", "start", "zed", "--json", "--db", db));
            assertThat(started.get("started").asInt()).isEqualTo(1);
            assertThat(started.get("refused").asInt()).isZero();
            assertThat(started.get("users").get(0).get("outcome").asText()).isEqualTo("ACCEPTED");
            assertThat(started.get("users").get(0).get("state").asText()).isEqualTo("COMPLETED");

            // The accepted start is remembered: a further run starts nobody twice.
            JsonNode rerun = json(CliRun.of("migrate", "start", "zed", "--json", "--db", db));
            assertThat(rerun.get("alreadyStarted").asInt()).isEqualTo(1);
            assertThat(rerun.get("users").get(0).get("outcome").asText()).isEqualTo("DUPLICATE");
        }

        @Test
        void runAgainStartsNobodyTwice() {
            CliRun.of("migrate", "start", "bob", "carl", "--db", db);

            JsonNode again = json(CliRun.of("migrate", "start", "bob", "carl", "--json", "--db", db));

            assertThat(again.get("started").asInt()).isZero();
            assertThat(again.get("alreadyStarted").asInt()).isEqualTo(2);
            assertThat(again.get("users").get(0).get("outcome").asText()).isEqualTo("DUPLICATE");
            assertThat(again.get("users").get(0).get("state").asText()).isEqualTo("WAITING");
        }

        @Test
        void theWaitingUserCompletesWhenTheLastCopyPositionCloses() {
            CliRun.of("migrate", "start", "bob", "--db", db);

            TradingHistory.applyLines(db, directory, List.of(CLOSE_BOBS_COPY_POSITION));

            JsonNode bob = migration("bob");
            assertThat(bob.get("state").asText()).isEqualTo("COMPLETED");
            assertThat(bob.get("openCopyPositions").asInt()).isZero();
        }

        @Test
        void refusesAMalformedUserNameAndStartsNobody() {
            CliRun start = CliRun.of("migrate", "start", "carl", "bob:LEGACY", "--db", db);

            assertThat(start.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(start.errLines()).singleElement().asString().contains("bob:LEGACY").contains("nothing was started");
            assertThat(migration("carl").get("state").asText()).isEqualTo("NOT_STARTED");
        }
    }

    @Nested
    class Wave {

        @Test
        void startsTheNextUsersByNameAndTellsWhoCompletedAtOnce() {
            CliRun wave = CliRun.of("migrate", "wave", "--limit", "2", "--db", db);

            assertThat(wave.exitCode()).as(wave.err()).isZero();
            assertThat(wave.out()).containsPattern("bob +started: WAITING for 1 COPY position")
                    .containsPattern("carl +started: completed at once")
                    .doesNotContain("cora");
            assertThat(migration("cora").get("state").asText()).isEqualTo("NOT_STARTED");
        }

        @Test
        void theNextWaveStartsTheNextUsers() {
            CliRun.of("migrate", "wave", "--limit", "2", "--db", db);

            JsonNode next = json(CliRun.of("migrate", "wave", "--limit", "5", "--json", "--db", db));

            assertThat(next.get("started").asInt()).isEqualTo(2);
            assertThat(next.get("completedAtOnce").asInt()).isEqualTo(2);
            assertThat(next.get("users").findValuesAsText("user")).containsExactly("cora", "cyd");

            CliRun empty = CliRun.of("migrate", "wave", "--limit", "5", "--db", db);
            assertThat(empty.out()).contains("nothing to do");
        }

        @Test
        void refusesALimitBelowOneAndAMissingLimit() {
            CliRun zero = CliRun.of("migrate", "wave", "--limit", "0", "--db", db);
            CliRun missing = CliRun.of("migrate", "wave", "--db", db);

            assertThat(zero.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(zero.errLines()).singleElement().asString().contains("--limit 0 is out of range");
            assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(missing.errLines()).singleElement().asString().contains("--limit");
        }
    }

    @Nested
    class Phase {

        @Test
        void movesThePhaseForwardAndSaysFromWhere() {
            CliRun phase = CliRun.of("migrate", "phase", "NO_NEW_ELITE_ORDERS", "--db", db);

            assertThat(phase.exitCode()).as(phase.err()).isZero();
            assertThat(phase.out()).contains("the phase is now NO_NEW_ELITE_ORDERS (was LIVE)");
            assertThat(json(CliRun.of("query", "migration", "--json", "--db", db)).get("phase").asText())
                    .isEqualTo("NO_NEW_ELITE_ORDERS");
        }

        @Test
        void runAgainReportsTheFirstOutcome() {
            CliRun.of("migrate", "phase", "NO_NEW_POSITIONS", "--db", db);

            JsonNode again = json(CliRun.of("migrate", "phase", "NO_NEW_POSITIONS", "--json", "--db", db));

            assertThat(fieldNames(again)).isEqualTo(Set.of("requested", "outcome", "code", "message", "previous", "phase"));
            assertThat(again.get("outcome").asText()).isEqualTo("DUPLICATE");
            assertThat(again.get("code").isNull()).isTrue();
            assertThat(again.get("phase").asText()).isEqualTo("NO_NEW_POSITIONS");
        }

        @Test
        void reportsABackwardMoveAsRefusedAndExitsOne() {
            CliRun.of("migrate", "phase", "SHUTDOWN", "--db", db);

            CliRun back = CliRun.of("migrate", "phase", "NO_NEW_POSITIONS", "--json", "--db", db);

            assertThat(back.exitCode()).isEqualTo(ExitCodes.PROBLEM_REPORTED);
            JsonNode report = TradingHistory.parse(back.out());
            assertThat(report.get("outcome").asText()).isEqualTo("REJECTED");
            assertThat(report.get("code").asText()).isEqualTo("MIGRATION_RESTRICTED");
            assertThat(report.get("phase").asText()).isEqualTo("SHUTDOWN");
        }

        @Test
        void refusesTheCurrentPhase() {
            CliRun live = CliRun.of("migrate", "phase", "LIVE", "--db", db);

            assertThat(live.exitCode()).isEqualTo(ExitCodes.PROBLEM_REPORTED);
            assertThat(live.out()).startsWith("refused MIGRATION_RESTRICTED");
        }

        @Test
        void refusesAnUnknownPhaseListingTheKnownOnes() {
            CliRun phase = CliRun.of("migrate", "phase", "LATER", "--db", db);

            assertThat(phase.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(phase.errLines()).singleElement().asString()
                    .contains("LIVE, NO_NEW_ELITE_ORDERS, NO_NEW_POSITIONS, SHUTDOWN").contains("LATER");
        }
    }

    @Nested
    class Status {

        @Test
        void showsTheTotalsAndTheWaitingUsersWithTheirPositionsAndWait() {
            CliRun.of("migrate", "start", "bob", "carl", "--db", db);

            CliRun status = CliRun.of("migrate", "status", "--db", db);

            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(status.out()).startsWith("migration phase: LIVE")
                    .containsPattern("NOT_STARTED +2")
                    .containsPattern("WAITING +1")
                    .containsPattern("COMPLETED +1")
                    .containsPattern("bob +1 +0 +\\S+ +\\d+s +no");
        }

        @Test
        void printsJsonWithTheWaitAndTheOverdueFlag() {
            // The overdue reminder fires after migrationOverdueAfter; the ledger's clock is moved past it.
            MutableClock clock = new MutableClock(Instant.now());
            try (Ledger ledger = Ledger.builder().store(StoreSettings.of(db, "", "")).clock(clock)
                    .migrationOverdueAfter(Duration.ofMillis(1)).build()) {
                assertThat(ledger.execute(new StartMigration("migrate-start:bob", "bob"))).isInstanceOf(Outcome.Accepted.class);
                clock.advance(Duration.ofSeconds(1));
                assertThat(ledger.fireDueMigrationReminders()).isEqualTo(1);
                ledger.awaitReadModels();
            }

            JsonNode status = json(CliRun.of("migrate", "status", "--json", "--db", db));

            assertThat(fieldNames(status)).isEqualTo(Set.of("phase", "totals", "waiting", "waitingNotListed"));
            assertThat(status.get("totals").get("WAITING").asInt()).isEqualTo(1);
            JsonNode bob = status.get("waiting").get(0);
            assertThat(fieldNames(bob)).isEqualTo(Set.of("user", "openCopyPositions", "openElitePositions", "startedAt",
                    "waitedSeconds", "overdue", "overdueAt"));
            assertThat(bob.get("user").asText()).isEqualTo("bob");
            assertThat(bob.get("openCopyPositions").asInt()).isEqualTo(1);
            assertThat(bob.get("waitedSeconds").asLong()).isNotNegative();
            assertThat(Instant.parse(bob.get("startedAt").asText())).isBefore(Instant.now());
            assertThat(bob.get("overdue").asBoolean()).isTrue();
            assertThat(bob.get("overdueAt").isTextual()).isTrue();
            assertThat(CliRun.of("migrate", "status", "--db", db).out()).contains("OVERDUE since");
        }

        @Test
        void listsAtMostLimitWaitingUsersAndSaysHowManyMore() {
            TradingHistory.applyLines(db, directory, List.of(
                    "{\"id\":\"x0\",\"type\":\"Deposit\",\"account\":\"cora:LEGACY\",\"asset\":\"USDT\",\"amount\":\"1000\"}",
                    "{\"id\":\"x1\",\"type\":\"RecordFill\",\"account\":\"cora:LEGACY\",\"symbol\":\"BTCUSDT\",\"side\":\"BUY\",\"quantity\":\"0.001\",\"price\":\"30000\",\"fee\":\"0\",\"leverage\":5,\"marginMode\":\"CROSS\",\"book\":\"ELITE\"}"));
            CliRun.of("migrate", "start", "bob", "cora", "--db", db);

            CliRun status = CliRun.of("migrate", "status", "--limit", "1", "--db", db);

            assertThat(status.out()).contains("bob").contains("... and 1 more");
        }

        @Test
        void formatsWaitsForPeople() {
            assertThat(MigrateStatusCommand.waited(40)).isEqualTo("40s");
            assertThat(MigrateStatusCommand.waited(12 * 60 + 3)).isEqualTo("12m 3s");
            assertThat(MigrateStatusCommand.waited(5 * 3600 + 12 * 60 + 9)).isEqualTo("5h 12m");
            assertThat(MigrateStatusCommand.waited(3 * 86400 + 4 * 3600 + 59)).isEqualTo("3d 4h");
        }
    }
}
