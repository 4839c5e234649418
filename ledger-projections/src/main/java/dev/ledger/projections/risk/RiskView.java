package dev.ledger.projections.risk;

import java.math.BigDecimal;
import java.util.List;

/** The risk of one account: its cross-margin figures and its positions sorted by symbol (then book). */
public record RiskView(String account, BigDecimal crossMaintenanceMargin, BigDecimal crossMarginBalance,
                       BigDecimal crossMarginRatio, boolean liquidatable, List<RiskPosition> positions) {
    public RiskView {
        positions = List.copyOf(positions);
    }
}
