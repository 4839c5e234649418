package dev.ledger.api.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RandomTrading;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.account.Account;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.copy.LeaderBook;
import dev.ledger.domain.market.Market;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots taken from memory ({@link AggregateSnapshots}) hold exactly what a replay of the stream up to their
 * sequence number builds, on both stores: random trading, money, transfers and mark ticks, sent in batches so that
 * groups mix accepted and refused commands on the same accounts, with a snapshot every 4 events. Then every stored
 * snapshot (the latest of each aggregate: older ones are replaced) is compared, as JSON, with the aggregate
 * replayed from its events; every stream that completed an interval has one at or after the last interval it
 * completed. ({@code SnapshotRestartTest} restarts a ledger on its snapshots.)
 */
class SnapshotsFromMemoryIT {

    private static final int INTERVAL = 4;
    private static final List<String> USERS = List.of("ann", "bob", "cy");
    private static final BigDecimal SIZE = new BigDecimal("20000");

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    @OnEveryStore
    void everySnapshotIsTheReplayOfItsStreamUpToItsSequence(StoreKind kind) throws Exception {
        var store = Stores.fresh(kind);
        Ledger ledger = ledgers.open(Ledger.builder().store(store).snapshotThreshold(INTERVAL).startReadModels(false));
        Random random = new Random(7);
        RandomTrading trading = new RandomTrading(random, "snap");
        List<LedgerCommand> setUp = new ArrayList<>(trading.listings());
        for (String user : USERS) {
            for (String type : List.of("FUTURES", "COPY", "ELITE")) {
                setUp.add(new OpenAccount(trading.nextId(), user + ":" + type));
            }
            setUp.add(new Deposit(trading.nextId(), user + ":FUTURES", RandomTrading.ASSET, new BigDecimal("100000")));
            setUp.add(new Transfer(trading.nextId(), user + ":FUTURES", user + ":COPY", RandomTrading.ASSET, SIZE));
            setUp.add(new Transfer(trading.nextId(), user + ":FUTURES", user + ":ELITE", RandomTrading.ASSET, SIZE));
        }
        assertThat(ledger.executeAll(setUp)).allMatch(o -> o instanceof Outcome.Accepted);

        int refused = 0;
        for (int batch = 0; batch < 25; batch++) {
            List<LedgerCommand> commands = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String user = USERS.get(random.nextInt(USERS.size()));
                int kindOfCommand = random.nextInt(100);
                commands.add(kindOfCommand < 15 ? trading.market()
                        : kindOfCommand < 25 ? trading.money(user + ":FUTURES", SIZE)
                        : kindOfCommand < 35 ? trading.transfer(user, SIZE)
                        : trading.trade(user + (random.nextBoolean() ? ":COPY" : ":ELITE"), SIZE));
            }
            List<Outcome> outcomes = ledger.executeAll(commands);
            for (int i = 0; i < commands.size(); i++) {
                trading.record(commands.get(i), outcomes.get(i));
                refused += outcomes.get(i) instanceof Outcome.Rejected ? 1 : 0;
            }
        }
        assertThat(refused).as("refused commands among the batches").isGreaterThan(20);

