package dev.ledger.domain.command;

import java.math.BigDecimal;

/**
 * Moves money between two accounts of the same user, all or nothing. Allowed directions:
 * FUTURES→COPY, FUTURES→ELITE, COPY→FUTURES, ELITE→FUTURES.
 */
public record Transfer(String id, String from, String to, String asset, BigDecimal amount) implements LedgerCommand {
}
