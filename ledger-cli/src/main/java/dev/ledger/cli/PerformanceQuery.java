package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.projections.performance.PerformanceView;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;

@Command(name = "performance", description = "Shows an account's performance: realized PnL, fees, funding, net and "
        + "total PnL, net inflow and its peak, ROI, wins, losses, win rate and maximum drawdown.")
final class PerformanceQuery extends AccountViewQuery<PerformanceView> {

    @Override
    Optional<PerformanceView> now(Ledger ledger) {
        return ledger.performance(account);
    }

    @Override
    Optional<PerformanceView> asOf(Ledger ledger, Instant at) {
        return ledger.performanceAt(account, at);
    }

    @Override
    void printTable(PerformanceView view, PrintWriter out) {
        ViewText.performance(view, out);
    }
}
