package dev.ledger.api.rebuild;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.MutableClock;
import dev.ledger.domain.command.*;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.ProjectionCatalog;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RebuildAndPointInTimeTest {

    static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    @Test
    void rebuiltReadModelsEqualLiveOnesAndPointInTimeAnswersEqualWhatWasLiveThen() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (Ledger ledger = Ledger.builder().store(StoreSettings.inMemory("rebuild-" + UUID.randomUUID()))
                .clock(clock).build()) {
            List<LedgerCommand> script = List.of(
                    new ConfigureSymbol("c1", "BTCUSDT", "USDT", d("0.005"), 100),
                    new OpenAccount("c2", "ann:FUTURES"),
                    new OpenAccount("c3", "ann:COPY"),
                    new Deposit("c4", "ann:FUTURES", "USDT", d("50000")),
                    new Transfer("c5", "ann:FUTURES", "ann:COPY", "USDT", d("10000")),
                    new RecordFill("c6", "ann:FUTURES", "BTCUSDT", Side.BUY, d("1"), d("30000"), d("3"), 10, MarginMode.ISOLATED),
                    new RecordFill("c7", "ann:COPY", "BTCUSDT", Side.SELL, d("0.5"), d("30000"), d("1.5"), 5, MarginMode.CROSS),
                    new UpdateMarkPrice("c8", "BTCUSDT", d("31000")),
                    new SettleFunding("c9", "ann:COPY", "BTCUSDT", d("0.0001"), d("31000")),
                    new RecordFill("c10", "ann:FUTURES", "BTCUSDT", Side.SELL, d("0.4"), d("32000"), d("1.2"), 10, MarginMode.ISOLATED),
                    new UpdateMarkPrice("c11", "BTCUSDT", d("45000")),
                    new Liquidate("c12", "ann:COPY", "BTCUSDT", d("45000")),
                    new OpenAccount("c13", "bob:LEGACY"),
                    new Deposit("c14", "bob:LEGACY", "USDT", d("1000")),
                    new RecordFill("c15", "bob:LEGACY", "BTCUSDT", Side.BUY, d("0.01"), d("45000"), d("0"), 2, MarginMode.CROSS, Book.COPY, "ann"),
                    new StartMigration("c16", "bob"),
                    new RecordFill("c17", "bob:LEGACY", "BTCUSDT", Side.SELL, d("0.01"), d("44000"), d("0.1"), 2, MarginMode.CROSS, Book.COPY, "ann"));
            List<Instant> times = new ArrayList<>();
            List<Object> recorded = new ArrayList<>();
            for (LedgerCommand command : script) {
                clock.advance(Duration.ofSeconds(1));
                assertThat(ledger.execute(command)).isInstanceOf(Outcome.Accepted.class);
                times.add(clock.instant());
                recorded.add(views(ledger, "ann:FUTURES"));
                recorded.add(views(ledger, "ann:COPY"));
            }
            for (int i = 0; i < times.size(); i++) {
                assertThat(viewsAt(ledger, "ann:FUTURES", times.get(i))).isEqualTo(recorded.get(2 * i));
                assertThat(viewsAt(ledger, "ann:COPY", times.get(i))).isEqualTo(recorded.get(2 * i + 1));
            }
            assertThat(ledger.balanceAt("ann:FUTURES", Instant.parse("2025-12-31T00:00:00Z"))).isEmpty();

            List<Object> live = List.of(views(ledger, "ann:FUTURES"), views(ledger, "ann:COPY"),
                    views(ledger, "bob:FUTURES"), views(ledger, "bob:LEGACY"), ledger.migration("bob"),
                    ledger.accounts("bob"));
            ProjectionRebuilder rebuilder = new ProjectionRebuilder(ledger.store());
            for (String name : ProjectionCatalog.names()) {
                assertThat(rebuilder.rebuild(name, true, ProjectionRebuilder.Progress.NONE).differences())
                        .as("verify %s", name).isEmpty();
            }
            try (Connection connection = ledger.store().dataSource().getConnection()) {
                connection.createStatement().executeUpdate(
                        "UPDATE rm_balance SET wallet = wallet + 1 WHERE account = 'ann:FUTURES'");
            }
            assertThat(rebuilder.rebuild("balance", true, ProjectionRebuilder.Progress.NONE).differences())
                    .hasSize(2).anySatisfy(line -> assertThat(line).contains("live only").contains("ann:FUTURES"));
            for (String name : ProjectionCatalog.names()) {
                ProjectionRebuilder.Result result = rebuilder.rebuild(name, false, ProjectionRebuilder.Progress.NONE);
                assertThat(result.switched()).isTrue();
            }
            assertThat(List.of(views(ledger, "ann:FUTURES"), views(ledger, "ann:COPY"),
                    views(ledger, "bob:FUTURES"), views(ledger, "bob:LEGACY"), ledger.migration("bob"),
                    ledger.accounts("bob"))).isEqualTo(live);
            // The live processors go on from their tokens on the rebuilt rows.
            clock.advance(Duration.ofSeconds(1));
            assertThat(ledger.execute(new Deposit("c18", "ann:FUTURES", "USDT", d("1")))).isInstanceOf(Outcome.Accepted.class);
            assertThat(ledger.balance("ann:FUTURES").orElseThrow().balances().get(0).wallet())
                    .isEqualByComparingTo(((List<?>) live.get(0)).get(0) instanceof java.util.Optional<?> o
                            ? ((dev.ledger.projections.balance.BalanceView) o.orElseThrow()).balances().get(0).wallet().add(BigDecimal.ONE)
                            : BigDecimal.ZERO);
        }
    }

    private static List<Object> views(Ledger ledger, String account) {
        return List.of(ledger.balance(account), ledger.risk(account), ledger.performance(account));
    }

    private static List<Object> viewsAt(Ledger ledger, String account, Instant at) {
        return List.of(ledger.balanceAt(account, at), ledger.riskAt(account, at), ledger.performanceAt(account, at));
    }
}
