package dev.ledger.api;

import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.MutableClock;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.ConfigureSymbol;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SetLeaderTerms;
import dev.ledger.domain.command.UpdateMarkPrice;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.Side;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static dev.ledger.api.support.Commands.deposit;
import static dev.ledger.api.support.Commands.open;
import static dev.ledger.api.support.Commands.transfer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clock that stamps events: the builder's when one is given, the system's otherwise; each ledger's own,
 * whatever other ledgers in the JVM use, and without touching JVM-wide state (Axon's static event clock, system
 * properties).
 */
class LedgerClockIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

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

    @OnEveryStore
    void twoLedgersInOneJvmStampTheirEventsEachWithItsOwnClock(StoreKind store) throws SQLException {
        Instant early = Instant.parse("2020-01-01T00:00:00Z");
        Instant late = Instant.parse("2030-06-01T12:00:00Z");
        MutableClock earlyClock = new MutableClock(early);
        MutableClock lateClock = new MutableClock(late);
        Ledger first = ledgers.open(Ledger.builder().store(Stores.fresh(store)).clock(earlyClock));
        Ledger second = ledgers.open(Ledger.builder().store(Stores.fresh(store)).clock(lateClock));

        // Interleaved, both open: creations (an aggregate's first event), then events of aggregates in memory.
        accept(first, open("alice:FUTURES"));
        accept(second, open("bob:FUTURES"));
        accept(first, deposit("alice:FUTURES", "USDT", "100"));
        accept(second, deposit("bob:FUTURES", "USDT", "200"));
        earlyClock.advance(Duration.ofHours(1));
        accept(first, deposit("alice:FUTURES", "USDT", "5"));
        lateClock.advance(Duration.ofMillis(1500));
        accept(second, deposit("bob:FUTURES", "USDT", "7"));

        assertThat(timestamps(first)).containsExactly(early, early, early.plus(Duration.ofHours(1)));
        assertThat(timestamps(second)).containsExactly(late, late, late.plusMillis(1500));
    }

    @OnEveryStore
    void aggregatesLoadedFromTheStoreOrPreloadedForAFanOutStampWithTheClockOfTheLedgerThatLoadedThem(
            StoreKind store, @TempDir Path directory) throws SQLException {
        StoreSettings settings = Stores.durable(store, directory.resolve("store"));
        Instant before = Instant.parse("2021-03-01T00:00:00Z");
        Ledger firstProcess = ledgers.open(Ledger.builder().store(settings).clock(new MutableClock(before)));
        List<LedgerCommand> setUp = new ArrayList<>(List.of(
                new ConfigureSymbol("sym", "BTCUSDT", "USDT", new BigDecimal("0.005"), 100),
                new UpdateMarkPrice("mark", "BTCUSDT", new BigDecimal("50000")),
                open("lea:FUTURES"), open("lea:ELITE"), deposit("lea:FUTURES", "USDT", "100000"),
                transfer("lea:FUTURES", "lea:ELITE", "USDT", "100000"),
                new SetLeaderTerms("terms", "lea", new BigDecimal("0.1"), 10)));
        for (String copier : List.of("c1", "c2", "c3")) {
            setUp.addAll(List.of(open(copier + ":FUTURES"), open(copier + ":COPY"),
                    deposit(copier + ":FUTURES", "USDT", "1000"), transfer(copier + ":FUTURES", copier + ":COPY", "USDT", "1000"),
                    Follow.byRatio(copier + "-follow", copier, "lea", new BigDecimal("0.5"))));
        }
        assertThat(firstProcess.executeAll(setUp)).allMatch(o -> o instanceof Outcome.Accepted);
        long setUpEvents = timestamps(firstProcess).size();
        ledgers.close(firstProcess);

        // A new process, nothing in memory: the leader's account loads from the store, the copiers' accounts are
        // preloaded in bulk for the fan-out.
        Instant after = Instant.parse("2024-09-15T08:30:00Z");
        Ledger secondProcess = ledgers.open(Ledger.builder().store(settings).clock(new MutableClock(after)));
        accept(secondProcess, new RecordFill("lead", "lea:ELITE", "BTCUSDT", Side.BUY, new BigDecimal("0.01"),
                new BigDecimal("50000"), BigDecimal.ZERO, 10, MarginMode.ISOLATED));

        List<Instant> stamps = timestamps(secondProcess);
        assertThat(stamps.subList(0, (int) setUpEvents)).containsOnly(before);
        List<Instant> ofTheLeadTrade = stamps.subList((int) setUpEvents, stamps.size());
        assertThat(aggregatesOfEventsAfter(secondProcess, setUpEvents))
                .as("the lead trade booked the leader's and every copier's account")
                .contains("lea:ELITE", "c1:COPY", "c2:COPY", "c3:COPY");
        assertThat(ofTheLeadTrade).containsOnly(after);
    }

    @OnEveryStore
    void buildingAndUsingALedgerLeavesJvmWideStateAlone(StoreKind store) {
        StoreSettings settings = Stores.fresh(store);
        Clock axonClock = GenericEventMessage.clock;
        Map<Object, Object> properties = snapshot(System.getProperties());

        Ledger ledger = ledgers.open(Ledger.builder().store(settings).clock(new MutableClock(Instant.parse("2019-05-05T00:00:00Z"))));
        accept(ledger, open("carol:FUTURES"));
        ledgers.close(ledger);

        assertThat(GenericEventMessage.clock).as("Axon's static event clock").isSameAs(axonClock);
        assertThat(snapshot(System.getProperties())).as("system properties").isEqualTo(properties);
    }

    private static void accept(Ledger ledger, LedgerCommand command) {
        assertThat(ledger.execute(command)).as(command.id()).isInstanceOf(Outcome.Accepted.class);
    }

    private static Map<Object, Object> snapshot(Properties properties) {
        return new HashMap<>(properties);
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

    private static List<String> aggregatesOfEventsAfter(Ledger ledger, long skipped) throws SQLException {
        List<String> aggregates = new ArrayList<>();
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT aggregateidentifier FROM domainevententry ORDER BY globalindex");
             ResultSet rows = query.executeQuery()) {
            for (long row = 0; rows.next(); row++) {
                if (row >= skipped) {
                    aggregates.add(rows.getString(1));
                }
            }
        }
        return aggregates;
    }
}