        List<StoredSnapshot> snapshots = snapshots(ledger);
        Map<String, Long> eventsPerStream = eventsPerStream(ledger);
        ObjectMapper json = new ObjectMapper();
        for (StoredSnapshot snapshot : snapshots) {
            Object replayed = replay(ledger, snapshot.type(), snapshot.aggregate(), snapshot.sequence());
            JsonNode expected = json.readTree(ledger.store().serializer().serialize(replayed, byte[].class).getData());
            assertThat(json.readTree(snapshot.payload())).as("snapshot of %s at %d", snapshot.aggregate(), snapshot.sequence())
                    .isEqualTo(expected);
        }
        Map<String, Long> latest = new HashMap<>();
        snapshots.forEach(s -> latest.merge(s.aggregate(), s.sequence(), Math::max));
        assertThat(latest).as("one snapshot per aggregate").hasSize(snapshots.size());
        eventsPerStream.forEach((aggregate, events) -> {
            long lastCompleted = events / INTERVAL * INTERVAL - 1;
            if (lastCompleted < 0) {
                assertThat(latest).as("%s has %d events", aggregate, events).doesNotContainKey(aggregate);
            } else {
                assertThat(latest.get(aggregate)).as("the snapshot of %s (%d events)", aggregate, events)
                        .isNotNull().isBetween(lastCompleted, events - 1);
            }
        });
        assertThat(snapshots.stream().map(StoredSnapshot::type).distinct()).contains("Account", "Market");
    }

    /**
     * A snapshot that cannot be stored (here: a check constraint refuses the account's rows) is skipped, and the group's commands
     * commit all the same. On PostgreSQL a failed statement aborts the whole transaction: the snapshot is written
     * behind a savepoint, so that only it is undone.
     */
    @OnEveryStore
    void aSnapshotThatCannotBeStoredIsSkippedAndTheCommandsCommit(StoreKind kind) throws Exception {
        Ledger ledger = ledgers.open(Ledger.builder().store(Stores.fresh(kind)).snapshotThreshold(INTERVAL)
                .startReadModels(false));
        String account = "zed:FUTURES";
        assertThat(ledger.execute(new OpenAccount("open", account))).isInstanceOf(Outcome.Accepted.class);
        long due = (eventsPerStream(ledger).get(account) / INTERVAL + 1) * INTERVAL - 1;
        try (Connection connection = ledger.store().dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE snapshotevententry ADD CONSTRAINT not_zed CHECK (aggregateidentifier <> '"
                    + account + "')");
        }

        // Deposits one by one, then several in one group, until the stream has completed the interval.
        List<LedgerCommand> deposits = new ArrayList<>();
        for (int i = 0; i < INTERVAL + 2; i++) {
            deposits.add(new Deposit("d" + i, account, "USDT", BigDecimal.ONE));
        }
        assertThat(ledger.execute(deposits.get(0))).isEqualTo(new Outcome.Accepted("d0"));
        assertThat(ledger.executeAll(deposits.subList(1, deposits.size()))).allMatch(o -> o instanceof Outcome.Accepted);

        assertThat(eventsPerStream(ledger).get(account)).as("events of %s", account).isGreaterThan(due + 1);
        assertThat(snapshots(ledger)).extracting(StoredSnapshot::aggregate).doesNotContain(account);
    }

    private record StoredSnapshot(String type, String aggregate, long sequence, byte[] payload) {
    }

    private static List<StoredSnapshot> snapshots(Ledger ledger) throws SQLException {
        List<StoredSnapshot> snapshots = new ArrayList<>();
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT type, aggregateidentifier, sequencenumber, payload FROM snapshotevententry");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                snapshots.add(new StoredSnapshot(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getBytes(4)));
            }
        }
        return snapshots;
    }

    private static Map<String, Long> eventsPerStream(Ledger ledger) throws SQLException {
        Map<String, Long> events = new HashMap<>();
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT aggregateidentifier, MAX(sequencenumber) + 1 FROM domainevententry GROUP BY aggregateidentifier");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                events.put(rows.getString(1), rows.getLong(2));
            }
        }
        return events;
    }

    /** The aggregate as Axon builds it from its events 0 to {@code sequence}, with no snapshot. */
    private static Object replay(Ledger ledger, String type, String id, long sequence) throws IOException {
        Class<?> rootType = switch (type) {
            case "Account" -> Account.class;
            case "Market" -> Market.class;
            case "LeaderBook" -> LeaderBook.class;
            default -> throw new AssertionError("a snapshot of an unexpected type: " + type);
        };
        return replay(ledger, rootType, id, sequence);
    }

    private static <T> T replay(Ledger ledger, Class<T> type, String id, long sequence) {
        List<DomainEventMessage<?>> events = new ArrayList<>();
        ledger.store().eventStorage().readEvents(id, 0).asStream()
                .filter(e -> e.getSequenceNumber() <= sequence).forEach(events::add);
        assertThat(events).as("events of %s up to %d", id, sequence).hasSize((int) sequence + 1);
        T root = new GenericAggregateFactory<>(type).createAggregateRoot(id, events.get(0));
        EventSourcedAggregate<T> aggregate = EventSourcedAggregate.initialize(root,
                AnnotatedAggregateMetaModelFactory.inspectAggregate(type), null, NoSnapshotTriggerDefinition.TRIGGER);
        aggregate.initializeState(DomainEventStream.of(events.stream()));
        return aggregate.getAggregateRoot();
    }
}
