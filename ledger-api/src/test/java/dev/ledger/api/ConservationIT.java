package dev.ledger.api;

import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.Recomputed;
import dev.ledger.api.support.StoreKind;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.FundsWithdrawn;
import dev.ledger.domain.event.TransferReceived;
import dev.ledger.domain.event.TransferSent;
import dev.ledger.domain.event.TransferSettled;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.RejectionCode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Money is neither made nor lost: seeded random deposits, withdrawals and transfers (many of them
 * refused) from several threads at once, over users who overlap between threads. After each round,
 * per user and asset, the sum of wallets and money in transit over the user's accounts equals the
 * accepted deposits less the accepted withdrawals, to the last digit; no wallet is negative; nothing
 * is left in transit; every accepted command is booked exactly once; and the balance read model
 * equals balances folded independently from the raw stored events.
 */
class ConservationIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final long[] SEEDS = {20_240_611L, 7L, 987_654_321L};
    private static final int THREADS = 8;
    private static final int ROUNDS = 2;
    private static final int COMMANDS_PER_THREAD_PER_ROUND = 160;
    private static final List<String> USERS = List.of("ann", "ben", "cat", "dan", "eve", "fay");
    /** A user of the old system: deposits and withdrawals only, and every transfer refused. */
    private static final String LEGACY_USER = "old";
    private static final List<String> ASSETS = List.of("USDT", "BTC");
    private static final List<String> TYPES = List.of("FUTURES", "COPY", "ELITE");

    static Stream<Arguments> runs() {
        return Stream.of(StoreKind.values())
                .flatMap(store -> java.util.Arrays.stream(SEEDS).mapToObj(seed -> Arguments.of(store, seed)));
    }

    @ParameterizedTest(name = "on {0} with seed {1}")
    @MethodSource("runs")
    void keepsEveryUsersMoneyPerAssetAcrossConcurrentCommands(StoreKind store, long seed) throws Exception {
        System.out.printf("ConservationIT: store %s, seed %d%n", store, seed);
        Ledger ledger = ledgers.open(store);
        Books books = new Books();
        List<String> accounts = new ArrayList<>();
        for (String user : USERS) {
            for (String type : TYPES) {
                accounts.add(user + ":" + type);
            }
        }
        accounts.add(LEGACY_USER + ":LEGACY");
        for (String account : accounts) {
            assertThat(ledger.execute(new OpenAccount("open-" + account, account)))
                    .isEqualTo(new Outcome.Accepted("open-" + account));
        }

        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    Sender sender = new Sender(ledger, books, new Random(seed * 1_000 + round * 100 + t), "s" + seed + "r" + round + "t" + t);
                    running.add(threads.submit(() -> {
                        sender.run(COMMANDS_PER_THREAD_PER_ROUND);
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
                checkInvariants(ledger, books, seed, round);
            }
        } finally {
            threads.shutdownNow();
        }
        System.out.printf("ConservationIT: store %s, seed %d: %d accepted (%d deposits, %d withdrawals, %d transfers), %d refused%n",
                store, seed, books.accepted.get(), books.deposits.get(), books.withdrawals.get(), books.transfers.size(),
                books.refused.get());
        assertThat(books.accepted.get()).as("accepted commands (seed %d)", seed).isGreaterThan(THREADS * ROUNDS * 20L);
        assertThat(books.refused.get()).as("refused commands (seed %d)", seed).isGreaterThan(THREADS * ROUNDS * 20L);
    }

    private static void checkInvariants(Ledger ledger, Books books, long seed, int round) {
        ledger.awaitReadModels();
        List<RawEvents.Row> raw = RawEvents.read(ledger.store().dataSource());
        Recomputed folded = Recomputed.fold(raw);
        String context = "seed " + seed + ", after round " + round;

        // The read model equals the independent fold of the stored events.
        assertThat(Recomputed.readModel(ledger, folded.accounts())).as("balance read model, %s", context)
                .isEqualTo(folded.balances());

        // Per user and asset: wallets + in transit == accepted deposits - accepted withdrawals.
        Map<String, BigDecimal> held = new TreeMap<>();
        folded.balances().forEach((account, assets) -> assets.forEach((asset, money) -> {
            assertThat(money.wallet().signum()).as("wallet of %s %s, %s", account, asset, context).isNotNegative();
            assertThat(money.inTransit()).as("in transit on %s %s, %s", account, asset, context).isEqualByComparingTo("0");
            held.merge(AccountId.parse(account).user() + " " + asset, money.total(), BigDecimal::add);
        }));
        Map<String, BigDecimal> expected = new TreeMap<>();
        books.net.forEach((key, value) -> expected.put(key, value.setScale(8)));
        held.replaceAll((key, value) -> value.setScale(8));
        expected.entrySet().removeIf(e -> e.getValue().signum() == 0 && !held.containsKey(e.getKey()));
        assertThat(held).as("money per user and asset, %s", context).isEqualTo(expected);

        // Every accepted command is booked exactly once, and nothing else is.
        Map<Class<?>, Long> stored = raw.stream().collect(Collectors.groupingBy(r -> r.event().getClass(), Collectors.counting()));
        assertThat(stored.getOrDefault(FundsDeposited.class, 0L)).as("deposits, %s", context).isEqualTo(books.deposits.get());
        assertThat(stored.getOrDefault(FundsWithdrawn.class, 0L)).as("withdrawals, %s", context).isEqualTo(books.withdrawals.get());
        List<String> sent = raw.stream().filter(r -> r.event() instanceof TransferSent)
                .map(r -> ((TransferSent) r.event()).transferId()).sorted().toList();
        List<String> received = raw.stream().filter(r -> r.event() instanceof TransferReceived)
                .map(r -> ((TransferReceived) r.event()).transferId()).sorted().toList();
        List<String> settled = raw.stream().filter(r -> r.event() instanceof TransferSettled)
                .map(r -> ((TransferSettled) r.event()).transferId()).sorted().toList();
        List<String> acceptedTransfers = books.transfers.keySet().stream().sorted().toList();
        assertThat(sent).as("transfers sent, %s", context).isEqualTo(acceptedTransfers);
        assertThat(received).as("transfers received, %s", context).isEqualTo(acceptedTransfers);
        assertThat(settled).as("transfers settled, %s", context).isEqualTo(acceptedTransfers);
    }

    /** What the senders learnt from accepted outcomes only. */
    private static final class Books {
        final Map<String, BigDecimal> net = new ConcurrentHashMap<>();
        final Map<String, Boolean> transfers = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicLong deposits = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong withdrawals = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();

        void record(LedgerCommand command, Outcome outcome) {
            if (outcome instanceof Outcome.Rejected) {
                refused.incrementAndGet();
                return;
            }
            if (!(outcome instanceof Outcome.Accepted)) {
                return;
            }
            accepted.incrementAndGet();
            if (command instanceof Deposit deposit) {
                deposits.incrementAndGet();
                net.merge(AccountId.parse(deposit.account()).user() + " " + deposit.asset(), deposit.amount(), BigDecimal::add);
            } else if (command instanceof Withdraw withdraw) {
                withdrawals.incrementAndGet();
                net.merge(AccountId.parse(withdraw.account()).user() + " " + withdraw.asset(), withdraw.amount().negate(), BigDecimal::add);
            } else if (command instanceof Transfer transfer) {
                transfers.put(transfer.id(), Boolean.TRUE);
            }
        }
    }

    /** One thread's seeded stream of commands; checks every outcome it can predict. */
    private static final class Sender {
        private final Ledger ledger;
        private final Books books;
        private final Random random;
        private final String idPrefix;
        private final List<LedgerCommand> sent = new ArrayList<>();
        private final Map<String, Outcome> firstOutcome = new TreeMap<>();
        private int next;

        Sender(Ledger ledger, Books books, Random random, String idPrefix) {
            this.ledger = ledger;
            this.books = books;
            this.random = random;
            this.idPrefix = idPrefix;
        }

        void run(int commands) {
            while (next < commands) {
                if (random.nextInt(5) == 0) {
                    // A few commands at once: they share a group commit with each other.
                    List<LedgerCommand> batch = new ArrayList<>();
                    int size = 2 + random.nextInt(5);
                    for (int i = 0; i < size && next < commands; i++) {
                        batch.add(nextCommand());
                    }
                    List<Outcome> outcomes = ledger.executeAll(batch);
                    for (int i = 0; i < batch.size(); i++) {
                        check(batch.get(i), outcomes.get(i));
                    }
                } else {
                    LedgerCommand command = nextCommand();
                    check(command, ledger.execute(command));
                }
            }
        }

        private LedgerCommand nextCommand() {
            int kind = random.nextInt(100);
            if (kind < 5 && !sent.isEmpty()) {
                next++;
                return sent.get(random.nextInt(sent.size())); // the same id and content again
            }
            if (kind < 8 && !sent.isEmpty()) {
                next++;
                LedgerCommand earlier = sent.get(random.nextInt(sent.size()));
                return new Deposit(earlier.id(), "zed:FUTURES", "USDT", BigDecimal.ONE); // same id, other content
            }
            String id = idPrefix + "-" + next++;
            String user = USERS.get(random.nextInt(USERS.size()));
            String asset = ASSETS.get(random.nextInt(ASSETS.size()));
            LedgerCommand command;
            if (kind < 33) {
                command = random.nextInt(8) == 0
                        ? new Deposit(id, LEGACY_USER + ":LEGACY", asset, amount(0, 6))
                        : new Deposit(id, user + ":FUTURES", asset, amount(0, 6));
            } else if (kind < 48) {
                command = random.nextInt(8) == 0
                        ? new Withdraw(id, LEGACY_USER + ":LEGACY", asset, amount(2, 6))
                        : new Withdraw(id, user + ":FUTURES", asset, amount(2, 6));
            } else if (kind < 85) {
                String other = random.nextBoolean() ? "COPY" : "ELITE";
                command = random.nextBoolean()
                        ? new Transfer(id, user + ":FUTURES", user + ":" + other, asset, amount(2, 6))
                        : new Transfer(id, user + ":" + other, user + ":FUTURES", asset, amount(2, 6));
            } else if (kind < 88) {
                command = new Transfer(id, user + ":COPY", user + ":ELITE", asset, amount(2, 6));
            } else if (kind < 91) {
                command = new Transfer(id, user + ":FUTURES", LEGACY_USER + ":COPY", asset, amount(2, 6));
            } else if (kind < 94) {
                command = new Deposit(id, user + ":" + (random.nextBoolean() ? "COPY" : "ELITE"), asset, amount(0, 6));
            } else if (kind < 97) {
                command = new Transfer(id, LEGACY_USER + ":LEGACY", LEGACY_USER + ":FUTURES", asset, amount(0, 6));
            } else {
                command = new Withdraw(id, user + ":FUTURES", asset, new BigDecimal("0.000000001"));
            }
            return command;
        }

        /** A positive amount below 10^6 with 0 to 8 fractional digits; larger minimum scale = smaller amounts. */
        private BigDecimal amount(int minScale, int digits) {
            int scale = minScale + random.nextInt(9 - minScale);
            long unscaled = 1 + (long) (random.nextDouble() * Math.pow(10, digits + Math.min(scale, 2)));
            return new BigDecimal(BigInteger.valueOf(unscaled), scale);
        }

        private void check(LedgerCommand command, Outcome outcome) {
            assertThat(outcome.commandId()).isEqualTo(command.id());
            Outcome first = firstOutcome.get(command.id());
            boolean mine = sent.stream().anyMatch(c -> c == command);
            if (first != null && mine) {
                assertThat(outcome).as("resent %s", command).isEqualTo(new Outcome.Duplicate(command.id(), first));
            } else if (first != null) {
                assertThat(outcome).as("conflicting %s", command).isInstanceOfSatisfying(Outcome.Rejected.class,
                        r -> assertThat(r.code()).isEqualTo(RejectionCode.IDEMPOTENCY_CONFLICT));
            } else {
                assertThat(outcome).as("new %s", command).isNotInstanceOf(Outcome.Duplicate.class);
                firstOutcome.put(command.id(), outcome);
                sent.add(command);
                expectRefusal(command, outcome);
            }
            books.record(command, outcome);
        }

        /** Refusals that do not depend on balances are predictable whatever the other threads did. */
        private static void expectRefusal(LedgerCommand command, Outcome outcome) {
            RejectionCode expected = null;
            if (command instanceof Withdraw withdraw && withdraw.amount().scale() > 8) {
                expected = RejectionCode.INVALID_AMOUNT;
            } else if (command instanceof Deposit deposit && !AccountId.parse(deposit.account()).type().acceptsExternalMoney()) {
                expected = RejectionCode.TRANSFER_NOT_ALLOWED;
            } else if (command instanceof Transfer transfer) {
                AccountId from = AccountId.parse(transfer.from());
                AccountId to = AccountId.parse(transfer.to());
                if (!from.user().equals(to.user())) {
                    expected = RejectionCode.CROSS_USER_TRANSFER;
                } else if (!from.type().mayTransferTo(to.type())) {
                    expected = RejectionCode.TRANSFER_NOT_ALLOWED;
                }
            }
            if (expected != null) {
                RejectionCode code = expected;
                assertThat(outcome).as("%s", command).isInstanceOfSatisfying(Outcome.Rejected.class,
                        r -> assertThat(r.code()).isEqualTo(code));
            } else if (outcome instanceof Outcome.Rejected rejected) {
                assertThat(rejected.code()).as("%s", command).isEqualTo(RejectionCode.INSUFFICIENT_FUNDS);
            }
        }
    }
}
