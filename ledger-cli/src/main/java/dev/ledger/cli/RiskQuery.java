package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.projections.risk.RiskView;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;

@Command(name = "risk", description = {
        "Shows an account's risk at the latest marks: cross maintenance margin, cross margin balance and ratio, "
                + "whether it is liquidatable, and each position with its margin, unrealized PnL, maintenance margin "
                + "and liquidation price.",
        "Positions are sorted by symbol (LEGACY accounts: then by book PERSONAL, COPY, ELITE, with the leader "
                + "of a COPY position)."})
final class RiskQuery extends AccountViewQuery<RiskView> {

    @Override
    Optional<RiskView> now(Ledger ledger) {
        return ledger.risk(account);
    }

    @Override
    Optional<RiskView> asOf(Ledger ledger, Instant at) {
        return ledger.riskAt(account, at);
    }

    @Override
    void printTable(RiskView view, PrintWriter out) {
        ViewText.risk(view, out);
    }
}
