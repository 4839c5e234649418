package dev.ledger.api.bench;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * What a mark-price tick costs on the command path, with many open positions on the ticked symbol and
 * with none: the same number of durable ticks, one at a time, on two symbols. A tick appends one event
 * to the market and touches no account, so the two figures should match whatever the position count.
 */
final class MarkTickBenchmark {

    /** Ticks per symbol. */
    static final int TICKS = 500;
    private static final int WARM_UP = 50;
    private static final int CHUNK = 5_000;

    private final Ledger ledger;
    private final String prefix;

    MarkTickBenchmark(Ledger ledger, String prefix) {
        this.ledger = ledger;
        this.prefix = prefix.toUpperCase().replaceAll("[^A-Z0-9]", "");
    }

    BenchReport.MarkTickRun run(int openPositions) {
        String busy = symbol("BUSY");
        String quiet = symbol("QUIET");
        require(ledger.executeAll(List.of(
                new ConfigureSymbol(prefix + "-sym-busy", busy, "USDT", new BigDecimal("0.005"), 100),
                new ConfigureSymbol(prefix + "-sym-quiet", quiet, "USDT", new BigDecimal("0.005"), 100))));
        List<LedgerCommand> setup = new ArrayList<>(CHUNK);
        for (int i = 0; i < openPositions; i++) {
            String account = prefix + "p" + i + ":FUTURES";
            setup.add(new OpenAccount(prefix + "-open-" + i, account));
            setup.add(new Deposit(prefix + "-dep-" + i, account, "USDT", new BigDecimal("1000")));
            setup.add(new RecordFill(prefix + "-fill-" + i, account, busy, Side.BUY, new BigDecimal("0.01"),
                    new BigDecimal("30000"), BigDecimal.ZERO, 10, MarginMode.CROSS));
            if (setup.size() >= CHUNK) {
                require(ledger.executeAll(setup));
                setup.clear();
            }
        }
        require(ledger.executeAll(setup));
        // Warm up on both, then alternate, so that neither symbol is measured in a better moment than the other.
        for (int i = 0; i < WARM_UP; i++) {
            tick(busy, "warm-" + i);
            tick(quiet, "warm-" + i);
        }
        long busyNanos = 0;
        long quietNanos = 0;
        for (int i = 0; i < TICKS; i++) {
            busyNanos += tick(busy, Integer.toString(i));
            quietNanos += tick(quiet, Integer.toString(i));
        }
        double busyMicros = busyNanos / 1e3 / TICKS;
        double quietMicros = quietNanos / 1e3 / TICKS;
        return new BenchReport.MarkTickRun(openPositions, TICKS, busyMicros, quietMicros, busyMicros / quietMicros);
    }

    /** One durable tick, awaited; returns its time in nanoseconds. */
    private long tick(String symbol, String n) {
        long started = System.nanoTime();
        Outcome outcome = ledger.execute(new UpdateMarkPrice(prefix + "-" + symbol + "-tick-" + n, symbol,
                new BigDecimal(29000 + Math.floorMod(n.hashCode(), 200))));
        long elapsed = System.nanoTime() - started;
        if (!(outcome instanceof Outcome.Accepted)) {
            throw new IllegalStateException("a mark tick was not accepted: " + outcome);
        }
        return elapsed;
    }

    private String symbol(String name) {
        String symbol = name + prefix;
        return symbol.length() <= 20 ? symbol : symbol.substring(0, 20);
    }

    private static void require(List<Outcome> outcomes) {
        for (Outcome outcome : outcomes) {
            if (!(outcome instanceof Outcome.Accepted)) {
                throw new IllegalStateException("benchmark set-up command not accepted: " + outcome);
            }
        }
    }
}
