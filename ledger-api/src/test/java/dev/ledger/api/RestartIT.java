package dev.ledger.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.projections.ProjectionCatalog;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.Recomputed;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.FundsWithdrawn;
import dev.ledger.domain.event.TransferSent;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.projections.accounts.AccountStatus;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger is closed while a stream of commands is still being submitted, then reopened on the same
 * store. What the first ledger acknowledged stays exactly as acknowledged; commands whose fate the
 * sender never learnt can be sent again safely (each applies at most once); command ids keep their
 * meaning across the restart; and the read models carry on from where they stopped to the same state
 * as a fold of the stored events.
 */
class RestartIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final long SEED = 4_829L;
    private static final int STREAM_LENGTH = 3_000;
    /** Acknowledgements to wait for before closing: the close lands in the middle of the stream. */
    private static final int ACKNOWLEDGED_BEFORE_CLOSE = 600;
    /** Commands in flight at once from the sender; keeps the stream going while the ledger closes. */
    private static final int IN_FLIGHT = 16;
    /** A bound for how long one outcome may take, so that a lost command fails the test instead of hanging it. */
    private static final long OUTCOME_BOUND_SECONDS = 60;
    private static final List<String> USERS = List.of("ann", "ben", "cat", "dan");

    @OnEveryStore
    void keepsEveryAcknowledgedCommandExactlyOnceWhenClosedInTheMiddleOfAStream(StoreKind store, @TempDir Path directory)
            throws Exception {
        StoreSettings settings = Stores.durable(store, directory);
        List<LedgerCommand> stream = stream();

        // --- first life: open the accounts, then close while the stream is being sent -------------
        Ledger first = ledgers.open(Ledger.builder().store(settings));
        for (String user : USERS) {
            for (String type : List.of("FUTURES", "COPY")) {
                String account = user + ":" + type;
                assertThat(first.execute(new OpenAccount("open-" + account, account))).isInstanceOf(Outcome.Accepted.class);
            }
        }
        first.awaitReadModels();
        long openedHead = first.store().headIndex();
        Sender sender = new Sender(first, stream);
        Thread sending = new Thread(sender::run, "restart-it-sender");
        sending.start();
        assertThat(sender.enoughAcknowledged.await(OUTCOME_BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        ledgers.close(first);
        sending.join(TimeUnit.SECONDS.toMillis(OUTCOME_BOUND_SECONDS));
        assertThat(sending.isAlive()).as("the sender is stuck on a command the closed ledger never answered").isFalse();
        assertThat(sender.lost).as("commands submitted but never answered, neither done nor failed").isEmpty();

        Map<Integer, Outcome> acknowledged = sender.acknowledged;
        int unknown = STREAM_LENGTH - acknowledged.size();
        System.out.printf("RestartIT on %s: %d acknowledged before the close, %d unknown%n", store, acknowledged.size(), unknown);
        assertThat(acknowledged.size()).isGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_CLOSE);
        assertThat(unknown).as("commands sent after the close began").isPositive();
        assertThat(sender.refusedAsShutDown.get()).as("submissions refused because the ledger shut down").isPositive();
        Map<String, Long> tokensAtClose = tokenPositions(settings);
        System.out.printf("RestartIT on %s: read-model positions stored at the close: %s%n", store, tokensAtClose);
        assertThat(tokensAtClose).as("read-model positions stored at the close").containsOnlyKeys(ProjectionCatalog.names().toArray(String[]::new))
                .allSatisfy((name, position) -> assertThat(position).as(name).isGreaterThanOrEqualTo(openedHead));

        // --- second life -----------------------------------------------------------------------------
        Ledger second = ledgers.open(Ledger.builder().store(settings));

        // The read models start from their stored tokens, not from the beginning: the accounts read
        // model inserts a row per AccountOpened and would fail on a second pass over those events.
        second.awaitReadModels();
        assertThat(second.readModelStatus()).allSatisfy(status -> {
            assertThat(status.error()).as(status.name()).isNull();
            assertThat(status.position()).as(status.name()).isEqualTo(second.store().headIndex());
        });
        for (String user : USERS) {
            assertThat(second.accounts(user).accounts()).extracting(AccountStatus::account)
                    .containsExactly(user + ":FUTURES", user + ":COPY");
        }

        // Ids keep their meaning: other content under an acknowledged id is a conflict.
        int acceptedIndex = firstWith(acknowledged, Outcome.Accepted.class);
        int rejectedIndex = firstWith(acknowledged, Outcome.Rejected.class);
        for (int i : new int[]{acceptedIndex, rejectedIndex}) {
            Outcome conflict = second.execute(new Deposit(stream.get(i).id(), "ann:FUTURES", "USDT", new BigDecimal("999")));
            assertThat(conflict).isInstanceOfSatisfying(Outcome.Rejected.class,
                    r -> assertThat(r.code()).isEqualTo(RejectionCode.IDEMPOTENCY_CONFLICT));
        }

        // Send the whole stream again with the same ids.
        List<Outcome> resent = second.executeAll(stream);
        Map<Integer, Outcome> decisive = new HashMap<>();
        for (int i = 0; i < STREAM_LENGTH; i++) {
            Outcome again = resent.get(i);
            if (acknowledged.containsKey(i)) {
                assertThat(again).as("resent acknowledged #%d", i).isEqualTo(new Outcome.Duplicate(stream.get(i).id(), acknowledged.get(i)));
            } else {
                assertThat(again.commandId()).isEqualTo(stream.get(i).id());
            }
            decisive.put(i, again.decisive());
        }
        // And once more: now every command has a record, so nothing applies a second time.
        List<Outcome> third = second.executeAll(stream);
        for (int i = 0; i < STREAM_LENGTH; i++) {
            assertThat(third.get(i)).as("third sending of #%d", i).isEqualTo(new Outcome.Duplicate(stream.get(i).id(), decisive.get(i)));
        }

        // Every accepted command is booked exactly once and no refused one is booked (amounts are unique per command).
        List<RawEvents.Row> raw = RawEvents.read(second.store().dataSource());
        assertThat(bookings(raw)).isEqualTo(expectedBookings(stream, decisive));

        // Money per user and asset is what the accepted commands say, and the read model equals the fold.
        Recomputed folded = Recomputed.fold(raw);
        assertThat(Recomputed.readModel(second, folded.accounts())).isEqualTo(folded.balances());
        Map<String, BigDecimal> held = new TreeMap<>();
        folded.balances().forEach((account, assets) -> assets.forEach((asset, money) -> {
            assertThat(money.inTransit()).isEqualByComparingTo("0");
            assertThat(money.wallet().signum()).isNotNegative();
            held.merge(AccountId.parse(account).user() + " " + asset, money.total(), BigDecimal::add);
        }));
        Map<String, BigDecimal> expected = new TreeMap<>();
        for (int i = 0; i < STREAM_LENGTH; i++) {
            if (decisive.get(i) instanceof Outcome.Accepted) {
                LedgerCommand command = stream.get(i);
                if (command instanceof Deposit d) {
                    expected.merge(AccountId.parse(d.account()).user() + " " + d.asset(), d.amount(), BigDecimal::add);
                } else if (command instanceof Withdraw w) {
                    expected.merge(AccountId.parse(w.account()).user() + " " + w.asset(), w.amount().negate(), BigDecimal::add);
                }
            }
        }
        held.replaceAll((k, v) -> v.setScale(8));
        expected.replaceAll((k, v) -> v.setScale(8));
        assertThat(held).isEqualTo(expected);
    }

    /** A seeded stream: deposits, withdrawals and transfers, each with an amount no other command has. */
    private static List<LedgerCommand> stream() {
        Random random = new Random(SEED);
        List<LedgerCommand> commands = new ArrayList<>(STREAM_LENGTH);
        for (int i = 0; i < STREAM_LENGTH; i++) {
            String user = USERS.get(random.nextInt(USERS.size()));
            String asset = random.nextBoolean() ? "USDT" : "BTC";
            String id = "stream-" + i;
            // The last 8 digits are the command's number: no two commands move the same amount.
            BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(300)).add(BigDecimal.valueOf(i + 1, 8));
            int kind = random.nextInt(10);
            if (kind < 4) {
                commands.add(new Deposit(id, user + ":FUTURES", asset, amount));
            } else if (kind < 6) {
                commands.add(new Withdraw(id, user + ":FUTURES", asset, amount));
            } else if (kind < 8) {
                commands.add(new Transfer(id, user + ":FUTURES", user + ":COPY", asset, amount));
            } else {
                commands.add(new Transfer(id, user + ":COPY", user + ":FUTURES", asset, amount));
            }
        }
        return commands;
    }

    /** Sends the stream with a few commands in flight, and notes what it learns. */
    private static final class Sender {
        private final Ledger ledger;
        private final List<LedgerCommand> stream;
        final Map<Integer, Outcome> acknowledged = new java.util.concurrent.ConcurrentHashMap<>();
        final List<Integer> lost = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger refusedAsShutDown = new AtomicInteger();
        final CountDownLatch enoughAcknowledged = new CountDownLatch(ACKNOWLEDGED_BEFORE_CLOSE);

        Sender(Ledger ledger, List<LedgerCommand> stream) {
            this.ledger = ledger;
            this.stream = stream;
        }

        void run() {
            Map<Integer, CompletableFuture<Outcome>> inFlight = new TreeMap<>();
            for (int i = 0; i < stream.size(); i++) {
                if (inFlight.size() >= IN_FLIGHT) {
                    int oldest = inFlight.keySet().iterator().next();
                    settle(oldest, inFlight.remove(oldest));
                }
                try {
                    inFlight.put(i, ledger.submit(stream.get(i)));
                } catch (IllegalStateException shutDown) {
                    assertThat(shutDown).hasMessageContaining("shut down");
                    refusedAsShutDown.incrementAndGet();
                }
            }
            inFlight.forEach(this::settle);
        }

        private void settle(int index, CompletableFuture<Outcome> future) {
            try {
                acknowledged.put(index, future.get(OUTCOME_BOUND_SECONDS, TimeUnit.SECONDS));
                enoughAcknowledged.countDown();
            } catch (ExecutionException failed) {
                // Not acknowledged: its fate is unknown to the sender.
                assertThat(failed.getCause()).hasMessageContaining("shut down");
            } catch (TimeoutException neverAnswered) {
                lost.add(index);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int firstWith(Map<Integer, Outcome> outcomes, Class<? extends Outcome> type) {
        return outcomes.entrySet().stream().filter(e -> type.isInstance(e.getValue())).mapToInt(Map.Entry::getKey)
                .min().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " outcome was acknowledged"));
    }

    /** Each booking in the raw events, as "kind account amount" (transfers by their id), with its count. */
    private static Map<String, Integer> bookings(List<RawEvents.Row> raw) {
        Map<String, Integer> found = new TreeMap<>();
        for (RawEvents.Row row : raw) {
            String key = null;
            if (row.event() instanceof FundsDeposited d) {
                key = "deposit " + d.account() + " " + d.asset() + " " + d.amount().stripTrailingZeros().toPlainString();
            } else if (row.event() instanceof FundsWithdrawn w) {
                key = "withdraw " + w.account() + " " + w.asset() + " " + w.amount().stripTrailingZeros().toPlainString();
            } else if (row.event() instanceof TransferSent s) {
                key = "transfer " + s.transferId() + " " + s.from() + " " + s.to() + " " + s.asset() + " "
                        + s.amount().stripTrailingZeros().toPlainString();
            }
            if (key != null) {
                found.merge(key, 1, Integer::sum);
            }
        }
        return found;
    }

    private static Map<String, Integer> expectedBookings(List<LedgerCommand> stream, Map<Integer, Outcome> decisive) {
        Map<String, Integer> expected = new TreeMap<>();
        for (int i = 0; i < stream.size(); i++) {
            if (!(decisive.get(i) instanceof Outcome.Accepted)) {
                continue;
            }
            LedgerCommand command = stream.get(i);
            String key;
            if (command instanceof Deposit d) {
                key = "deposit " + d.account() + " " + d.asset() + " " + d.amount().stripTrailingZeros().toPlainString();
            } else if (command instanceof Withdraw w) {
                key = "withdraw " + w.account() + " " + w.asset() + " " + w.amount().stripTrailingZeros().toPlainString();
            } else {
                Transfer t = (Transfer) command;
                key = "transfer " + t.id() + " " + t.from() + " " + t.to() + " " + t.asset() + " "
                        + t.amount().stripTrailingZeros().toPlainString();
            }
            expected.merge(key, 1, Integer::sum);
        }
        return expected;
    }

    /** The position each read model holds in the store, read with plain JDBC. */
    private static Map<String, Long> tokenPositions(StoreSettings settings) throws Exception {
        Map<String, Long> positions = new TreeMap<>();
        try (Connection connection = java.sql.DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             PreparedStatement query = connection.prepareStatement("SELECT name, position FROM rm_projection_state");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                positions.put(rows.getString("name"), rows.getLong("position"));
            }
        }
        return positions;
    }
}
