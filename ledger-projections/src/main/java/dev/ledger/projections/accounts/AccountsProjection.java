package dev.ledger.projections.accounts;

import dev.ledger.domain.event.AccountOpened;
import dev.ledger.domain.event.MigrationCompleted;
import dev.ledger.domain.value.AccountType;
import dev.ledger.projections.support.BufferedTable;
import dev.ledger.projections.support.ReadModelTables;
import dev.ledger.projections.support.StreamKeys;
import dev.ledger.projections.support.Sql;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.queryhandling.QueryHandler;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** The directory of accounts: which accounts a user has and whether each is open or retired. */
public class AccountsProjection {

    public static final String NAME = "accounts";
    public static final List<String> TABLES = List.of("rm_account");

    private final ReadModelTables tables;
    private final BufferedTable accounts;

    public AccountsProjection(ReadModelTables tables) {
        this.tables = tables;
        this.accounts = tables.table("rm_account", List.of("account"),
                List.of("user_name", "account_type", "status", "opened_at")).prefetchedByStream(StreamKeys::account);
    }

    @EventHandler
    void on(AccountOpened event, @Timestamp Instant at) {
        accounts.row(event.account())
                .set("user_name", event.user())
                .set("account_type", event.accountType())
                .set("status", "OPEN")
                .set("opened_at", at.toString());
    }

    @EventHandler
    void on(MigrationCompleted event) {
        accounts.row(event.account()).set("status", "RETIRED");
    }

    @QueryHandler
    public AccountsView handle(FindAccounts query) {
        List<AccountStatus> accounts = Sql.query(tables.connections(),
                        "SELECT account, account_type, status FROM " + tables.name("rm_account") + " WHERE user_name = ?",
                        s -> s.setString(1, query.user()),
                        r -> new Object[]{r.getString(1), AccountType.valueOf(r.getString(2)), r.getString(3)})
                .stream()
                .sorted(Comparator.comparing(row -> (AccountType) row[1]))
                .map(row -> new AccountStatus((String) row[0], (String) row[2]))
                .toList();
        return new AccountsView(query.user(), accounts);
    }
}
