package dev.ledger.projections.valuation;

import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.PositionSide;
import dev.ledger.projections.support.Sql;
import org.axonframework.common.jdbc.ConnectionProvider;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Reads what valuing an account needs from the read-model tables: wallets, positions, rates and marks. */
public final class ValuationReader {

    private final ConnectionProvider connections;

    public ValuationReader(ConnectionProvider connections) {
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    /** The account's valuation at the latest marks, or empty when the account was never opened. */
    public Optional<AccountValuation> value(String account) {
        if (!exists(account)) {
            return Optional.empty();
        }
        Map<String, BigDecimal> wallets = new LinkedHashMap<>();
        Sql.query(connections, "SELECT asset, wallet FROM rm_balance WHERE account = ?",
                s -> s.setString(1, account),
                r -> wallets.put(r.getString(1), Sql.decimal(r, "wallet")));
        List<OpenPosition> positions = Sql.query(connections, POSITIONS + " WHERE p.account = ?",
                s -> s.setString(1, account), ValuationReader::position);
        return Optional.of(new AccountValuation(wallets, positions));
    }

    /** An open position that copies a leader, with the COPY account that holds it. */
    public record CopiedPosition(String account, String leader, OpenPosition position) {
    }

    /** The positions of {@code account} (a COPY account) that copy a leader, at the latest marks. */
    public List<CopiedPosition> copiedPositionsOf(String account) {
        return copied(" WHERE p.account = ? AND p.copy_of <> ''", account);
    }

    /** Every position, of any copier, that copies {@code leader}, at the latest marks. */
    public List<CopiedPosition> copiedPositionsOfLeader(String leader) {
        return copied(" WHERE p.copy_of = ?", leader);
    }

    private List<CopiedPosition> copied(String where, String value) {
        return Sql.query(connections, POSITIONS + where, s -> s.setString(1, value),
                r -> new CopiedPosition(r.getString("account"), r.getString("copy_of"), position(r)));
    }

    private static final String POSITIONS =
            "SELECT p.account, p.copy_of, p.symbol, p.book, p.leader, p.side, p.quantity, p.entry_notional, p.leverage,"
                    + " p.margin_mode, p.position_margin, p.settle_asset, s.maintenance_margin_rate, m.price"
                    + " FROM rm_position p"
                    + " LEFT JOIN rm_symbol s ON s.symbol = p.symbol"
                    + " LEFT JOIN rm_mark_price m ON m.symbol = p.symbol";

    private static OpenPosition position(java.sql.ResultSet r) throws java.sql.SQLException {
        return new OpenPosition(r.getString("symbol"), Book.valueOf(r.getString("book")), r.getString("leader"),
                PositionSide.valueOf(r.getString("side")), Sql.decimal(r, "quantity"),
                Sql.decimal(r, "entry_notional"), r.getInt("leverage"),
                MarginMode.valueOf(r.getString("margin_mode")), Sql.decimal(r, "position_margin"),
                r.getString("settle_asset"), Sql.decimal(r, "maintenance_margin_rate"), Sql.decimal(r, "price"));
    }

    public boolean exists(String account) {
        return !Sql.query(connections, "SELECT 1 FROM rm_account WHERE account = ?",
                s -> s.setString(1, account), r -> Boolean.TRUE).isEmpty();
    }
}
