package dev.ledger.api.support;

import dev.ledger.api.Ledger;
import dev.ledger.projections.accounts.AccountsView;
import dev.ledger.projections.migration.MigrationSummary;
import dev.ledger.projections.migration.MigrationView;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the read models answer about a set of accounts and users, as one value: per account its
 * balance, risk and performance; per user its accounts and migration; and the migration summary.
 * Two snapshots are equal exactly when every one of those answers is.
 */
public record LedgerViews(Map<String, AccountViews> accounts, Map<String, AccountsView> users,
                          Map<String, MigrationView> migrations, MigrationSummary summary) {

    public static LedgerViews capture(Ledger ledger, Collection<String> accounts, Collection<String> users) {
        ledger.awaitReadModels();
        Map<String, AccountViews> byAccount = new TreeMap<>();
        for (String account : accounts) {
            byAccount.put(account, AccountViews.live(ledger, account));
        }
        Map<String, AccountsView> byUser = new TreeMap<>();
        Map<String, MigrationView> migrations = new TreeMap<>();
        for (String user : users) {
            byUser.put(user, ledger.accounts(user));
            migrations.put(user, ledger.migration(user));
        }
        return new LedgerViews(byAccount, byUser, migrations, ledger.migrationSummary());
    }
}
