package dev.ledger.api.copy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetLeaderTerms;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import dev.ledger.projections.copy.CopiesView;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fan-out to copiers that are not in memory (the process just started) reads their accounts in bulk: the
 * number of statements it sends does not grow with the copiers (chunks of 500 ids, two queries each), and the
 * copiers' bookings are those of a warm process.
 */
class ColdFanOutIT {

    private static final int COPIERS = 1_200;

    @OnEveryStore
    void aColdFanOutReadsItsCopiersInBulk(StoreKind kind, @TempDir Path directory) {
        StoreSettings settings = Stores.durable(kind, directory.resolve("store"));
        try (Ledger ledger = Ledger.builder().store(settings).startReadModels(false).build()) {
            execute(ledger, List.of(new ConfigureSymbol("sym", "BTCUSDT", "USDT", new BigDecimal("0.005"), 100),
                    new UpdateMarkPrice("mark", "BTCUSDT", new BigDecimal("50000")),
                    new OpenAccount("lf", "lea:FUTURES"), new OpenAccount("le", "lea:ELITE"),
                    new Deposit("ld", "lea:FUTURES", "USDT", new BigDecimal("100000")),
                    new Transfer("lt", "lea:FUTURES", "lea:ELITE", "USDT", new BigDecimal("100000")),
                    new SetLeaderTerms("terms", "lea", new BigDecimal("0.1"), COPIERS)));
            List<LedgerCommand> copiers = new ArrayList<>();
            for (int c = 0; c < COPIERS; c++) {
                String user = "c" + c;
                copiers.add(new OpenAccount(user + "-f", user + ":FUTURES"));
                copiers.add(new OpenAccount(user + "-c", user + ":COPY"));
                copiers.add(new Deposit(user + "-d", user + ":FUTURES", "USDT", new BigDecimal("1000")));
                copiers.add(new Transfer(user + "-t", user + ":FUTURES", user + ":COPY", "USDT", new BigDecimal("1000")));
                copiers.add(Follow.byRatio(user + "-follow", user, "lea", new BigDecimal("0.5")));
            }
            execute(ledger, copiers);
            execute(ledger, List.of(lead("warm", Side.BUY)));
        }

        AtomicLong statements = new AtomicLong();
        HikariDataSource pool = pool(settings);
        try (pool; Ledger ledger = Ledger.builder().dataSource(counting(pool, statements)).startReadModels(false).build()) {
            long before = statements.get();
            execute(ledger, List.of(lead("cold", Side.BUY)));
            long sent = statements.get() - before;
            System.out.printf("ColdFanOutIT on %s: a cold fan-out to %d copiers sent %d statements%n", kind, COPIERS, sent);
            // Three chunks of ids, two queries each, plus the leader's own command: far below one query per copier.
            assertThat(sent).as("statements of one cold fan-out to %d copiers", COPIERS).isLessThan(60);
        }

        // Likewise a group of commands for accounts that are not in memory: read in bulk before the group runs.
        statements.set(0);
        HikariDataSource again = pool(settings);
        try (again; Ledger ledger = Ledger.builder().dataSource(counting(again, statements)).startReadModels(false).build()) {
            List<LedgerCommand> deposits = new ArrayList<>();
            for (int c = 0; c < COPIERS; c++) {
                deposits.add(new Deposit("c" + c + "-d2", "c" + c + ":FUTURES", "USDT", new BigDecimal("1")));
            }
            long before = statements.get();
            execute(ledger, deposits);
            long sent = statements.get() - before;
            System.out.printf("ColdFanOutIT on %s: %d deposits to accounts not in memory sent %d statements%n", kind,
                    COPIERS, sent);
            assertThat(sent).as("statements of %d commands for accounts not in memory", COPIERS).isLessThan(100);
        }

        try (Ledger ledger = Ledger.builder().store(settings).build()) {
            for (String copier : List.of("c0", "c599", "c1199")) {
                CopiesView copies = ledger.copies(copier, "lea");
                assertThat(copies.outcomes()).extracting(CopiesView.Outcome::leadTrade).containsExactly("warm", "cold");
                assertThat(copies.outcomes()).allSatisfy(o -> assertThat(o.quantity()).isEqualByComparingTo("0.005"));
                assertThat(ledger.risk(copier + ":COPY").orElseThrow().positions().get(0).quantity())
                        .isEqualByComparingTo("0.01");
                assertThat(ledger.balance(copier + ":FUTURES").orElseThrow().balances().get(0).wallet())
                        .as("1,000 deposited, 1,000 moved to COPY, then 1 more").isEqualByComparingTo("1");
            }
        }
    }

    private static RecordFill lead(String id, Side side) {
        return new RecordFill(id, "lea:ELITE", "BTCUSDT", side, new BigDecimal("0.01"), new BigDecimal("50000"),
                BigDecimal.ZERO, 10, MarginMode.ISOLATED);
    }

    private static void execute(Ledger ledger, List<LedgerCommand> commands) {
        assertThat(ledger.executeAll(commands)).allMatch(o -> o instanceof Outcome.Accepted);
    }

    private static HikariDataSource pool(StoreSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }

    /** A data source whose connections count every statement they prepare or create. */
    private static DataSource counting(HikariDataSource pool, AtomicLong statements) {
        return (DataSource) Proxy.newProxyInstance(ColdFanOutIT.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    Object result = method.invoke(pool, args);
                    if (result instanceof Connection connection) {
                        return Proxy.newProxyInstance(ColdFanOutIT.class.getClassLoader(), new Class<?>[]{Connection.class},
                                (p, m, a) -> {
                                    if (m.getName().startsWith("prepare") || m.getName().equals("createStatement")) {
                                        statements.incrementAndGet();
                                    }
                                    try {
                                        return m.invoke(connection, a);
                                    } catch (java.lang.reflect.InvocationTargetException e) {
                                        throw e.getCause();
                                    }
                                });
                    }
                    return result;
                });
    }
}
