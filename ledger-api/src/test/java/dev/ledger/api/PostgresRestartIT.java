package dev.ledger.api;

import dev.ledger.api.rebuild.ProjectionRebuilder;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoreException;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.write.GroupCommitWriter;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.TransferSent;
import dev.ledger.projections.ProjectionCatalog;
import dev.ledger.projections.balance.AssetBalance;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL is stopped in the middle of a load and started again on the same data a few seconds later,
 * under one ledger that is never rebuilt. Callers on several threads send deposits and transfers with
 * unique ids the whole time. What must hold:
 * <ul>
 *     <li>every call ends: with an outcome (acknowledged), or with a {@link StoreException} whose message
 *     names the store's problem and says what to do (never a raw pool or driver exception);</li>
 *     <li>no acknowledged command is lost, and no command applies twice;</li>
 *     <li>the same ledger takes commands again once the server is back: it reconnects by itself;</li>
 *     <li>sending every command again with its id completes the work exactly once: what was
 *     acknowledged comes back as a {@code Duplicate}, what failed is applied now or, if its commit
 *     went through unseen, comes back as a {@code Duplicate} too;</li>
 *     <li>the read models resume and agree with the events (balances, and a rebuild finds no
 *     difference).</li>
 * </ul>
 * The server runs on a data directory and port of its own (not the shared test server), so stopping it
 * disturbs no other test.
 */
class PostgresRestartIT {

    private static final int CALLERS = 4;
    private static final int USERS_PER_CALLER = 3;
    /** What every FUTURES account holds before the load: more than all its transfers together can take. */
    private static final BigDecimal SEED = new BigDecimal("1000000");
    /** Outcomes to see before the server is stopped: the stop lands in the middle of the load. */
    private static final int ACKNOWLEDGED_BEFORE_STOP = 200;
    /**
     * Longer than the writer retries a failing group plus one wait for a pooled connection (its last attempt may
     * start just inside the window and wait that long): the group in flight when the server stops cannot commit
     * in time, and its commands fail (an outage shorter than the retry window only delays commands).
     */
    private static final long DOWN_MILLIS = GroupCommitWriter.STORE_RETRY_WINDOW_MILLIS
            + LedgerStore.CONNECTION_TIMEOUT_MILLIS + 2_000;
    /** How long a call may take at most: the retry window, one more wait for a connection, and slack. */
    private static final long CALL_BOUND_MILLIS = GroupCommitWriter.STORE_RETRY_WINDOW_MILLIS
            + LedgerStore.CONNECTION_TIMEOUT_MILLIS + 5_000;
    /** Outcomes per caller to see after the restart before the load ends. */
    private static final int ACKNOWLEDGED_AFTER_RESTART = 50;
    /** How long the ledger may take to work again after the server is back. */
    private static final long RECONNECT_BOUND_SECONDS = 30;

    @TempDir
    Path directory;

    private EmbeddedPostgres server;
    private Ledger ledger;

    @AfterEach
    void stop() throws IOException {
        try {
            if (ledger != null) {
                ledger.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void commandsInFlightFailClearlyNothingIsLostAndResendingCompletesTheWorkOnce() throws Exception {
        int port = freePort();
        Path data = directory.resolve("pgdata");
        server = startServer(data, port);
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE ledger");
        }
        StoreSettings settings = StoreSettings.of("jdbc:postgresql://localhost:" + port + "/ledger", "postgres", "");
        ledger = Ledger.builder().store(settings).build();

        List<String> users = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            for (int u = 0; u < USERS_PER_CALLER; u++) {
                users.add("u" + c + "x" + u);
            }
        }
        List<LedgerCommand> setup = new ArrayList<>();
        for (String user : users) {
            setup.add(new OpenAccount("open-" + user + ":FUTURES", user + ":FUTURES"));
            setup.add(new OpenAccount("open-" + user + ":COPY", user + ":COPY"));
            setup.add(new Deposit("seed-" + user, user + ":FUTURES", "USDT", SEED));
        }
        assertThat(ledger.executeAll(setup)).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Accepted.class));

