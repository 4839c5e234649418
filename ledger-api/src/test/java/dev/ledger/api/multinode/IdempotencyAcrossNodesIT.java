package dev.ledger.api.multinode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreSettings;
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
import dev.ledger.domain.event.EventMetadata;
import dev.ledger.domain.value.RejectionCode;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same command ids sent to two nodes (two ledgers on one store) at the same moment: every id has
 * exactly one outcome. The node that applies it reports it; the other reports a {@link Outcome.Duplicate}
 * carrying that very outcome, or {@code IDEMPOTENCY_CONFLICT} when it was given other content under the id.
 * Every applied command's events are stored once, and the balances are exactly those of the commands that
 * were applied.
 */
class IdempotencyAcrossNodesIT {

    private static final int USERS = 4;
    private static final int IDS_PER_ROUND = 200;
    private static final String USDT = "USDT";
    private static final BigDecimal START = new BigDecimal("1000000");
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * How many times the four rounds run: once by default; {@code -Dledger.race.repeat=15} races 12,000 ids per
     * store (done by hand when this test was written: it passed, with some hundred conflict retries per node).
     */
    private static final int REPEATS = Integer.getInteger("ledger.race.repeat", 1);

    @RegisterExtension
    final OpenLedgers ledgers = new OpenLedgers();

    /** How the two threads send one round: both in one order, in opposite orders, shuffled, or one at a time. */
    private enum Order { SAME, OPPOSITE, SHUFFLED, ONE_BY_ONE }

    /** One id as sent to each node; {@code second} differs from {@code first} only for a conflict. */
    private record Pair(LedgerCommand first, LedgerCommand second) {
        boolean sameContent() {
            return first.equals(second);
        }
    }

