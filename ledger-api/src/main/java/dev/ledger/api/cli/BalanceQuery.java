package dev.ledger.api.cli;

import dev.ledger.api.Ledger;
import dev.ledger.projections.balance.BalanceView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

@Command(name = "balance", description = "Shows an account's balance per asset: wallet, in transit, margins, "
        + "unrealized PnL, equity and available.")
final class BalanceQuery extends ViewQuery<BalanceView> {

    @Parameters(paramLabel = "ACCOUNT", description = "the account, USER:TYPE (e.g. alice:FUTURES)")
    String account;

    @Override
    BalanceView find(Ledger ledger) {
        return ledger.balance(account).orElseThrow(() -> accountNotFound(account));
    }

    @Override
    void printTable(BalanceView view, PrintWriter out) {
        ViewText.balance(view, out);
    }
}
