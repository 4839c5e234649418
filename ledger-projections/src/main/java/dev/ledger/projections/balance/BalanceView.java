package dev.ledger.projections.balance;

import java.util.List;

/** One entry per asset the account has ever booked anything in, sorted by asset. */
public record BalanceView(String account, List<AssetBalance> balances) {
    public BalanceView {
        balances = List.copyOf(balances);
    }
}
