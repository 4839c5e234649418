package dev.ledger.api;

import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import org.h2.jdbcx.JdbcDataSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * What an embedder without Micrometer does with a ledger: build it (with the submit options), send commands,
 * query, ask for its health, close it. {@link MicrometerAbsentTest} loads this class, and the ledger with it, in
 * a class loader that has no Micrometer and no axon-micrometer.
 */
public final class NoMicrometerProbe implements Callable<String> {

    @Override
    public String call() {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry");
            return "Micrometer is on this class path after all";
        } catch (ClassNotFoundException expected) {
            // as it should be
        }
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:no-micrometer-" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        try (Ledger ledger = Ledger.builder().dataSource(h2)
                .queueFullWait(Duration.ofSeconds(5)).outcomeTimeout(Duration.ofSeconds(60)).build()) {
            Outcome opened = ledger.execute(new OpenAccount("o1", "alice:FUTURES"));
            Outcome deposited = ledger.submit(new Deposit("d1", "alice:FUTURES", "USDT", BigDecimal.TEN)).join();
            String wallet = ledger.balance("alice:FUTURES").orElseThrow().balances().get(0).wallet().toPlainString();
            Health health = ledger.health();
            return opened.getClass().getSimpleName() + " " + deposited.getClass().getSimpleName() + " " + wallet + " "
                    + health.status();
        }
    }
}
