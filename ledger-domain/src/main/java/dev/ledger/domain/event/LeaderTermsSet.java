package dev.ledger.domain.event;

import org.axonframework.serialization.Revision;

import java.math.BigDecimal;

/** {@code leader} offers these terms to follows made from now on. */
@Revision("1")
public record LeaderTermsSet(String leader, BigDecimal profitShareRate, int maxFollowers) implements LeaderBookEvent {
}
