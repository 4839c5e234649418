package dev.ledger.api.trading;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.support.AccountViews;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RandomTrading;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.StoreKind;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.event.AccountEvent;
import dev.ledger.projections.performance.PerformanceView;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Isolation as a property (accounting.md, Accounts: "Nothing that happens in one account changes another
 * account"). One user trades at random in FUTURES, COPY and ELITE, on a shared market whose marks move.
 * Run A sends every command; run B, on a fresh store, sends the same commands in the same order except
 * one account's own commands (its trading; for FUTURES also its deposits and withdrawals). The transfers
 * that fund COPY and ELITE are in both runs. After every command and at the end, the other two accounts'
 * outcomes, views (balance, risk, performance; compared with {@code equals} on the view records) and
 * stored event payloads are the same in both runs. COPY is dropped with two seeds, ELITE and FUTURES with
 * one each.
 */
class IsolationPropertyIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final int STEPS = 200;
    private static final int COMPARE_VIEWS_EVERY = 10;
    private static final String USER = "ivy";
    private static final String FUTURES = USER + ":FUTURES";
    private static final String COPY = USER + ":COPY";
    private static final String ELITE = USER + ":ELITE";
    private static final List<String> ACCOUNTS = List.of(FUTURES, COPY, ELITE);
    private static final BigDecimal SIZE = new BigDecimal("30000");

    static Stream<Arguments> runs() {
        List<Arguments> seeds = List.of(Arguments.of(11L, COPY), Arguments.of(2_024L, COPY),
                Arguments.of(777_777L, ELITE), Arguments.of(31L, FUTURES));
        return Stream.of(StoreKind.values())
                .flatMap(store -> seeds.stream().map(a -> Arguments.of(store, a.get()[0], a.get()[1])));
    }

    @ParameterizedTest(name = "on {0} with seed {1} without {2}")
    @MethodSource("runs")
    void oneAccountsCommandsLeaveTheOtherAccountsOfTheUserAsIfTheyHadNeverHappened(StoreKind store, long seed,
                                                                                   String dropped) {
        List<String> compared = ACCOUNTS.stream().filter(a -> !a.equals(dropped)).toList();
        Ledger all = ledgers.open(store);
        Ledger without = ledgers.open(store);
        Random random = new Random(seed);
        RandomTrading trading = new RandomTrading(random, "s" + seed);
        List<LedgerCommand> setup = new ArrayList<>(trading.listings());
        for (String account : ACCOUNTS) {
            setup.add(new OpenAccount(trading.nextId(), account));
        }
        setup.add(new Deposit(trading.nextId(), FUTURES, RandomTrading.ASSET, new BigDecimal("100000")));
        setup.add(new Transfer(trading.nextId(), FUTURES, COPY, RandomTrading.ASSET, SIZE));
        setup.add(new Transfer(trading.nextId(), FUTURES, ELITE, RandomTrading.ASSET, SIZE));
        for (LedgerCommand command : setup) {
            assertThat(all.execute(command)).as("%s", command).isEqualTo(new Outcome.Accepted(command.id()));
            assertThat(without.execute(command)).as("%s", command).isEqualTo(new Outcome.Accepted(command.id()));
        }

        Tally tally = new Tally();
        for (int step = 0; step < STEPS; step++) {
            String owner;
            LedgerCommand command;
            int kind = random.nextInt(100);
            if (kind < 15) {
                owner = "MARKET";
                command = trading.market();
            } else {
                owner = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
                command = owner.equals(FUTURES) && kind < 22 ? trading.money(FUTURES, SIZE) : trading.trade(owner, SIZE);
            }
            Outcome outcome = all.execute(command);
            trading.record(command, outcome);
            tally.count(owner, command, outcome);
            if (!owner.equals(dropped)) {
                assertThat(without.execute(command)).as("seed %d step %d: %s", seed, step, command).isEqualTo(outcome);
            }
            if (step % COMPARE_VIEWS_EVERY == COMPARE_VIEWS_EVERY - 1) {
                compareViews(all, without, compared, "seed " + seed + " step " + step);
            }
        }
        compareViews(all, without, compared, "seed " + seed + " at the end");
        for (String account : compared) {
            assertThat(payloads(without, account)).as("events of %s, seed %d", account, seed)
                    .isEqualTo(payloads(all, account));
        }

        System.out.printf("IsolationPropertyIT: store %s, seed %d, without %s: %s%n", store, seed, dropped, tally);
        // The property means something only if the dropped account really traded and the others did too.
        PerformanceView droppedWith = all.performance(dropped).orElseThrow();
        PerformanceView droppedWithout = without.performance(dropped).orElseThrow();
        assertThat(droppedWith).as("%s's performance differs between the runs, seed %d", dropped, seed)
                .isNotEqualTo(droppedWithout);
        assertThat(tally.acceptedFills(dropped)).as("%s's accepted fills, seed %d", dropped, seed).isGreaterThanOrEqualTo(10);
        assertThat(tally.accepted.get(dropped + " Liquidate")).as("%s's liquidations, seed %d", dropped, seed).isNotNull();
        for (String account : compared) {
            assertThat(tally.acceptedFills(account)).as("%s's accepted fills, seed %d", account, seed).isGreaterThanOrEqualTo(5);
        }
    }

    private static void compareViews(Ledger all, Ledger without, List<String> compared, String at) {
        for (String account : compared) {
            assertThat(AccountViews.live(without, account)).as("views of %s in the run without the other's commands, %s",
                    account, at).isEqualTo(AccountViews.live(all, account));
        }
    }

    private static List<AccountEvent> payloads(Ledger ledger, String account) {
        return RawEvents.accountEvents(ledger.store().dataSource()).stream()
                .filter(row -> row.aggregate().equals(account)).map(RawEvents.Row::event).toList();
    }

    /** What happened, per account and command type, for the printout and the sanity checks. */
    private static final class Tally {
        final Map<String, Integer> accepted = new TreeMap<>();
        final Map<String, Integer> refused = new TreeMap<>();

        void count(String owner, LedgerCommand command, Outcome outcome) {
            String key = owner + " " + command.type();
            if (outcome instanceof Outcome.Accepted) {
                accepted.merge(key, 1, Integer::sum);
            } else if (outcome instanceof Outcome.Rejected rejected) {
                refused.merge(owner + " " + rejected.code(), 1, Integer::sum);
            }
        }

        int acceptedFills(String account) {
            return accepted.getOrDefault(account + " " + RecordFill.class.getSimpleName(), 0);
        }

        @Override
        public String toString() {
            return "accepted " + accepted + ", refused " + refused;
        }
    }
}
