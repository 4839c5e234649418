package dev.ledger.domain.command;

/**
 * Settles the profit share of every pair of {@code leader}, in copier-name order: what each copier's net
 * PnL gained above its high-water mark times the pair's rate becomes owed, and what the copier's available
 * allows is paid from its COPY account to the leader's ELITE account.
 */
public record SettleProfitShare(String id, String leader) implements LedgerCommand {
}
