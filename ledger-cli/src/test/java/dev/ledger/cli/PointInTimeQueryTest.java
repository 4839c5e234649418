package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static dev.ledger.cli.TradingHistory.amount;
import static dev.ledger.cli.TradingHistory.json;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code --at}: balance, risk and performance as of an instant between two parts of a history. */
class PointInTimeQueryTest {

    private static String db;
    private static Instant beforeEverything;
    private static Instant betweenOpeningAndReducing;

    @BeforeAll
    static void tradeInTwoParts(@TempDir Path directory) throws InterruptedException {
        db = CliRun.freshDatabase("at");
        beforeEverything = pause();
        TradingHistory.apply(db, directory, TradingHistory.OPENING);
        betweenOpeningAndReducing = pause();
        TradingHistory.apply(db, directory, TradingHistory.REDUCING);
    }

    /** An instant strictly between the events stamped before and after it. */
    private static Instant pause() throws InterruptedException {
        Thread.sleep(20);
        Instant now = Instant.now();
        Thread.sleep(20);
        return now;
    }

    @Test
    void balanceAtAnInstantShowsTheWalletOfThen() {
        String at = betweenOpeningAndReducing.toString();

        JsonNode then = json(CliRun.of("query", "balance", "dan:FUTURES", "--at", at, "--json", "--db", db));
        JsonNode now = json(CliRun.of("query", "balance", "dan:FUTURES", "--json", "--db", db));

        assertThat(amount(then.get("balances").get(0), "wallet")).isEqualByComparingTo("9998.8");
        assertThat(amount(then.get("balances").get(0), "isolatedMargin")).isEqualByComparingTo("6000");
        assertThat(amount(now.get("balances").get(0), "wallet")).isEqualByComparingTo("10498.5");
    }

    @Test
    void riskAtAnInstantShowsThePositionOfThenAtTheMarkOfThen() {
        JsonNode then = json(CliRun.of("query", "risk", "dan:FUTURES", "--at", betweenOpeningAndReducing.toString(),
                "--json", "--db", db));

        JsonNode position = then.get("positions").get(0);
        assertThat(amount(position, "quantity")).isEqualByComparingTo("2");
        assertThat(amount(position, "entryNotional")).isEqualByComparingTo("60000");
        assertThat(amount(position, "positionMargin")).isEqualByComparingTo("6000");
        // No mark recorded yet then: valued at the entry price.
        assertThat(amount(position, "markPrice")).isEqualByComparingTo("30000");
        assertThat(amount(position, "unrealizedPnl")).isEqualByComparingTo("0");
    }

    @Test
    void performanceAtAnInstantShowsNothingRealizedYet() {
        JsonNode then = json(CliRun.of("query", "performance", "dan:FUTURES", "--at", betweenOpeningAndReducing.toString(),
                "--json", "--db", db));

        assertThat(amount(then, "realizedPnl")).isEqualByComparingTo("0");
        assertThat(amount(then, "fees")).isEqualByComparingTo("1.2");
        assertThat(amount(then, "netPnl")).isEqualByComparingTo("-1.2");
    }

    @Test
    void anAccountNotOpenedYetAtThatInstantIsNotFound() {
        for (String view : new String[]{"balance", "risk", "performance"}) {
            CliRun query = CliRun.of("query", view, "dan:FUTURES", "--at", beforeEverything.toString(), "--db", db);

            assertThat(query.exitCode()).as(view).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(query.errLines()).as(view).singleElement().asString()
                    .contains("ACCOUNT_NOT_FOUND").contains(beforeEverything.toString());
        }
    }

    @Test
    void refusesAMalformedInstantNamingTheOptionAndTheForm() {
        for (String bad : new String[]{"yesterday", "2026-01-32", "2026-01-31T12:00:00", "2026-13-01T00:00:00Z"}) {
            CliRun query = CliRun.of("query", "balance", "dan:FUTURES", "--at", bad, "--db", db);

            assertThat(query.exitCode()).as(bad).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(query.errLines()).as(bad).singleElement().asString()
                    .contains("--at").contains(bad).contains("ISO-8601").contains("2026-01-31T12:00:00Z");
        }
    }

    @Test
    void acceptsAnInstantWithAZoneOffset() {
        String offset = betweenOpeningAndReducing.atOffset(java.time.ZoneOffset.ofHours(2)).toString();

        JsonNode then = json(CliRun.of("query", "balance", "dan:FUTURES", "--at", offset, "--json", "--db", db));

        assertThat(amount(then.get("balances").get(0), "wallet")).isEqualByComparingTo("9998.8");
    }
}
