package dev.ledger.cli;

import dev.ledger.domain.value.Decimals;
import dev.ledger.projections.accounts.AccountStatus;
import dev.ledger.projections.accounts.AccountsView;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.balance.BalanceView;
import dev.ledger.projections.copy.CopiesView;
import dev.ledger.projections.copy.FollowersView;
import dev.ledger.projections.copy.FollowsView;
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
        // book is LEGACY-only; leader is shown for LEGACY and COPY accounts (a COPY account's own position: -).
        boolean books = view.positions().stream().anyMatch(p -> p.book() != null);
        boolean leaders = books || view.account().endsWith(":COPY");
        List<String> headers = new ArrayList<>(List.of("symbol"));
        if (books) {
            headers.add("book");
        }
        if (leaders) {
            headers.add("leader");
        }
        headers.addAll(List.of("side", "quantity", "entryPrice", "entryNotional", "markPrice", "leverage", "marginMode",
                "positionMargin", "unrealizedPnl", "maintenanceMargin", "liquidationPrice", "liquidatable"));
        TextTable table = TextTable.withLabelColumn(headers.toArray(String[]::new));
        for (RiskPosition p : view.positions()) {
            List<String> cells = new ArrayList<>(List.of(p.symbol()));
            if (books) {
                cells.add(p.book() == null ? NONE : p.book().name());
            }
            if (leaders) {
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
                .row("profitShare", Decimals.show(view.profitShare()))
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

    static void follows(FollowsView view, PrintWriter out) {
        if (view.follows().isEmpty()) {
            out.println(view.copier() + " has never followed anyone");
            return;
        }
        out.println("follows of " + view.copier());
        TextTable table = TextTable.withLabelColumn("leader", "state", "endReason", "close", "mode", "amount", "ratio",
                "maxTotalMargin", "maxLoss", "rate", "copied", "clipped", "skipped", "openPositions");
        for (FollowsView.Follow f : view.follows()) {
            table.row(f.leader(), f.state().name(), f.endReason() == null ? NONE : f.endReason().name(),
                    f.close() == null ? NONE : f.close().name(), f.mode().name(), amount(f.amount()),
                    f.ratio() == null ? NONE : plain(f.ratio()), amount(f.maxTotalMargin()), amount(f.maxLoss()),
                    plain(f.profitShareRate()), Integer.toString(f.copied()), Integer.toString(f.clipped()),
                    Integer.toString(f.skipped()), Integer.toString(f.openPositions()));
        }
        table.print(out, "  ");
        TextTable figures = pairFigureTable("leader");
        for (FollowsView.Follow f : view.follows()) {
            f.assets().forEach(a -> pairFigureRow(figures, f.leader(), a));
        }
        out.println("  per asset");
        figures.print(out, "  ");
    }

    static void followers(FollowersView view, PrintWriter out) {
        out.println("followers of " + view.leader() + ": profit share " + plain(view.profitShareRate()) + ", "
                + view.activeFollowers() + " active of at most " + view.maxFollowers());
        if (view.followers().isEmpty()) {
            out.println("  nobody has followed " + view.leader() + " yet");
            return;
        }
        TextTable table = pairFigureTable("copier", "state");
        for (FollowersView.Follower f : view.followers()) {
            if (f.assets().isEmpty()) {
                table.row(f.copier(), f.state().name(), NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE);
            }
            f.assets().forEach(a -> pairFigureRow(table, a, f.copier(), f.state().name()));
        }
        table.print(out, "  ");
    }

    static void copies(CopiesView view, PrintWriter out) {
        if (view.outcomes().isEmpty()) {
            out.println("no lead trade was copied for " + view.copier());
            return;
        }
        out.println("copies of " + view.copier());
        TextTable table = TextTable.withLabelColumn("leadTrade", "leader", "symbol", "leadQuantity", "quantity", "outcome",
                "reason");
        for (CopiesView.Outcome o : view.outcomes()) {
            table.row(o.leadTrade(), o.leader(), o.symbol(), plain(o.leadQuantity()), plain(o.quantity()), o.outcome().name(),
                    o.reason() == null ? NONE : o.reason().name());
        }
        table.print(out, "  ");
    }

    private static TextTable pairFigureTable(String... first) {
        List<String> headers = new ArrayList<>(List.of(first));
        headers.addAll(List.of("asset", "marginInUse", "realizedPnl", "fees", "funding", "netPnl", "unrealizedPnl",
                "highWaterMark", "profitSharePaid", "profitShareOwed"));
        return TextTable.withLabelColumn(headers.toArray(String[]::new));
    }

    private static void pairFigureRow(TextTable table, String who, FollowsView.PairFigures a) {
        pairFigureRow(table, a, who);
    }

    private static void pairFigureRow(TextTable table, FollowsView.PairFigures a, String... first) {
        List<String> cells = new ArrayList<>(List.of(first));
        cells.addAll(List.of(a.asset(), Decimals.show(a.marginInUse()), Decimals.show(a.realizedPnl()),
                Decimals.show(a.fees()), Decimals.show(a.funding()), Decimals.show(a.netPnl()),
                Decimals.show(a.unrealizedPnl()), Decimals.show(a.highWaterMark()), Decimals.show(a.profitSharePaid()),
                Decimals.show(a.profitShareOwed())));
        table.row(cells.toArray(String[]::new));
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
