package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.projections.balance.BalanceView;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;

@Command(name = "balance", description = "Shows an account's balance per asset: wallet, in transit, margins, "
        + "unrealized PnL, equity and available.")
final class BalanceQuery extends AccountViewQuery<BalanceView> {

    @Override
    Optional<BalanceView> now(Ledger ledger) {
        return ledger.balance(account);
    }

    @Override
    Optional<BalanceView> asOf(Ledger ledger, Instant at) {
        return ledger.balanceAt(account, at);
    }

    @Override
    void printTable(BalanceView view, PrintWriter out) {
        ViewText.balance(view, out);
    }
}
