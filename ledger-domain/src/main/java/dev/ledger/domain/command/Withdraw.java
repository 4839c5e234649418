package dev.ledger.domain.command;

import java.math.BigDecimal;

/** External money leaving a FUTURES or LEGACY account; needs {@code amount <= available}. */
public record Withdraw(String id, String account, String asset, BigDecimal amount) implements LedgerCommand {
}
