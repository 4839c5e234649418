package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.ledger.cli.TradingHistory.POSITION_FIELDS;
import static dev.ledger.cli.TradingHistory.RISK_FIELDS;
import static dev.ledger.cli.TradingHistory.amount;
import static dev.ledger.cli.TradingHistory.fieldNames;
import static dev.ledger.cli.TradingHistory.json;
import static org.assertj.core.api.Assertions.assertThat;

class RiskQueryTest {

    private static String db;

    @BeforeAll
    static void trade(@TempDir Path directory) {
        db = CliRun.freshDatabase("risk");
        TradingHistory.apply(db, directory, TradingHistory.OPENING, TradingHistory.REDUCING, TradingHistory.LEGACY);
    }

    @Test
    void showsAnIsolatedPositionWithTheFiguresOfTheRulesInTheShapeOfCliMd() {
        JsonNode risk = json(CliRun.of("query", "risk", "dan:FUTURES", "--json", "--db", db));

        assertThat(fieldNames(risk)).isEqualTo(RISK_FIELDS);
        assertThat(risk.get("account").asText()).isEqualTo("dan:FUTURES");
        assertThat(amount(risk, "crossMaintenanceMargin")).isEqualByComparingTo("0");
        assertThat(amount(risk, "crossMarginBalance")).isEqualByComparingTo("5998.5");
        assertThat(risk.get("crossMarginRatio").isNull()).as("no CROSS position: null").isTrue();
        assertThat(risk.get("liquidatable").isBoolean()).isTrue();
        assertThat(risk.get("liquidatable").asBoolean()).isFalse();

        assertThat(risk.get("positions")).hasSize(1);
        JsonNode position = risk.get("positions").get(0);
        assertThat(fieldNames(position)).as("no book or leader outside LEGACY").isEqualTo(POSITION_FIELDS);
        assertThat(position.get("symbol").asText()).isEqualTo("BTCUSDT");
        assertThat(position.get("side").asText()).isEqualTo("LONG");
        assertThat(amount(position, "quantity")).isEqualByComparingTo("1.5");
        assertThat(amount(position, "entryPrice")).isEqualByComparingTo("30000");
        assertThat(amount(position, "entryNotional")).isEqualByComparingTo("45000");
        assertThat(amount(position, "markPrice")).isEqualByComparingTo("31000");
        assertThat(position.get("leverage").isInt()).as("leverage is a JSON integer").isTrue();
        assertThat(position.get("leverage").asInt()).isEqualTo(10);
        assertThat(position.get("marginMode").asText()).isEqualTo("ISOLATED");
        assertThat(amount(position, "positionMargin")).isEqualByComparingTo("4500");
        assertThat(amount(position, "unrealizedPnl")).isEqualByComparingTo("1500");
        assertThat(amount(position, "maintenanceMargin")).isEqualByComparingTo("232.5");
        assertThat(amount(position, "liquidationPrice")).isEqualByComparingTo("27135.67839196");
        assertThat(position.get("liquidatable").asBoolean()).isFalse();
    }

    @Test
    void showsLegacyPositionsWithBookAndLeaderSortedPersonalBeforeCopy() {
        JsonNode risk = json(CliRun.of("query", "risk", "eve:LEGACY", "--json", "--db", db));

        assertThat(fieldNames(risk)).isEqualTo(RISK_FIELDS);
        assertThat(amount(risk, "crossMaintenanceMargin")).isEqualByComparingTo("15.5");
        assertThat(amount(risk, "crossMarginBalance")).isEqualByComparingTo("4380");
        assertThat(amount(risk, "crossMarginRatio")).isEqualByComparingTo("0.00353881");
        JsonNode personal = risk.get("positions").get(0);
        JsonNode copy = risk.get("positions").get(1);
        assertThat(risk.get("positions")).hasSize(2);

        assertThat(personal.get("book").asText()).isEqualTo("PERSONAL");
        assertThat(fieldNames(personal)).isEqualTo(with(POSITION_FIELDS, "book"));
        assertThat(amount(personal, "positionMargin")).isEqualByComparingTo("620");

        assertThat(copy.get("book").asText()).isEqualTo("COPY");
        assertThat(copy.get("leader").asText()).isEqualTo("dan");
        assertThat(fieldNames(copy)).isEqualTo(with(POSITION_FIELDS, "book", "leader"));
        assertThat(copy.get("marginMode").asText()).isEqualTo("CROSS");
        assertThat(amount(copy, "positionMargin")).as("0 for CROSS").isEqualByComparingTo("0");
        assertThat(copy.get("liquidationPrice").isNull()).as("null for CROSS").isTrue();
    }

    @Test
    void printsATableWithTheCrossFiguresAndOneRowPerPosition() {
        CliRun risk = CliRun.of("query", "risk", "eve:LEGACY", "--db", db);

        assertThat(risk.exitCode()).as(risk.err()).isZero();
        List<String> lines = risk.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("risk of eve:LEGACY");
        assertThat(risk.out()).contains("crossMarginRatio", "0.00353881", "liquidationPrice");
        String header = lines.stream().filter(l -> l.strip().startsWith("symbol")).findFirst().orElseThrow();
        String copyRow = lines.stream().filter(l -> l.contains(" COPY ")).findFirst().orElseThrow();
        assertThat(header).contains("book", "leader");
        assertThat(copyRow).contains("dan", "LONG", "CROSS");
        // Aligned: every row of the positions table is as long as its header or shorter only by trailing blanks.
        assertThat(copyRow.indexOf("LONG")).isLessThanOrEqualTo(header.indexOf("side") + "side".length());
    }

    @Test
    void refusesAnUnknownAccountWithAccountNotFound() {
        CliRun risk = CliRun.of("query", "risk", "nobody:COPY", "--json", "--db", db);

        assertThat(risk.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(risk.out()).isEmpty();
        assertThat(risk.errLines()).singleElement().asString().contains("ACCOUNT_NOT_FOUND").contains("nobody:COPY");
    }

    private static Set<String> with(Set<String> fields, String... more) {
        Set<String> all = new HashSet<>(fields);
        all.addAll(List.of(more));
        return all;
    }
}
