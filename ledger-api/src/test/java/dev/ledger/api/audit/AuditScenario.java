package dev.ledger.api.audit;

import dev.ledger.api.support.MutableClock;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small history over three days with every kind of event line the export must carry: market events,
 * account openings, deposits, both legs of transfers, a fill with its fee, a completed legacy migration
 * (funds moved out and in), and a command id that needs escaping. Users {@code al} and {@code alice},
 * {@code a_b} and {@code axb} test that user filters match whole user names.
 */
final class AuditScenario {

    static final Instant DAY_1 = Instant.parse("2025-03-01T09:00:00Z");
    static final Instant DAY_2 = Instant.parse("2025-03-02T09:00:00.250Z");
    static final Instant DAY_3 = Instant.parse("2025-03-03T09:00:00.125Z");
    /** A command id with a quote, a backslash, a tab, non-ASCII letters and a character outside the BMP. */
    static final String AWKWARD_COMMAND_ID = "dépôt \"ü\"\\\t💰";

    private AuditScenario() {
    }

    static void populate(Ledger ledger, MutableClock clock) {
        clock.set(DAY_1);
        run(ledger,
                new ConfigureSymbol("m1", "BTCUSDT", "USDT", new BigDecimal("0.005"), 100),
                new UpdateMarkPrice("m2", "BTCUSDT", new BigDecimal("50000")),
                new OpenAccount("o1", "alice:FUTURES"),
                new OpenAccount("o2", "alice:COPY"),
                new OpenAccount("o3", "al:FUTURES"),
                new OpenAccount("o4", "a_b:FUTURES"),
                new OpenAccount("o5", "axb:FUTURES"),
                new OpenAccount("o6", "carol:LEGACY"),
                new Deposit("d1", "alice:FUTURES", "USDT", new BigDecimal("10000")),
                new Deposit("d2", "al:FUTURES", "USDT", new BigDecimal("5")),
                new Deposit("d3", "a_b:FUTURES", "USDT", new BigDecimal("7.5")),
                new Deposit("d4", "axb:FUTURES", "USDT", new BigDecimal("8.25")),
                new Deposit("d5", "carol:LEGACY", "USDT", new BigDecimal("300")),
                new Transfer("t1", "alice:FUTURES", "alice:COPY", "USDT", new BigDecimal("250.5")));
        clock.set(DAY_2);
        run(ledger,
                new RecordFill("f1", "alice:FUTURES", "BTCUSDT", Side.BUY, new BigDecimal("0.01"),
                        new BigDecimal("50000"), new BigDecimal("0.1"), 10, MarginMode.CROSS, null, null),
                new Transfer("t2", "alice:COPY", "alice:FUTURES", "USDT", new BigDecimal("50")),
                new Deposit(AWKWARD_COMMAND_ID, "al:FUTURES", "USDT", new BigDecimal("1.00000001")),
                new UpdateMarkPrice("m3", "BTCUSDT", new BigDecimal("51000.5")));
        clock.set(DAY_3);
        run(ledger,
                new StartMigration("s1", "carol"),
                new Withdraw("w1", "alice:FUTURES", "USDT", new BigDecimal("100")),
                new Deposit("d6", "a_b:FUTURES", "USDT", new BigDecimal("1")));
    }

    private static void run(Ledger ledger, LedgerCommand... commands) {
        List<Outcome> outcomes = ledger.executeAll(List.of(commands));
        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).isInstanceOf(Outcome.Accepted.class));
    }
}
