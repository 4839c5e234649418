package dev.ledger.api.cli;

import dev.ledger.domain.value.Decimals;
import dev.ledger.projections.accounts.AccountStatus;
import dev.ledger.projections.accounts.AccountsView;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.balance.BalanceView;

import java.io.PrintWriter;

/** Read-model views as tables for people; the counterpart of {@code ViewJson} for tools. */
final class ViewText {

    private ViewText() {
    }

    static void balance(BalanceView view, PrintWriter out) {
        out.println("balance of " + view.account());
        if (view.balances().isEmpty()) {
            out.println("  nothing booked yet");
            return;
        }
        TextTable table = TextTable.withLabelColumn("asset", "wallet", "inTransit", "isolatedMargin",
                "crossInitialMargin", "unrealizedPnl", "equity", "available");
        for (AssetBalance b : view.balances()) {
            table.row(b.asset(), Decimals.show(b.wallet()), Decimals.show(b.inTransit()), Decimals.show(b.isolatedMargin()),
                    Decimals.show(b.crossInitialMargin()), Decimals.show(b.unrealizedPnl()), Decimals.show(b.equity()),
                    Decimals.show(b.available()));
        }
        table.print(out, "  ");
    }

    static void accounts(AccountsView view, PrintWriter out) {
        if (view.accounts().isEmpty()) {
            out.println("user " + view.user() + " has no accounts");
            return;
        }
        out.println("accounts of " + view.user());
        TextTable table = TextTable.ofText("account", "status");
        for (AccountStatus account : view.accounts()) {
            table.row(account.account(), account.status());
        }
        table.print(out, "  ");
    }
}
