package dev.ledger.api.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class DemoCommandTest {

    @Test
    void tellsTheStoryWithItsRefusalsAndEndsWithTheBalancesTheRulesGive() throws Exception {
        String db = CliRun.freshDatabase("demo");

        CliRun demo = CliRun.of("demo", "--db", db);

        assertThat(demo.exitCode()).as(demo.err()).isEqualTo(ExitCodes.DONE);
        assertThat(demo.out())
                .contains("refused INSUFFICIENT_FUNDS")
                .contains("duplicate: nothing changed")
                .contains("refused TRANSFER_NOT_ALLOWED")
                .contains("balance of alice:FUTURES")
                .contains("balance of alice:COPY")
                .contains("balance of alice:ELITE")
                .contains("Every step ended as the accounting rules say.");
        assertThat(walletLine(demo.out(), "alice:FUTURES")).contains("5000.00000000");
        assertThat(walletLine(demo.out(), "alice:COPY")).contains("3000.00000000");
        assertThat(walletLine(demo.out(), "alice:ELITE")).contains("2000.00000000");

        ObjectMapper json = new ObjectMapper();
        for (String[] expected : new String[][]{{"alice:FUTURES", "5000"}, {"alice:COPY", "3000"}, {"alice:ELITE", "2000"}}) {
            CliRun query = CliRun.of("query", "balance", expected[0], "--json", "--db", db);
            String wallet = json.readTree(query.out()).get("balances").get(0).get("wallet").asText();
            assertThat(new BigDecimal(wallet)).as(expected[0]).isEqualByComparingTo(expected[1]);
        }
    }

    @Test
    void refusesAStoreWhereAliceAlreadyHasAccounts() {
        String db = CliRun.freshDatabase("demo-twice");
        CliRun.of("demo", "--db", db);

        CliRun again = CliRun.of("demo", "--db", db);

        assertThat(again.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(again.err()).contains("user alice already has accounts");
    }

    /** The USDT row of the table that follows "balance of ACCOUNT". */
    private static String walletLine(String out, String account) {
        String afterTitle = out.substring(out.indexOf("balance of " + account));
        return afterTitle.lines().filter(l -> l.strip().startsWith("USDT")).findFirst().orElseThrow();
    }
}
