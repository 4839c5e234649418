package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ledger.cli.TradingHistory.amount;
import static dev.ledger.cli.TradingHistory.json;
import static org.assertj.core.api.Assertions.assertThat;

class DemoCommandTest {

    private static String db;
    private static CliRun demo;

    @BeforeAll
    static void runTheDemo() {
        db = CliRun.freshDatabase("demo");
        demo = CliRun.of("demo", "--db", db);
    }

    @Test
    void endsAsTheRulesSayWithItsRefusalsAndDuplicate() {
        assertThat(demo.exitCode()).as(demo.err()).isEqualTo(ExitCodes.DONE);
        assertThat(demo.out())
                .contains("refused INSUFFICIENT_FUNDS")
                .contains("duplicate: nothing changed")
                .contains("refused TRANSFER_NOT_ALLOWED")
                .contains("refused INSUFFICIENT_MARGIN")
                .contains("refused MIGRATION_RESTRICTED")
                .contains("Every step ended as the accounting rules say.")
                .doesNotContain("did NOT end");
    }

    @Test
    void theCopyLiquidationLosesOnlyItsMarginAndTheInsuranceFundCoversTheRest() {
        assertThat(demo.out())
                .containsPattern("loss at 28400 without a cap.* -1600\\.00000000")
                .containsPattern("loss booked to COPY: capped at the position's margin +-1500\\.00000000")
                .containsPattern("covered by the insurance fund.* 100\\.00000000");

        JsonNode copy = json(CliRun.of("query", "performance", "alice:COPY", "--json", "--db", db));
        assertThat(amount(copy, "realizedPnl")).isEqualByComparingTo("-1500");
        assertThat(amount(copy, "netPnl")).isEqualByComparingTo("-1512");
        assertThat(copy.get("losses").asInt()).isEqualTo(1);
        JsonNode copyBalance = json(CliRun.of("query", "balance", "alice:COPY", "--json", "--db", db)).get("balances").get(0);
        assertThat(amount(copyBalance, "wallet")).as("3000 - 12 fee - 1500 margin").isEqualByComparingTo("1488");
        assertThat(json(CliRun.of("query", "risk", "alice:COPY", "--json", "--db", db)).get("positions")).isEmpty();
    }

    @Test
    void futuresIsUnchangedByTheCopyLiquidation() {
        String comparison = demo.out().substring(demo.out().indexOf("alice:FUTURES before and after the COPY liquidation"));
        List<String> rows = comparison.lines().skip(2).takeWhile(l -> l.startsWith("  ")).toList();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(10).allSatisfy(row -> assertThat(row).endsWith("unchanged"));
        assertThat(demo.out()).contains("FUTURES' balance, risk and performance are unchanged");

        JsonNode balance = json(CliRun.of("query", "balance", "alice:FUTURES", "--json", "--db", db)).get("balances").get(0);
        assertThat(amount(balance, "wallet")).as("10000 - 3000 - 6").isEqualByComparingTo("6994");
        assertThat(amount(balance, "isolatedMargin")).isEqualByComparingTo("1500");
        assertThat(amount(balance, "unrealizedPnl")).isEqualByComparingTo("-800");
        assertThat(amount(balance, "available")).isEqualByComparingTo("5494");
        JsonNode risk = json(CliRun.of("query", "risk", "alice:FUTURES", "--json", "--db", db));
        assertThat(amount(risk.get("positions").get(0), "positionMargin")).isEqualByComparingTo("1500");
        assertThat(risk.get("positions").get(0).get("liquidatable").asBoolean()).isFalse();
        JsonNode performance = json(CliRun.of("query", "performance", "alice:FUTURES", "--json", "--db", db));
        assertThat(amount(performance, "realizedPnl")).isEqualByComparingTo("0");
        assertThat(amount(performance, "fees")).isEqualByComparingTo("6");
    }

    @Test
    void printsBalanceRiskAndPerformancePerAccount() {
        for (String account : new String[]{"alice:FUTURES", "alice:COPY"}) {
            assertThat(demo.out()).contains("balance of " + account, "risk of " + account, "performance of " + account);
        }
        assertThat(demo.out()).contains("balance of bob:FUTURES", "accounts of bob");
    }

    @Test
    void bobsLegacyMigrationWaitsForHisCopyPositionThenCompletes() {
        assertThat(demo.out()).contains("-> WAITING: 1 COPY position still open on LEGACY").contains("-> COMPLETED at");
        assertThat(demo.out()).containsPattern("bob:LEGACY +RETIRED");

        JsonNode bob = json(CliRun.of("query", "migration", "bob", "--json", "--db", db));
        assertThat(bob.get("state").asText()).isEqualTo("COMPLETED");
        JsonNode futures = json(CliRun.of("query", "balance", "bob:FUTURES", "--json", "--db", db)).get("balances").get(0);
        assertThat(amount(futures, "wallet")).as("10000 - 2 - 1 + 60 - 1").isEqualByComparingTo("10056");
        assertThat(amount(futures, "isolatedMargin")).as("the PERSONAL position moved with its margin")
                .isEqualByComparingTo("568");
    }

    @Test
    void refusesAStoreWhereAliceAlreadyHasAccounts() {
        CliRun again = CliRun.of("demo", "--db", db);

        assertThat(again.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(again.err()).contains("user alice already has accounts");
    }
}