        // --- the load, with the server stopped and started again in its middle -------------------------
        AtomicBoolean stopLoad = new AtomicBoolean();
        AtomicInteger acknowledged = new AtomicInteger();
        CountDownLatch enoughBeforeStop = new CountDownLatch(ACKNOWLEDGED_BEFORE_STOP);
        List<Caller> callers = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            callers.add(new Caller(c, users.subList(c * USERS_PER_CALLER, (c + 1) * USERS_PER_CALLER), stopLoad,
                    acknowledged, enoughBeforeStop));
        }
        callers.forEach(Caller::start);
        assertThat(enoughBeforeStop.await(30, TimeUnit.SECONDS)).as("the load got going").isTrue();

        long stopping = System.nanoTime();
        server.close();
        server = null;
        long stopped = System.nanoTime();
        Thread.sleep(DOWN_MILLIS);
        server = startServer(data, port);
        long restarted = System.nanoTime();
        System.out.printf("PostgresRestartIT: server stopped in %d ms, down %d ms, started in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(stopped - stopping), DOWN_MILLIS,
                TimeUnit.NANOSECONDS.toMillis(restarted - stopped) - DOWN_MILLIS);

        // The same ledger works again: every caller gets outcomes for commands sent after the restart.
        long deadline = restarted + TimeUnit.SECONDS.toNanos(RECONNECT_BOUND_SECONDS);
        while (!callers.stream().allMatch(c -> c.acknowledgedSentAfter(restarted) >= ACKNOWLEDGED_AFTER_RESTART)) {
            assertThat(System.nanoTime()).as("the ledger takes commands again within %d s of the restart: %s",
                    RECONNECT_BOUND_SECONDS, callers).isLessThan(deadline);
            Thread.sleep(50);
        }
        stopLoad.set(true);
        for (Caller caller : callers) {
            caller.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(caller.isAlive()).as("%s is stuck on a call that never ended", caller).isFalse();
            assertThat(caller.unexpected).as("%s: calls that ended with something other than an outcome or a clear "
                    + "StoreException", caller).isEmpty();
        }

        // --- what the callers saw ----------------------------------------------------------------------
        List<Sent> all = new ArrayList<>();
        callers.forEach(c -> all.addAll(c.sent));
        List<Sent> failed = all.stream().filter(s -> s.failure != null).toList();
        long duringOutage = all.stream().filter(s -> s.startedNanos < restarted && s.endedNanos > stopping).count();
        System.out.printf("PostgresRestartIT: %d commands sent, %d acknowledged, %d failed with StoreException, "
                        + "%d in flight while the server was down or starting%n", all.size(), all.size() - failed.size(),
                failed.size(), duringOutage);
        failed.stream().map(s -> s.failure.getMessage()).distinct().limit(5)
                .forEach(m -> System.out.println("PostgresRestartIT: failure: " + m));
        assertThat(duringOutage).as("calls in flight while the server was down").isPositive();
        assertThat(failed).as("calls in flight when the server stopped fail once the retry window is spent").isNotEmpty();
        for (Sent sent : all) {
            assertThat(TimeUnit.NANOSECONDS.toMillis(sent.endedNanos - sent.startedNanos))
                    .as("how long the call of %s took", sent.command.id()).isLessThanOrEqualTo(CALL_BOUND_MILLIS);
            if (sent.outcome != null) {
                // A commit cut off by the stop may have gone through: the retry finds the id recorded and says Duplicate.
                assertThat(sent.outcome.decisive()).as("outcome of %s", sent.command.id()).isInstanceOf(Outcome.Accepted.class);
            } else if (sent.startedNanos > restarted) {
                throw new AssertionError("a call made after the server was back failed: " + sent.failure.getMessage(),
                        sent.failure);
            }
        }
        for (Sent sent : failed) {
            String message = sent.failure.getMessage();
            assertThat(message).as("failure of %s", sent.command.id())
                    .startsWith("not acknowledged: ")
                    .containsAnyOf("the database is unreachable", "the connection to the database broke",
                            "the database server shut down", "the database server is starting up")
                    .contains("send it again with the same id")
                    .doesNotContain("Exception");
            assertThat(message.lines().count()).as("one line: %s", message).isEqualTo(1);
        }

        // --- sent again, every command with its own id -------------------------------------------------
        Map<String, Outcome> resent = new HashMap<>();
        for (Caller caller : callers) {
            List<LedgerCommand> commands = caller.sent.stream().map(s -> s.command).toList();
            List<Outcome> outcomes = ledger.executeAll(commands);
            for (int i = 0; i < commands.size(); i++) {
                resent.put(commands.get(i).id(), outcomes.get(i));
            }
        }
        int appliedNow = 0;
        for (Sent sent : all) {
            Outcome again = resent.get(sent.command.id());
            if (sent.outcome != null) {
                assertThat(again).as("resent acknowledged %s", sent.command.id())
                        .isEqualTo(new Outcome.Duplicate(sent.command.id(), new Outcome.Accepted(sent.command.id())));
            } else {
                assertThat(again.decisive()).as("resent failed %s", sent.command.id()).isInstanceOf(Outcome.Accepted.class);
                if (again instanceof Outcome.Accepted) {
                    appliedNow++;
                }
            }
        }
        System.out.printf("PostgresRestartIT: resending applied %d of the %d failed commands; the others had committed%n",
                appliedNow, failed.size());

        // --- exactly once ------------------------------------------------------------------------------
        Map<String, Integer> recorded = commandLogIds(settings);
        for (Sent sent : all) {
            assertThat(recorded.get(sent.command.id())).as("command-log rows of %s", sent.command.id()).isEqualTo(1);
        }
        Map<String, Integer> booked = new TreeMap<>();
        for (RawEvents.Row row : RawEvents.read(ledger.store().dataSource())) {
            if (row.event() instanceof FundsDeposited d) {
                booked.merge("deposit " + d.account() + " " + plain(d.amount()), 1, Integer::sum);
            } else if (row.event() instanceof TransferSent t) {
                booked.merge("transfer " + t.from() + " " + plain(t.amount()), 1, Integer::sum);
            }
        }
        Map<String, Integer> intended = new TreeMap<>();
        setup.stream().filter(Deposit.class::isInstance).map(Deposit.class::cast)
                .forEach(d -> intended.merge("deposit " + d.account() + " " + plain(d.amount()), 1, Integer::sum));
        for (Sent sent : all) {
            if (sent.command instanceof Deposit d) {
                intended.merge("deposit " + d.account() + " " + plain(d.amount()), 1, Integer::sum);
            } else if (sent.command instanceof Transfer t) {
                intended.merge("transfer " + t.from() + " " + plain(t.amount()), 1, Integer::sum);
            }
        }
        assertThat(booked).as("bookings in the event store (amounts are unique per command)").isEqualTo(intended);

        // --- the read models resumed and agree with the intended sums ----------------------------------
        ledger.awaitReadModels();
        for (String user : users) {
            BigDecimal deposits = SEED;
            BigDecimal transfers = BigDecimal.ZERO;
            for (Sent sent : all) {
                if (sent.command instanceof Deposit d && d.account().equals(user + ":FUTURES")) {
                    deposits = deposits.add(d.amount());
                } else if (sent.command instanceof Transfer t && t.from().equals(user + ":FUTURES")) {
                    transfers = transfers.add(t.amount());
                }
            }
            assertThat(wallet(user + ":FUTURES")).as("%s:FUTURES", user).isEqualByComparingTo(deposits.subtract(transfers));
            assertThat(wallet(user + ":COPY")).as("%s:COPY", user).isEqualByComparingTo(transfers);
        }
        assertThat(ledger.readModelStatus()).allSatisfy(status -> assertThat(status.error()).as(status.name()).isNull());
        ProjectionRebuilder rebuilder = new ProjectionRebuilder(ledger.store());
        for (ProjectionRebuilder.Result result : rebuilder.rebuildAll(ProjectionCatalog.names(), true,
                ProjectionRebuilder.Progress.NONE)) {
            assertThat(result.differences()).as("verify %s", result.projection()).isEmpty();
        }
    }

    private BigDecimal wallet(String account) {
        return ledger.balance(account).orElseThrow().balances().stream()
                .filter(b -> b.asset().equals("USDT")).map(AssetBalance::wallet).findFirst().orElseThrow();
    }

    private static String plain(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }

    /** A server on {@code data} (created on first start, reused after) listening on {@code port}. */
    private static EmbeddedPostgres startServer(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                // The server is stopped cleanly (a fast shutdown writes everything out), never crashed.
                .setServerConfig("fsync", "off")
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** How many command-log rows each id has (the primary key says one; this reads what is there). */
    private static Map<String, Integer> commandLogIds(StoreSettings settings) throws Exception {
        Map<String, Integer> ids = new HashMap<>();
        try (Connection connection = java.sql.DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             PreparedStatement query = connection.prepareStatement("SELECT command_id FROM ledger_command_log");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                ids.merge(rows.getString(1), 1, Integer::sum);
            }
        }
        return ids;
    }

    /** One call and how it ended. */
    private record Sent(LedgerCommand command, Outcome outcome, RuntimeException failure, long startedNanos,
                        long endedNanos) {
    }

    /**
     * A caller thread: deposits and transfers for its own users, one call at a time, until told to stop.
     * Every amount is unique to its command (the last digits are the caller and the call number).
     */
    private final class Caller extends Thread {
        private final int number;
        private final List<String> users;
        private final AtomicBoolean stopLoad;
        private final AtomicInteger acknowledged;
        private final CountDownLatch enoughBeforeStop;
        final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
        final List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());

        Caller(int number, List<String> users, AtomicBoolean stopLoad, AtomicInteger acknowledged,
               CountDownLatch enoughBeforeStop) {
            super("restart-caller-" + number);
            this.number = number;
            this.users = users;
            this.stopLoad = stopLoad;
            this.acknowledged = acknowledged;
            this.enoughBeforeStop = enoughBeforeStop;
        }

        @Override
        public void run() {
            for (int call = 1; !stopLoad.get(); call++) {
                String user = users.get(call % users.size());
                // 1 to 9 USDT, plus the caller and call number in the last 8 digits.
                BigDecimal amount = BigDecimal.valueOf(1 + call % 9).add(BigDecimal.valueOf(number * 1_000_000L + call, 8));
                String id = "c" + number + "-" + call;
                LedgerCommand command = call % 2 == 0
                        ? new Deposit(id, user + ":FUTURES", "USDT", amount)
                        : new Transfer(id, user + ":FUTURES", user + ":COPY", "USDT", amount);
                long started = System.nanoTime();
                try {
                    Outcome outcome = ledger.execute(command);
                    sent.add(new Sent(command, outcome, null, started, System.nanoTime()));
                    acknowledged.incrementAndGet();
                    enoughBeforeStop.countDown();
                } catch (StoreException failure) {
                    sent.add(new Sent(command, null, failure, started, System.nanoTime()));
                } catch (RuntimeException | Error other) {
                    sent.add(new Sent(command, null, new RuntimeException(other), started, System.nanoTime()));
                    unexpected.add(other);
                }
            }
        }

        long acknowledgedSentAfter(long nanos) {
            synchronized (sent) {
                return sent.stream().filter(s -> s.outcome != null && s.startedNanos > nanos).count();
            }
        }

        @Override
        public String toString() {
            synchronized (sent) {
                return getName() + " (" + sent.size() + " calls, "
                        + sent.stream().filter(s -> s.failure != null).count() + " failed)";
            }
        }
    }
}
