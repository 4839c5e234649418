package dev.ledger.projections.balance;

import dev.ledger.domain.event.FeeCharged;
import dev.ledger.domain.event.FundingSettled;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.FundsMigratedIn;
import dev.ledger.domain.event.FundsMigratedOut;
import dev.ledger.domain.event.PositionMigratedIn;
import dev.ledger.domain.event.FundsWithdrawn;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.event.ProfitShareReceived;
import dev.ledger.domain.event.ProfitShareSettled;
import dev.ledger.domain.event.TradeCopied;
import dev.ledger.domain.event.TransferReceived;
import dev.ledger.domain.event.TransferSent;
import dev.ledger.domain.event.TransferSettled;
import dev.ledger.projections.support.BufferedTable;
import dev.ledger.projections.support.ReadModelTables;
import dev.ledger.projections.support.StreamKeys;
import dev.ledger.projections.support.Sql;
import dev.ledger.projections.valuation.AccountValuation;
import dev.ledger.projections.valuation.ValuationReader;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryHandler;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The balance read model: per account and asset, the booked money (wallet, in transit). Events carry
 * the resulting figures, so handlers set values rather than add deltas. Margins, unrealized PnL,
 * equity and available are computed when asked, from the open positions at the latest marks.
 */
public class BalanceProjection {

    public static final String NAME = "balance";
    public static final List<String> TABLES = List.of("rm_balance");

    private final ConnectionProvider connections;
    private final BufferedTable balances;
    private final ValuationReader valuations;

    public BalanceProjection(ReadModelTables tables) {
        this.connections = Objects.requireNonNull(tables, "tables").connections();
        this.balances = tables.table("rm_balance", List.of("account", "asset"), List.of("wallet", "in_transit"))
                .prefetchedByStream(StreamKeys::account);
        this.valuations = new ValuationReader(connections);
    }

    @EventHandler
    void on(FundsDeposited event) {
        wallet(event.account(), event.asset(), event.walletAfter());
    }

    @EventHandler
    void on(FundsWithdrawn event) {
        wallet(event.account(), event.asset(), event.walletAfter());
    }

    @EventHandler
    void on(TransferSent event) {
        wallet(event.from(), event.asset(), event.walletAfter()).set("in_transit", event.inTransitAfter());
    }

    @EventHandler
    void on(TransferReceived event) {
        wallet(event.to(), event.asset(), event.walletAfter());
    }

    @EventHandler
    void on(TransferSettled event) {
        entry(event.from(), event.asset()).set("in_transit", event.inTransitAfter());
    }

    @EventHandler
    void on(PositionOpened event) {
        // The position's margin is booked in its settle asset: the asset gets an entry even before a fee.
        entry(event.account(), event.settleAsset());
    }

    @EventHandler
    void on(PositionReduced event) {
        wallet(event.account(), event.settleAsset(), event.walletAfter());
    }

    @EventHandler
    void on(FeeCharged event) {
        wallet(event.account(), event.asset(), event.walletAfter());
    }

    @EventHandler
    void on(FundingSettled event) {
        wallet(event.account(), event.settleAsset(), event.walletAfter());
    }

    @EventHandler
    void on(PositionLiquidated event) {
        wallet(event.account(), event.settleAsset(), event.walletAfter());
    }

    @EventHandler
    void on(FundsMigratedOut event) {
        wallet(event.account(), event.asset(), event.walletAfter());
    }

    @EventHandler
    void on(FundsMigratedIn event) {
        wallet(event.account(), event.asset(), event.walletAfter());
    }

    @EventHandler
    void on(PositionMigratedIn event) {
        entry(event.account(), event.settleAsset());
    }

    /** A mirrored lead trade moves the copier's wallet as a trade of its own would. */
    @EventHandler
    void on(TradeCopied event) {
        if (event.reduced() != null) {
            on(event.reduced());
        }
        if (event.opened() != null) {
            on(event.opened());
        }
        if (event.fee() != null) {
            on(event.fee());
        }
        if (event.liquidated() != null) {
            on(event.liquidated());
        }
    }

    @EventHandler
    void on(ProfitShareSettled event) {
        wallet(event.account(), event.asset(), event.walletAfter());
    }

    @EventHandler
    void on(ProfitShareReceived event) {
        wallet(event.account(), event.asset(), event.walletAfter());
    }

    @QueryHandler
    public Optional<BalanceView> handle(FindBalance query) {
        Optional<AccountValuation> valuation = valuations.value(query.account());
        if (valuation.isEmpty()) {
            return Optional.empty();
        }
        Map<String, BigDecimal> inTransit = new HashMap<>();
        Sql.query(connections, "SELECT asset, in_transit FROM rm_balance WHERE account = ?",
                s -> s.setString(1, query.account()),
                r -> inTransit.put(r.getString(1), Sql.decimal(r, "in_transit")));
        List<AssetBalance> balances = valuation.get().balances().stream()
                .map(f -> new AssetBalance(f.asset(), f.wallet(),
                        inTransit.getOrDefault(f.asset(), BigDecimal.ZERO.setScale(8)), f.isolatedMargin(),
                        f.crossInitialMargin(), f.unrealizedPnl(), f.equity(), f.available()))
                .toList();
        return Optional.of(new BalanceView(query.account(), balances));
    }

    private BufferedTable.Row wallet(String account, String asset, BigDecimal walletAfter) {
        return entry(account, asset).set("wallet", walletAfter);
    }

    private BufferedTable.Row entry(String account, String asset) {
        BufferedTable.Row row = balances.row(account, asset);
        if (row.isNull("wallet")) {
            row.set("wallet", BigDecimal.ZERO).set("in_transit", BigDecimal.ZERO);
        }
        return row;
    }
}
