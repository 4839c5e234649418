package dev.ledger.domain.command;

import java.math.BigDecimal;

/**
 * Makes {@code leader} an elite trader others may follow, or changes its terms: the share of a copier's
 * profit it receives ({@code profitShareRate}, in [0, 0.5]) and how many follows may be active at once
 * ({@code maxFollowers}, 1 to 1,000,000). New terms hold for follows made afterwards; a follow keeps the rate
 * it started with, and lowering the limit ends nobody.
 */
public record SetLeaderTerms(String id, String leader, BigDecimal profitShareRate, Integer maxFollowers)
        implements LedgerCommand {
}