    @OnEveryStore
    void theSameIdsSentToTwoNodesAtOnceHaveExactlyOneOutcomeEach(StoreKind kind) throws Exception {
        StoreSettings store = Stores.fresh(kind);
        Ledger first = ledgers.open(Ledger.builder().store(store));
        Ledger second = ledgers.open(Ledger.builder().store(store));
        for (int u = 0; u < USERS; u++) {
            first.execute(new OpenAccount("open-f-" + u, "u" + u + ":FUTURES"));
            first.execute(new OpenAccount("open-c-" + u, "u" + u + ":COPY"));
            first.execute(new Deposit("fund-" + u, "u" + u + ":FUTURES", USDT, START));
        }
        // Both nodes cache the accounts before the race, so each decides from its own cache.
        for (int u = 0; u < USERS; u++) {
            second.execute(new Deposit("warm-" + u, "u" + u + ":FUTURES", USDT, BigDecimal.ONE));
        }

        Map<String, Outcome> applied = new TreeMap<>();
        Map<String, LedgerCommand> appliedCommands = new HashMap<>();
        Random random = new Random(11);
        int conflicts = 0;
        int duplicates = 0;
        for (int repeat = 0; repeat < REPEATS; repeat++) {
            for (Order order : Order.values()) {
                List<Pair> pairs = pairs(repeat + "-" + order.name().toLowerCase(), random);
                List<Outcome>[] outcomes = race(first, second, pairs, order, random);
                for (int i = 0; i < pairs.size(); i++) {
                    Pair pair = pairs.get(i);
                    Outcome a = outcomes[0].get(i);
                    Outcome b = outcomes[1].get(i);
                    String id = pair.first().id();
                    assertThat(a.commandId()).isEqualTo(id);
                    assertThat(b.commandId()).isEqualTo(id);
                    boolean aApplied = !(a instanceof Outcome.Duplicate) && !isIdempotencyConflict(a);
                    boolean bApplied = !(b instanceof Outcome.Duplicate) && !isIdempotencyConflict(b);
                    assertThat(aApplied ^ bApplied).as("exactly one node decides %s: %s / %s", id, a, b).isTrue();
                    Outcome decided = aApplied ? a : b;
                    Outcome other = aApplied ? b : a;
                    if (pair.sameContent()) {
                        assertThat(other).as("the other node's answer to %s", id).isEqualTo(new Outcome.Duplicate(id, decided));
                        duplicates++;
                    } else {
                        assertThat(other).as("the other node's answer to %s", id).isInstanceOf(Outcome.Rejected.class);
                        assertThat(((Outcome.Rejected) other).code()).isEqualTo(RejectionCode.IDEMPOTENCY_CONFLICT);
                        conflicts++;
                    }
                    applied.put(id, decided);
                    appliedCommands.put(id, aApplied ? pair.first() : pair.second());
                }
            }
        }
        assertThat(conflicts).isPositive();
        assertThat(duplicates).isPositive();

        // Sent again to either node later, every id repeats its one outcome.
        for (Map.Entry<String, Outcome> entry : applied.entrySet()) {
            LedgerCommand command = appliedCommands.get(entry.getKey());
            assertThat(second.execute(command)).isEqualTo(new Outcome.Duplicate(entry.getKey(), entry.getValue()));
        }

        // Every accepted command's events are stored exactly once, and no refused or lost command left any.
        Map<String, List<String>> eventsByCommand = eventsByCommand(first);
        for (Map.Entry<String, Outcome> entry : applied.entrySet()) {
            List<String> events = eventsByCommand.getOrDefault(entry.getKey(), List.of());
            if (entry.getValue() instanceof Outcome.Accepted) {
                assertThat(events).as("events of %s", entry.getKey())
                        .containsExactlyInAnyOrderElementsOf(expectedEvents(appliedCommands.get(entry.getKey())));
            } else {
                assertThat(events).as("events of refused %s", entry.getKey()).isEmpty();
            }
        }

        // The balances are exactly those of the applied commands, in the store and in the read models.
        Map<String, BigDecimal> expected = new TreeMap<>();
        for (int u = 0; u < USERS; u++) {
            expected.put("u" + u + ":FUTURES", START.add(BigDecimal.ONE));
            expected.put("u" + u + ":COPY", BigDecimal.ZERO);
        }
        for (Map.Entry<String, Outcome> entry : applied.entrySet()) {
            if (entry.getValue() instanceof Outcome.Accepted) {
                book(expected, appliedCommands.get(entry.getKey()));
            }
        }
        Recomputed recomputed = Recomputed.fold(RawEvents.accountEvents(first.store().dataSource()));
        first.awaitReadModels();
        second.awaitReadModels();
        for (Map.Entry<String, BigDecimal> account : expected.entrySet()) {
            assertThat(recomputed.money(account.getKey(), USDT).wallet()).as(account.getKey())
                    .isEqualByComparingTo(account.getValue());
            for (Ledger node : List.of(first, second)) {
                assertThat(node.balance(account.getKey()).orElseThrow().balances().get(0).wallet())
                        .as(account.getKey()).isEqualByComparingTo(account.getValue());
            }
        }
    }

