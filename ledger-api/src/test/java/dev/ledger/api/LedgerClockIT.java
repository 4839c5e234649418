package dev.ledger.api;

import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static dev.ledger.api.support.Commands.open;
import static org.assertj.core.api.Assertions.assertThat;

/** The clock that stamps events: the builder's when one is given, the system's otherwise. */
class LedgerClockIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    @AfterEach
    void restoreAxonsEventClock() {
        // Axon keeps the event clock in a static field; leave it as the JVM started with it.
        GenericEventMessage.clock = Clock.systemUTC();
    }

    @OnEveryStore
    void stampsEventsWithTheSystemClockUnlessTheBuilderGivesOne(StoreKind store) throws SQLException {
        Instant fixed = Instant.parse("2020-01-01T00:00:00Z");
        Ledger withClock = ledgers.open(Ledger.builder().store(Stores.fresh(store)).clock(Clock.fixed(fixed, ZoneOffset.UTC)));
        assertThat(withClock.execute(open("alice:FUTURES"))).isInstanceOf(Outcome.Accepted.class);
        assertThat(timestamps(withClock)).containsExactly(fixed);
        ledgers.close(withClock);

        // A ledger built afterwards without a clock uses the system's, as Builder.clock documents.
        Instant before = Instant.now();
        Ledger plain = ledgers.open(store);
        assertThat(plain.execute(open("bob:FUTURES"))).isInstanceOf(Outcome.Accepted.class);
        Instant after = Instant.now();

        assertThat(timestamps(plain)).singleElement().satisfies(stamped -> assertThat(stamped).isBetween(before, after));
    }

    private static List<Instant> timestamps(Ledger ledger) throws SQLException {
        List<Instant> stamps = new ArrayList<>();
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT timestamp FROM domainevententry ORDER BY globalindex");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                stamps.add(Instant.parse(rows.getString(1)));
            }
        }
        return stamps;
    }
}
