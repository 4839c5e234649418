package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.projections.accounts.AccountsView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

@Command(name = "accounts", description = "Lists a user's accounts (FUTURES, COPY, ELITE, LEGACY) and whether "
        + "each is open or retired; a user with no account has an empty list.")
final class AccountsQuery extends ViewQuery<AccountsView> {

    @Parameters(paramLabel = "USER", description = "the user, e.g. alice")
    String user;

    @Override
    void checkParameters() {
        checkUser(user, "USER");
    }

    @Override
    AccountsView find(Ledger ledger) {
        return ledger.accounts(user);
    }

    @Override
    void printTable(AccountsView view, PrintWriter out) {
        ViewText.accounts(view, out);
    }
}
