package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.ledger.cli.TradingHistory.PERFORMANCE_FIELDS;
import static dev.ledger.cli.TradingHistory.amount;
import static dev.ledger.cli.TradingHistory.fieldNames;
import static dev.ledger.cli.TradingHistory.json;
import static org.assertj.core.api.Assertions.assertThat;

class PerformanceQueryTest {

    private static String db;

    @BeforeAll
    static void trade(@TempDir Path directory) {
        db = CliRun.freshDatabase("performance");
        TradingHistory.apply(db, directory, TradingHistory.OPENING, TradingHistory.REDUCING);
    }

    @Test
    void showsTheFiguresOfTheRulesInTheShapeOfCliMd() {
        JsonNode performance = json(CliRun.of("query", "performance", "dan:FUTURES", "--json", "--db", db));

        assertThat(fieldNames(performance)).isEqualTo(PERFORMANCE_FIELDS);
        assertThat(performance.get("account").asText()).isEqualTo("dan:FUTURES");
        assertThat(amount(performance, "realizedPnl")).isEqualByComparingTo("500");
        assertThat(amount(performance, "fees")).isEqualByComparingTo("1.5");
        assertThat(amount(performance, "funding")).isEqualByComparingTo("0");
        assertThat(amount(performance, "netPnl")).isEqualByComparingTo("498.5");
        assertThat(amount(performance, "unrealizedPnl")).isEqualByComparingTo("1500");
        assertThat(amount(performance, "totalPnl")).isEqualByComparingTo("1998.5");
        assertThat(amount(performance, "netInflow")).isEqualByComparingTo("10000");
        assertThat(amount(performance, "peakNetInflow")).isEqualByComparingTo("10000");
        assertThat(amount(performance, "roi")).isEqualByComparingTo("0.19985");
        assertThat(performance.get("wins").isInt()).as("wins is a JSON integer").isTrue();
        assertThat(performance.get("wins").asInt()).isZero();
        assertThat(performance.get("losses").isInt()).isTrue();
        assertThat(performance.get("losses").asInt()).isZero();
        assertThat(performance.get("winRate").isNull()).as("no round trip ended: null").isTrue();
        // netPnl fell from 0 to -1.2 (the opening fee) before the profitable reduce.
        assertThat(amount(performance, "maxDrawdown")).isEqualByComparingTo("1.2");
    }

    @Test
    void printsOneFigurePerLine() {
        CliRun performance = CliRun.of("query", "performance", "dan:FUTURES", "--db", db);

        assertThat(performance.exitCode()).as(performance.err()).isZero();
        assertThat(performance.out().lines().toList()).first().isEqualTo("performance of dan:FUTURES");
        assertThat(performance.out()).containsPattern("realizedPnl +500\\.00000000")
                .containsPattern("winRate +-")
                .containsPattern("wins +0");
    }

    @Test
    void refusesAnUnknownAccountWithAccountNotFound() {
        CliRun performance = CliRun.of("query", "performance", "dan:COPY", "--db", db);

        assertThat(performance.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(performance.errLines()).singleElement().asString()
                .startsWith("ledger query performance: ACCOUNT_NOT_FOUND").contains("dan:COPY");
    }
}
