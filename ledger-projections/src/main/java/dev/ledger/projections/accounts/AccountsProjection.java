package dev.ledger.projections.accounts;

import dev.ledger.domain.event.AccountOpened;
import dev.ledger.domain.event.MigrationCompleted;
import dev.ledger.domain.value.AccountType;
import dev.ledger.projections.support.ReadModelException;
import dev.ledger.projections.support.Sql;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.queryhandling.QueryHandler;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** The directory of accounts: which accounts a user has and whether each is open or retired. */
public class AccountsProjection {

    public static final String NAME = "accounts";

    private final ConnectionProvider connections;

    public AccountsProjection(ConnectionProvider connections) {
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    @EventHandler
    void on(AccountOpened event, @Timestamp Instant at) {
        try (Connection connection = connections.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO rm_account (account, user_name, account_type, status, opened_at) VALUES (?, ?, ?, 'OPEN', ?)")) {
            insert.setString(1, event.account());
            insert.setString(2, event.user());
            insert.setString(3, event.accountType().name());
            insert.setString(4, at.toString());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new ReadModelException("cannot record account " + event.account(), e);
        }
    }

    @EventHandler
    void on(MigrationCompleted event) {
        try (Connection connection = connections.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE rm_account SET status = 'RETIRED' WHERE account = ?")) {
            update.setString(1, event.account());
            update.executeUpdate();
        } catch (SQLException e) {
            throw new ReadModelException("cannot retire account " + event.account(), e);
        }
    }

    @QueryHandler
    public AccountsView handle(FindAccounts query) {
        List<AccountStatus> accounts = Sql.query(connections,
                "SELECT account, account_type, status FROM rm_account WHERE user_name = ?",
                s -> s.setString(1, query.user()),
                r -> new Object[]{r.getString(1), AccountType.valueOf(r.getString(2)), r.getString(3)})
                .stream()
                .sorted(Comparator.comparing(row -> (AccountType) row[1]))
                .map(row -> new AccountStatus((String) row[0], (String) row[2]))
                .toList();
        return new AccountsView(query.user(), accounts);
    }
}
