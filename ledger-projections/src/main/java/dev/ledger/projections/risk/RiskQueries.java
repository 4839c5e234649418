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
        boolean legacy = AccountId.parseOrNull(query.account()) != null
                && AccountId.parse(query.account()).type() == AccountType.LEGACY;
        return valuations.value(query.account()).map(v -> view(query.account(), v, legacy));
    }

    public static RiskView view(String account, AccountValuation valuation, boolean legacy) {
        return new RiskView(account, valuation.crossMaintenanceMargin(), valuation.crossMarginBalance(),
                valuation.crossMarginRatio(), valuation.liquidatable(),
                valuation.positions().stream().map(v -> {
                    OpenPosition p = v.position();
                    return new RiskPosition(p.symbol(), legacy ? p.book() : null, legacy ? p.leader() : null, p.side(),
                            p.quantity(), v.entryPrice(), p.entryNotional(), v.markPrice(), p.leverage(),
                            p.marginMode(), p.positionMargin().setScale(Decimals.SCALE), v.unrealizedPnl(),
                            v.maintenanceMargin(), v.liquidationPrice(), v.liquidatable());
                }).toList());
    }

}
