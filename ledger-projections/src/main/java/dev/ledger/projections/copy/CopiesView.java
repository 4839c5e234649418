package dev.ledger.projections.copy;

import dev.ledger.domain.value.CopyOutcome;
import dev.ledger.domain.value.CopyReason;

import java.math.BigDecimal;
import java.util.List;

/** A copier's outcomes, in the order of the lead trades. */
public record CopiesView(String copier, List<Outcome> outcomes) {

    /** One lead trade as one follow saw it; {@code quantity} is what the copier booked (0 when nothing). */
    public record Outcome(String leadTrade, String leader, String symbol, BigDecimal leadQuantity, BigDecimal quantity,
                          CopyOutcome outcome, CopyReason reason) {
    }
}
