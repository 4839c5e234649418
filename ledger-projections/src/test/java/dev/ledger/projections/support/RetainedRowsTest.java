package dev.ledger.projections.support;

import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A table that keeps the rows it wrote must end up exactly as a table that reads every row back, whatever
 * its budget, across batches that commit and batches that roll back after their rows were written.
 */
class RetainedRowsTest {

    private Connection connection;
    private final AtomicInteger selects = new AtomicInteger();
    private ConnectionProvider connections;

    @BeforeEach
    void openDatabase() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:retained" + System.nanoTime(), "sa", "");
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String table : List.of("t_kept", "t_read")) {
                statement.execute("CREATE TABLE " + table + " (k VARCHAR(20) PRIMARY KEY, v DECIMAL(30, 8), n INT)");
            }
        }
        connection.commit();
        // Every caller gets the one connection (as a transaction manager hands out the transaction's); closing is a no-op.
        Connection shared = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    if (method.getName().equals("prepareStatement") && args[0].toString().startsWith("SELECT")) {
                        selects.incrementAndGet();
                    }
                    return method.invoke(connection, args);
                });
        connections = () -> shared;
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        connection.close();
    }

    @Test
    void withinItsBudgetATableReadsNothingBack() {
        RetainedRows budget = new RetainedRows(1_000);
        BufferedTable kept = new BufferedTable(connections, "t_kept", List.of("k"), List.of("v", "n"), budget);
        for (int batch = 0; batch < 20; batch++) {
            inBatch(() -> {
                for (int key = 0; key < 30; key++) {
                    kept.row("k" + key).add("v", BigDecimal.ONE);
                }
            }, true);
        }
        assertThat(selects).hasValue(0);
        assertThat(budget.kept()).isEqualTo(30);
        assertThat(contents("t_kept")).hasSize(30).allSatisfy((key, value) -> assertThat(value).isEqualTo("20.00000000/null"));
    }

    @ParameterizedTest(name = "budget {0}")
    @ValueSource(ints = {0, 1, 3, 17, 10_000})
    void keptRowsEndExactlyAsRowsReadBack(int rows) {
        RetainedRows budget = new RetainedRows(rows);
        BufferedTable kept = new BufferedTable(connections, "t_kept", List.of("k"), List.of("v", "n"), budget);
        BufferedTable read = new BufferedTable(connections, "t_read", List.of("k"), List.of("v", "n"));
        Random random = new Random(rows * 31L + 7);
        for (int batch = 0; batch < 300; batch++) {
            long seed = random.nextLong();
            boolean commits = random.nextInt(6) != 0;
            for (BufferedTable table : List.of(kept, read)) {
                inBatch(() -> applyRandomChanges(table, new Random(seed)), commits);
            }
            assertThat(contents("t_kept")).as("after batch %d", batch).isEqualTo(contents("t_read"));
            assertThat(budget.kept()).isLessThanOrEqualTo(rows);
        }
    }

    @Test
    void anEmptiedTableStartsOverKnowingEveryRow() {
        RetainedRows budget = new RetainedRows(10);
        ReadModelTables tables = ReadModelTables.shadow(connections, budget);
        BufferedTable kept = new BufferedTable(connections, "t_kept", List.of("k"), List.of("v", "n"), budget);
        inBatch(() -> kept.row("a").set("n", 1), true);
        kept.forgetRetainedRows();
        assertThat(budget.kept()).isZero();
        inBatch(() -> assertThat(kept.find("a").integer("n")).isEqualTo(1), true);
        assertThat(selects).as("a forgotten row is read back").hasValue(1);
        execute("DELETE FROM t_kept");
        kept.emptied();
        inBatch(() -> assertThat(kept.find("a")).isNull(), true);
        assertThat(selects).as("an emptied table knows it is empty").hasValue(1);
        assertThat(tables.name("rm_x")).isEqualTo("rm_x_rebuild");
    }

    @Test
    void aNegativeBudgetIsRefused() {
        assertThatThrownBy(() -> new RetainedRows(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    private static void applyRandomChanges(BufferedTable table, Random random) {
        for (int change = 0; change < 12; change++) {
            String key = "k" + random.nextInt(25);
            switch (random.nextInt(4)) {
                case 0 -> table.row(key).add("v", BigDecimal.valueOf(random.nextInt(1000), 2));
                case 1 -> table.row(key).set("n", random.nextInt(100));
                case 2 -> {
                    BufferedTable.Row row = table.find(key);
                    if (row != null) {
                        row.delete();
                    }
                }
                default -> {
                    BufferedTable.Row row = table.find(key);
                    if (row != null) {
                        row.set("n", row.integer("n") + 1);
                    }
                }
            }
        }
    }

    /** One batch: changes, then the unit of work commits (writing the rows) and the transaction commits or rolls back. */
    private void inBatch(Runnable changes, boolean commits) {
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(new GenericMessage<>("batch"));
        changes.run();
        if (!commits) {
            // Fails after the rows were written, as a transaction that cannot commit would.
            unitOfWork.onPrepareCommit(u -> {
                throw new IllegalStateException("the batch fails after writing");
            });
        }
        try {
            unitOfWork.commit();
            connection.commit();
        } catch (IllegalStateException expected) {
            rollback();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void execute(String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private TreeMap<String, String> contents(String table) {
        TreeMap<String, String> rows = new TreeMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT k, v, n FROM " + table)) {
            while (result.next()) {
                rows.put(result.getString(1), result.getBigDecimal(2) + "/" + result.getObject(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }
}
