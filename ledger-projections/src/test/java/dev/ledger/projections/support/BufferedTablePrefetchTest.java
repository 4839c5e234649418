package dev.ledger.projections.support;

import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live table told how to read ahead reads, in one query per batch, the rows of the streams the batch's events
 * belong to: those rows are then found, and rows of those streams that do not exist are known not to, without a
 * query per row; rows of other streams are still read one by one; and what the batch writes is exactly what it
 * would have written without reading ahead.
 */
class BufferedTablePrefetchTest {

    private JdbcDataSource dataSource;
    private final AtomicInteger singleRowReads = new AtomicInteger();
    private final AtomicInteger prefetchReads = new AtomicInteger();

    @BeforeEach
    void table() throws SQLException {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:prefetch" + System.nanoTime() + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL");
        dataSource.setUser("sa");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (account VARCHAR(80) NOT NULL, asset VARCHAR(20) NOT NULL,"
                    + " wallet NUMERIC(38, 8), PRIMARY KEY (account, asset))");
            statement.execute("INSERT INTO t VALUES ('ann:FUTURES', 'USDT', 1), ('ann:FUTURES', 'BTC', 2),"
                    + " ('ben:FUTURES', 'USDT', 3)");
        }
    }

    @Test
    void readsTheStreamsRowsInOneQueryAndWritesWhatTheBatchChanged() throws SQLException {
        ReadModelTables tables = ReadModelTables.live(counting());
        BufferedTable table = tables.table("t", List.of("account", "asset"), List.of("wallet"))
                .prefetchedByStream(stream -> stream.endsWith(":FUTURES") ? stream : null);

        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(new GenericMessage<>("batch"));
        // Read before the read-ahead and changed: the read-ahead keeps the batch's own version.
        table.row("ann:FUTURES", "BTC").set("wallet", new BigDecimal("20"));
        assertThat(singleRowReads.getAndSet(0)).isEqualTo(1);

        tables.prefetch(List.of("ann:FUTURES", "cat:FUTURES", "market"));
        assertThat(prefetchReads.get()).as("one query for both accounts; none for the market").isEqualTo(1);

        assertThat(table.find("ann:FUTURES", "USDT").decimal("wallet")).isEqualByComparingTo("1");
        assertThat(table.find("ann:FUTURES", "BTC").decimal("wallet")).isEqualByComparingTo("20");
        assertThat(table.find("ann:FUTURES", "ETH")).as("a row of a read-ahead stream that does not exist").isNull();
        assertThat(table.find("cat:FUTURES", "USDT")).isNull();
        assertThat(singleRowReads.get()).as("rows of read-ahead streams need no query").isZero();
        assertThat(table.find("ben:FUTURES", "USDT").decimal("wallet")).as("another stream's row").isEqualByComparingTo("3");
        assertThat(singleRowReads.get()).isEqualTo(1);

        table.row("ann:FUTURES", "USDT").add("wallet", BigDecimal.TEN);
        table.row("cat:FUTURES", "USDT").set("wallet", new BigDecimal("7"));
        table.find("ben:FUTURES", "USDT").delete();
        batch.commit();

        assertThat(rows()).isEqualTo(Map.of("ann:FUTURES/USDT", "11.00000000", "ann:FUTURES/BTC", "20.00000000",
                "cat:FUTURES/USDT", "7.00000000"));
    }

    @Test
    void aTableNotToldHowReadsNothingAhead() throws SQLException {
        ReadModelTables tables = ReadModelTables.live(counting());
        BufferedTable table = tables.table("t", List.of("account", "asset"), List.of("wallet"));
        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(new GenericMessage<>("batch"));
        tables.prefetch(List.of("ann:FUTURES"));
        assertThat(prefetchReads.get()).isZero();
        assertThat(table.find("ann:FUTURES", "ETH")).isNull();
        assertThat(singleRowReads.get()).isEqualTo(1);
        batch.commit();
        assertThat(rows()).hasSize(3);
    }

    /** Connections that count the single-row reads and the read-ahead queries of table t. */
    private ConnectionProvider counting() {
        ConnectionProvider provider = () -> {
            Connection connection = dataSource.getConnection();
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("prepareStatement") && args[0] instanceof String sql
                                && sql.startsWith("SELECT") && sql.contains(" FROM t ")) {
                            (sql.contains(" IN (") ? prefetchReads : singleRowReads).incrementAndGet();
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        };
        return provider;
    }

    private Map<String, String> rows() throws SQLException {
        Map<String, String> rows = new TreeMap<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT account, asset, wallet FROM t")) {
            while (result.next()) {
                rows.put(result.getString(1) + "/" + result.getString(2), result.getBigDecimal(3).toPlainString());
            }
        }
        return rows;
    }
}
