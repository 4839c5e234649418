package dev.ledger.api.cli;

import dev.ledger.domain.value.Decimals;
import dev.ledger.projections.accounts.AccountStatus;
import dev.ledger.projections.accounts.AccountsView;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.balance.BalanceView;
import dev.ledger.projections.migration.MigrationState;
import dev.ledger.projections.migration.MigrationSummary;
import dev.ledger.projections.migration.MigrationView;
import dev.ledger.projections.performance.PerformanceView;
import dev.ledger.projections.risk.RiskPosition;
import dev.ledger.projections.risk.RiskView;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-model views as tables for people; the counterpart of {@code ViewJson} for tools. Amounts show
 * with 8 decimals as in JSON; a missing value (a ratio with nothing to divide by, no liquidation price,
 * a time not reached yet) shows as {@value #NONE}.
 */
final class ViewText {

    static final String NONE = "-";

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

    static void risk(RiskView view, PrintWriter out) {
        out.println("risk of " + view.account() + (view.liquidatable() ? "  ** LIQUIDATABLE **" : ""));
        TextTable.figures()
                .row("crossMaintenanceMargin", Decimals.show(view.crossMaintenanceMargin()))
                .row("crossMarginBalance", Decimals.show(view.crossMarginBalance()))
                .row("crossMarginRatio", amount(view.crossMarginRatio()))
                .row("liquidatable", yesNo(view.liquidatable()))
                .print(out, "  ");
        if (view.positions().isEmpty()) {
            out.println("  no open positions");
            return;
        }
        // book and leader are LEGACY-only; other accounts' positions have neither.
        boolean books = view.positions().stream().anyMatch(p -> p.book() != null);
        List<String> headers = new ArrayList<>(List.of("symbol"));
        if (books) {
            headers.addAll(List.of("book", "leader"));
        }
        headers.addAll(List.of("side", "quantity", "entryPrice", "entryNotional", "markPrice", "leverage", "marginMode",
                "positionMargin", "unrealizedPnl", "maintenanceMargin", "liquidationPrice", "liquidatable"));
        TextTable table = TextTable.withLabelColumn(headers.toArray(String[]::new));
        for (RiskPosition p : view.positions()) {
            List<String> cells = new ArrayList<>(List.of(p.symbol()));
            if (books) {
                cells.add(p.book() == null ? NONE : p.book().name());
                cells.add(p.leader() == null ? NONE : p.leader());
            }
            cells.addAll(List.of(p.side().name(), plain(p.quantity()), Decimals.show(p.entryPrice()),
                    Decimals.show(p.entryNotional()), Decimals.show(p.markPrice()), p.leverage() + "x",
                    p.marginMode().name(), Decimals.show(p.positionMargin()), Decimals.show(p.unrealizedPnl()),
                    Decimals.show(p.maintenanceMargin()), amount(p.liquidationPrice()), yesNo(p.liquidatable())));
            table.row(cells.toArray(String[]::new));
        }
        out.println("  positions");
        table.print(out, "  ");
    }

    static void performance(PerformanceView view, PrintWriter out) {
        out.println("performance of " + view.account());
        TextTable.figures()
                .row("realizedPnl", Decimals.show(view.realizedPnl()))
                .row("fees", Decimals.show(view.fees()))
                .row("funding", Decimals.show(view.funding()))
                .row("netPnl", Decimals.show(view.netPnl()))
                .row("unrealizedPnl", Decimals.show(view.unrealizedPnl()))
                .row("totalPnl", Decimals.show(view.totalPnl()))
                .row("netInflow", Decimals.show(view.netInflow()))
                .row("peakNetInflow", Decimals.show(view.peakNetInflow()))
                .row("roi", amount(view.roi()))
                .row("wins", Integer.toString(view.wins()))
                .row("losses", Integer.toString(view.losses()))
                .row("winRate", amount(view.winRate()))
                .row("maxDrawdown", Decimals.show(view.maxDrawdown()))
                .print(out, "  ");
    }

    static void migration(MigrationView view, PrintWriter out) {
        out.println("migration of " + view.user() + ": " + view.state());
        TextTable.figures()
                .row("openCopyPositions", Integer.toString(view.openCopyPositions()))
                .row("openElitePositions", Integer.toString(view.openElitePositions()))
                .row("startedAt", time(view.startedAt()))
                .row("completedAt", time(view.completedAt()))
                .row("overdueAt", time(view.overdueAt()))
                .print(out, "  ");
    }

    static void migrationSummary(MigrationSummary summary, PrintWriter out) {
        out.println("migration phase: " + summary.phase());
        TextTable table = TextTable.withLabelColumn("state", "legacy users");
        for (MigrationState state : MigrationState.values()) {
            table.row(state.name(), Integer.toString(summary.totals().getOrDefault(state, 0)));
        }
        table.print(out, "  ");
    }

    /** An amount at scale 8, or {@value #NONE} when there is none. */
    static String amount(BigDecimal value) {
        return value == null ? NONE : Decimals.show(value);
    }

    /** A quantity as booked, without padding zeros (quantities are not money). */
    static String plain(BigDecimal value) {
        return Decimals.canonical(value);
    }

    static String time(Instant value) {
        return value == null ? NONE : value.toString();
    }

    static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }
}
