package dev.ledger.projections.risk;

import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import dev.ledger.domain.value.Decimals;
import dev.ledger.projections.valuation.AccountValuation;
import dev.ledger.projections.valuation.OpenPosition;
import dev.ledger.projections.valuation.ValuationReader;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.queryhandling.QueryHandler;

import java.util.Optional;

/**
 * Answers the risk view. It stores nothing of its own: positions, wallets, rates and marks are read
 * from the other read models and valued at query time, so the view is always current with the latest
 * mark and a mark tick costs no read-model work per position.
 */
public class RiskQueries {

    private final ValuationReader valuations;

    public RiskQueries(ConnectionProvider connections) {
        this.valuations = new ValuationReader(connections);
    }

    @QueryHandler
    public Optional<RiskView> handle(FindRisk query) {
        return valuations.value(query.account()).map(v -> view(query.account(), v));
    }

    /**
     * The risk view of {@code account}: a LEGACY account's positions name their book (and the leader of a
     * COPY-book one), a COPY account's positions the leader they copy (null for the copier's own).
     */
    public static RiskView view(String account, AccountValuation valuation) {
        AccountId id = AccountId.parseOrNull(account);
        boolean legacy = id != null && id.type() == AccountType.LEGACY;
        boolean copy = id != null && id.type() == AccountType.COPY;
        return new RiskView(account, valuation.crossMaintenanceMargin(), valuation.crossMarginBalance(),
                valuation.crossMarginRatio(), valuation.liquidatable(),
                valuation.positions().stream().map(v -> {
                    OpenPosition p = v.position();
                    return new RiskPosition(p.symbol(), legacy ? p.book() : null, legacy || copy ? p.leader() : null, p.side(),
                            p.quantity(), v.entryPrice(), p.entryNotional(), v.markPrice(), p.leverage(),
                            p.marginMode(), p.positionMargin().setScale(Decimals.SCALE), v.unrealizedPnl(),
                            v.maintenanceMargin(), v.liquidationPrice(), v.liquidatable());
                }).toList());
    }

}
