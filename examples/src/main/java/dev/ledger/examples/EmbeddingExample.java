package dev.ledger.examples;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.performance.PerformanceView;
import dev.ledger.projections.risk.RiskPosition;
import dev.ledger.projections.risk.RiskView;

import java.math.BigDecimal;
import java.util.List;

/**
 * Embeds the ledger as an exchange service would: one {@link Ledger} for the process, commands in,
 * typed outcomes out, read models queried by account. Run it with {@code java -cp ...} (see the
 * README); {@code EmbeddingExampleTest} runs it and checks the figures it prints.
 */
public final class EmbeddingExample {

    private EmbeddingExample() {
    }

    // README:begin
    public static void main(String[] args) {
        // An embedded H2 database that lives as long as the process; use Ledger.builder().jdbcUrl(...)
        // or .dataSource(...) for PostgreSQL.
        try (Ledger ledger = Ledger.builder().store(StoreSettings.inMemory("embedding-example")).build()) {
            List<LedgerCommand> commands = List.of(
                    new ConfigureSymbol("sym-btc", "BTCUSDT", "USDT", new BigDecimal("0.005"), 125),
                    new OpenAccount("open-f", "alice:FUTURES"),
                    new OpenAccount("open-c", "alice:COPY"),
                    new Deposit("dep-1", "alice:FUTURES", "USDT", new BigDecimal("10000")),
                    new Transfer("tr-1", "alice:FUTURES", "alice:COPY", "USDT", new BigDecimal("2500")),
                    new RecordFill("fill-1", "alice:FUTURES", "BTCUSDT", Side.BUY, new BigDecimal("2"),
                            new BigDecimal("30000"), new BigDecimal("1.2"), 10, MarginMode.ISOLATED),
                    new UpdateMarkPrice("mark-1", "BTCUSDT", new BigDecimal("31000")),
                    new RecordFill("fill-2", "alice:FUTURES", "BTCUSDT", Side.SELL, new BigDecimal("0.5"),
                            new BigDecimal("31000"), BigDecimal.ZERO, 10, MarginMode.ISOLATED),
                    new Withdraw("wd-1", "alice:FUTURES", "USDT", new BigDecimal("5000")),       // above available
                    new Deposit("dep-1", "alice:FUTURES", "USDT", new BigDecimal("10000.00")));  // sent again
            for (LedgerCommand command : commands) {
                Outcome outcome = ledger.execute(command);   // returns once the outcome is durable
                System.out.println(command.type() + " " + command.id() + ": " + describe(outcome));
            }

            for (String account : List.of("alice:FUTURES", "alice:COPY")) {
                for (AssetBalance b : ledger.balance(account).orElseThrow().balances()) {
                    System.out.println(account + " " + b.asset() + " wallet " + plain(b.wallet())
                            + " available " + plain(b.available()) + " equity " + plain(b.equity()));
                }
            }
            RiskView risk = ledger.risk("alice:FUTURES").orElseThrow();
            for (RiskPosition p : risk.positions()) {
                System.out.println("position " + p.symbol() + " " + p.side() + " " + plain(p.quantity())
                        + " margin " + plain(p.positionMargin()) + " unrealized " + plain(p.unrealizedPnl())
                        + " liquidation price " + plain(p.liquidationPrice()));
            }
            PerformanceView perf = ledger.performance("alice:FUTURES").orElseThrow();
            System.out.println("performance realized " + plain(perf.realizedPnl()) + " fees " + plain(perf.fees())
                    + " total " + plain(perf.totalPnl()) + " roi " + plain(perf.roi())
                    + " max drawdown " + plain(perf.maxDrawdown()));
        }
    }

    /** An outcome in words; Accepted, Rejected and Duplicate are the only kinds. */
    static String describe(Outcome outcome) {
        if (outcome instanceof Outcome.Accepted) {
            return "accepted";
        } else if (outcome instanceof Outcome.Rejected rejected) {
            return "rejected " + rejected.code() + " (" + rejected.message() + ")";
        } else if (outcome instanceof Outcome.Duplicate duplicate) {
            return "duplicate; first outcome: " + describe(duplicate.first());
        }
        throw new IllegalStateException("unknown outcome " + outcome);
    }

    static String plain(BigDecimal value) {
        return value == null ? "null" : value.toPlainString();
    }
    // README:end
}