    /**
     * {@value #IDS_PER_ROUND} ids: deposits, withdrawals and transfers that are accepted, withdrawals that are
     * refused (more than the account holds), accounts opened; every tenth id carries other content on the second node.
     */
    private static List<Pair> pairs(String round, Random random) {
        List<Pair> pairs = new ArrayList<>(IDS_PER_ROUND);
        for (int i = 0; i < IDS_PER_ROUND; i++) {
            String id = round + "-" + i;
            String user = "u" + random.nextInt(USERS);
            BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(100));
            LedgerCommand command = switch (i % 5) {
                case 0 -> new Deposit(id, user + ":FUTURES", USDT, amount);
                case 1 -> new Withdraw(id, user + ":FUTURES", USDT, amount);
                case 2 -> new Transfer(id, user + ":FUTURES", user + ":COPY", USDT, amount);
                case 3 -> i % 2 == 0
                        ? new OpenAccount(id, "n-" + id + ":FUTURES")
                        : new Withdraw(id, user + ":FUTURES", USDT, new BigDecimal("1000000000"));
                default -> new Transfer(id, user + ":COPY", user + ":FUTURES", USDT, new BigDecimal("1000000000"));
            };
            LedgerCommand other = command;
            if (i % 10 == 0) {
                other = new Deposit(id, user + ":FUTURES", USDT, amount.add(BigDecimal.ONE));
            }
            pairs.add(new Pair(command, other));
        }
        return pairs;
    }

    @SuppressWarnings("unchecked")
    private static List<Outcome>[] race(Ledger first, Ledger second, List<Pair> pairs, Order order, Random random)
            throws Exception {
        List<Integer> firstOrder = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            firstOrder.add(i);
        }
        List<Integer> secondOrder = new ArrayList<>(firstOrder);
        if (order == Order.OPPOSITE) {
            Collections.reverse(secondOrder);
        } else if (order == Order.SHUFFLED) {
            Collections.shuffle(firstOrder, random);
            Collections.shuffle(secondOrder, random);
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<List<Outcome>> a = threads.submit(() -> send(first, pairs, firstOrder, true, order, start));
            Future<List<Outcome>> b = threads.submit(() -> send(second, pairs, secondOrder, false, order, start));
            start.countDown();
            return new List[] {a.get(), b.get()};
        } finally {
            threads.shutdownNow();
        }
    }

    /** Sends the pairs' commands to {@code node} in {@code order}; returns the outcomes by the pairs' index. */
    private static List<Outcome> send(Ledger node, List<Pair> pairs, List<Integer> order, boolean firstOfPair,
                                      Order how, CountDownLatch start) throws InterruptedException {
        start.await();
        Outcome[] outcomes = new Outcome[pairs.size()];
        List<CompletableFuture<Outcome>> pending = new ArrayList<>();
        for (int index : order) {
            LedgerCommand command = firstOfPair ? pairs.get(index).first() : pairs.get(index).second();
            if (how == Order.ONE_BY_ONE) {
                outcomes[index] = node.execute(command);
            } else {
                pending.add(node.submit(command).thenApply(o -> outcomes[index] = o));
            }
        }
        pending.forEach(CompletableFuture::join);
        return List.of(outcomes);
    }

    private static boolean isIdempotencyConflict(Outcome outcome) {
        return outcome instanceof Outcome.Rejected rejected && rejected.code() == RejectionCode.IDEMPOTENCY_CONFLICT;
    }

    /** The payload types an accepted command stores, one each. */
    private static List<String> expectedEvents(LedgerCommand command) {
        String events = "dev.ledger.domain.event.";
        if (command instanceof Deposit) {
            return List.of(events + "FundsDeposited");
        }
        if (command instanceof Withdraw) {
            return List.of(events + "FundsWithdrawn");
        }
        if (command instanceof Transfer) {
            return List.of(events + "TransferSent", events + "TransferReceived", events + "TransferSettled");
        }
        if (command instanceof OpenAccount) {
            return List.of(events + "AccountOpened");
        }
        throw new IllegalArgumentException("no events known for " + command);
    }

    private static void book(Map<String, BigDecimal> balances, LedgerCommand command) {
        if (command instanceof Deposit deposit) {
            balances.merge(deposit.account(), deposit.amount(), BigDecimal::add);
        } else if (command instanceof Withdraw withdraw) {
            balances.merge(withdraw.account(), withdraw.amount().negate(), BigDecimal::add);
        } else if (command instanceof Transfer transfer) {
            balances.merge(transfer.from(), transfer.amount().negate(), BigDecimal::add);
            balances.merge(transfer.to(), transfer.amount(), BigDecimal::add);
        }
    }

    /** The payload types of the stored events, by the command id in their metadata. */
    private static Map<String, List<String>> eventsByCommand(Ledger ledger) throws SQLException, IOException {
        Map<String, List<String>> events = new HashMap<>();
        try (Connection connection = ledger.store().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT payloadtype, metadata FROM domainevententry ORDER BY globalindex");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                JsonNode metadata = JSON.readTree(rows.getBytes("metadata"));
                String commandId = metadata.path(EventMetadata.COMMAND_ID).asText(null);
                if (commandId != null) {
                    events.computeIfAbsent(commandId, k -> new ArrayList<>()).add(rows.getString("payloadtype"));
                }
            }
        }
        return events;
    }
}
