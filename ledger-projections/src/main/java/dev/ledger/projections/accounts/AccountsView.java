package dev.ledger.projections.accounts;

import java.util.List;

/** A user's accounts in the order FUTURES, COPY, ELITE, LEGACY; empty for a user with none. */
public record AccountsView(String user, List<AccountStatus> accounts) {
    public AccountsView {
        accounts = List.copyOf(accounts);
    }
}
