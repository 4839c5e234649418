package dev.ledger.projections.balance;

import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.FundsWithdrawn;
import dev.ledger.domain.event.TransferReceived;
import dev.ledger.domain.event.TransferSent;
import dev.ledger.domain.event.TransferSettled;
import dev.ledger.projections.support.BatchBuffer;
import dev.ledger.projections.support.ReadModelException;
import dev.ledger.projections.support.Sql;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryHandler;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The balance read model: per account and asset, the booked figures (wallet, in transit, margins).
 * Events carry the resulting figures, so each handler sets values instead of adding deltas; a batch
 * of events is applied to rows held in memory and written once per batch.
 */
public class BalanceProjection {

    public static final String NAME = "balance";

    private final ConnectionProvider connections;
    private final BatchBuffer<Map<String, Row>> batch;

    public BalanceProjection(ConnectionProvider connections) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.batch = new BatchBuffer<>(NAME, LinkedHashMap::new, this::write);
    }

    @EventHandler
    void on(FundsDeposited event) {
        row(event.account(), event.asset()).wallet = event.walletAfter();
    }

    @EventHandler
    void on(FundsWithdrawn event) {
        row(event.account(), event.asset()).wallet = event.walletAfter();
    }

    @EventHandler
    void on(TransferSent event) {
        Row row = row(event.from(), event.asset());
        row.wallet = event.walletAfter();
        row.inTransit = event.inTransitAfter();
    }

    @EventHandler
    void on(TransferReceived event) {
        row(event.to(), event.asset()).wallet = event.walletAfter();
    }

    @EventHandler
    void on(TransferSettled event) {
        row(event.from(), event.asset()).inTransit = event.inTransitAfter();
    }

    @QueryHandler
    public Optional<BalanceView> handle(FindBalance query) {
        List<String> found = Sql.query(connections, "SELECT account FROM rm_account WHERE account = ?",
                s -> s.setString(1, query.account()), r -> r.getString(1));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        List<AssetBalance> balances = Sql.query(connections,
                "SELECT asset, wallet, in_transit, isolated_margin, cross_initial_margin FROM rm_balance"
                        + " WHERE account = ? ORDER BY asset",
                s -> s.setString(1, query.account()),
                r -> {
                    BigDecimal wallet = Sql.decimal(r, "wallet");
                    BigDecimal isolated = Sql.decimal(r, "isolated_margin");
                    BigDecimal crossInitial = Sql.decimal(r, "cross_initial_margin");
                    BigDecimal unrealized = BigDecimal.ZERO.setScale(8);
                    return new AssetBalance(r.getString("asset"), wallet, Sql.decimal(r, "in_transit"), isolated,
                            crossInitial, unrealized, wallet.add(unrealized),
                            wallet.subtract(isolated).subtract(crossInitial));
                });
        return Optional.of(new BalanceView(query.account(), balances));
    }

    private Row row(String account, String asset) {
        Map<String, Row> rows = batch.current();
        String key = account + '\u0000' + asset;
        Row row = rows.get(key);
        if (row == null) {
            row = load(account, asset);
            rows.put(key, row);
        }
        return row;
    }

    private Row load(String account, String asset) {
        List<Row> existing = Sql.query(connections,
                "SELECT wallet, in_transit, isolated_margin, cross_initial_margin FROM rm_balance WHERE account = ? AND asset = ?",
                s -> {
                    s.setString(1, account);
                    s.setString(2, asset);
                },
                r -> {
                    Row row = new Row(account, asset, true);
                    row.wallet = r.getBigDecimal(1);
                    row.inTransit = r.getBigDecimal(2);
                    row.isolatedMargin = r.getBigDecimal(3);
                    row.crossInitialMargin = r.getBigDecimal(4);
                    return row;
                });
        return existing.isEmpty() ? new Row(account, asset, false) : existing.get(0);
    }

    private void write(Map<String, Row> rows) {
        try (Connection connection = connections.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO rm_balance (wallet, in_transit, isolated_margin, cross_initial_margin, account, asset)"
                             + " VALUES (?, ?, ?, ?, ?, ?)");
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE rm_balance SET wallet = ?, in_transit = ?, isolated_margin = ?, cross_initial_margin = ?"
                             + " WHERE account = ? AND asset = ?")) {
            boolean inserts = false;
            boolean updates = false;
            for (Row row : rows.values()) {
                PreparedStatement statement = row.stored ? update : insert;
                statement.setBigDecimal(1, row.wallet);
                statement.setBigDecimal(2, row.inTransit);
                statement.setBigDecimal(3, row.isolatedMargin);
                statement.setBigDecimal(4, row.crossInitialMargin);
                statement.setString(5, row.account);
                statement.setString(6, row.asset);
                statement.addBatch();
                inserts |= !row.stored;
                updates |= row.stored;
            }
            if (inserts) {
                insert.executeBatch();
            }
            if (updates) {
                update.executeBatch();
            }
        } catch (SQLException e) {
            throw new ReadModelException("cannot write the balance read model", e);
        }
    }

    /** One row of {@code rm_balance} while a batch is being applied. */
    private static final class Row {
        private final String account;
        private final String asset;
        private final boolean stored;
        private BigDecimal wallet = BigDecimal.ZERO;
        private BigDecimal inTransit = BigDecimal.ZERO;
        private BigDecimal isolatedMargin = BigDecimal.ZERO;
        private BigDecimal crossInitialMargin = BigDecimal.ZERO;

        private Row(String account, String asset, boolean stored) {
            this.account = account;
            this.asset = asset;
            this.stored = stored;
        }
    }

}
