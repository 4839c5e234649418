package dev.ledger.api;

import dev.ledger.api.support.OpenLedgers;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Back-pressure that fails fast and futures that time out. The writer is held up at a gate in front of its
 * database connections, so the queue fills and outcomes wait for as long as the test wants.
 */
class SubmitPolicyTest {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static Deposit deposit(String id) {
        return new Deposit(id, "alice:FUTURES", "USDT", BigDecimal.ONE);
    }

    @Test
    void aFullQueueFailsFastWithLedgerBusyExceptionAfterTheConfiguredWaitAndTheCommandCanBeSentAgain() throws Exception {
        try (ControlledDataSource dataSource = new ControlledDataSource()) {
            Ledger ledger = ledgers.open(Ledger.builder().dataSource(dataSource).meterRegistry(registry)
                    .queueCapacity(2).maxGroupSize(1).queueFullWait(Duration.ofMillis(200)));
            ledger.execute(new OpenAccount("open", "alice:FUTURES"));

            dataSource.closeWriterGate();
            CompletableFuture<Outcome> first = ledger.submit(deposit("d1"));
            assertThat(dataSource.awaitWriterWaiting(30)).as("the writer took d1 and waits at the gate").isTrue();
            CompletableFuture<Outcome> second = ledger.submit(deposit("d2"));
            CompletableFuture<Outcome> third = ledger.submit(deposit("d3"));

            long started = System.nanoTime();
            assertThatThrownBy(() -> ledger.submit(deposit("d4")))
                    .isInstanceOf(LedgerBusyException.class)
                    .hasMessageContaining("queue of 2 commands stayed full for PT0.2S")
                    .hasMessageContaining("Deposit d4 was not queued, send it again later with the same id")
                    .satisfies(e -> assertThat(((LedgerBusyException) e).commandId()).isEqualTo("d4"));
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(waitedMillis).isBetween(150L, 10_000L);
            assertThatThrownBy(() -> ledger.executeAll(List.of(deposit("d5"))))
                    .isInstanceOf(LedgerBusyException.class);
            assertThat(registry.get("ledger.command.busy").tag("type", "Deposit").counter().count()).isEqualTo(2);

            Health busy = ledger.health();
            assertThat(busy.writer()).isEqualTo(new Health.Writer(true, 2, 2));
            assertThat(busy.status()).isEqualTo(Health.Status.DEGRADED);
            assertThat(busy.problems()).contains("writer queue 2 of 2 full");

            dataSource.openWriterGate();
            assertThat(List.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS),
                    third.get(30, TimeUnit.SECONDS))).allMatch(o -> o instanceof Outcome.Accepted);
            assertThat(ledger.execute(deposit("d4"))).isInstanceOf(Outcome.Accepted.class);
            assertThat(ledger.balance("alice:FUTURES").orElseThrow().balances().get(0).wallet()).isEqualByComparingTo("4");
        }
    }

    @Test
    void withoutAWaitConfiguredAFullQueueStillBlocksTheSenderUntilThereIsRoom() throws Exception {
        try (ControlledDataSource dataSource = new ControlledDataSource()) {
            Ledger ledger = ledgers.open(Ledger.builder().dataSource(dataSource).queueCapacity(1).maxGroupSize(1));
            ledger.execute(new OpenAccount("open", "alice:FUTURES"));
            dataSource.closeWriterGate();
            ledger.submit(deposit("d1"));
            assertThat(dataSource.awaitWriterWaiting(30)).isTrue();
            ledger.submit(deposit("d2"));

            CompletableFuture<CompletableFuture<Outcome>> blocked = new CompletableFuture<>();
            Thread sender = new Thread(() -> blocked.complete(ledger.submit(deposit("d3"))), "sender");
            sender.start();
            assertThat(awaitWaitingForRoom(sender)).as("the sender waits for room in the full queue").isTrue();
            assertThat(blocked).isNotDone();

            dataSource.openWriterGate();
            assertThat(blocked.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS)).isInstanceOf(Outcome.Accepted.class);
        }
    }

    @Test
    void aFutureWithATimeoutFailsWithTimeoutExceptionWhileTheCommandMayStillCommitAndASecondSendLearnsItsOutcome()
            throws Exception {
        try (ControlledDataSource dataSource = new ControlledDataSource()) {
            Ledger ledger = ledgers.open(Ledger.builder().dataSource(dataSource).meterRegistry(registry));
            ledger.execute(new OpenAccount("open", "alice:FUTURES"));

            dataSource.closeWriterGate();
            CompletableFuture<Outcome> timed = ledger.submit(deposit("d1"), Duration.ofMillis(200));
            assertThatThrownBy(() -> timed.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(TimeoutException.class)
                    .hasMessage("Deposit d1: no durable outcome within PT0.2S; it may still commit: send it again with"
                            + " the same id to learn its outcome");
            assertThat(registry.get("ledger.command.timeouts").tag("type", "Deposit").counter().count()).isEqualTo(1);

            dataSource.openWriterGate();
            // The command did commit: sent again with the same id, it is a duplicate of an acceptance.
            Outcome again = ledger.execute(deposit("d1"));
            assertThat(again).isEqualTo(new Outcome.Duplicate("d1", new Outcome.Accepted("d1")));
            // The latency of the first send is measured to its durable outcome, not to the timeout.
            assertThat(registry.get("ledger.command.latency").tag("type", "Deposit").tag("outcome", "accepted").timer()
                    .count()).isEqualTo(1);
            assertThat(registry.get("ledger.command.latency").tag("type", "Deposit").tag("outcome", "accepted").timer()
                    .totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void aDefaultOutcomeTimeoutAppliesToSubmitExecuteAndExecuteAllAndAnAnswerInTimeIsTheOutcome() throws Exception {
        try (ControlledDataSource dataSource = new ControlledDataSource()) {
            Ledger ledger = ledgers.open(Ledger.builder().dataSource(dataSource).outcomeTimeout(Duration.ofMillis(300)));
            assertThat(ledger.execute(new OpenAccount("open", "alice:FUTURES"))).isInstanceOf(Outcome.Accepted.class);
            assertThat(ledger.submit(deposit("d0")).get(10, TimeUnit.SECONDS)).isInstanceOf(Outcome.Accepted.class);

            dataSource.closeWriterGate();
            assertThatThrownBy(() -> ledger.execute(deposit("d1")))
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
            assertThatThrownBy(() -> ledger.executeAll(List.of(deposit("d2"))))
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
            // A call's own timeout wins over the default.
            CompletableFuture<Outcome> patient = ledger.submit(deposit("d3"), Duration.ofSeconds(30));
            // A command sent after it with the default timeout times out first: the default has passed for both.
            CompletableFuture<Outcome> hasty = ledger.submit(deposit("d4"));
            assertThatThrownBy(() -> hasty.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
            assertThat(patient).isNotDone();
            dataSource.openWriterGate();
            assertThat(patient.get(30, TimeUnit.SECONDS)).isInstanceOf(Outcome.Accepted.class);
            assertThat(ledger.executeAll(List.of(deposit("d1"), deposit("d2"))))
                    .allMatch(o -> o instanceof Outcome.Duplicate d && d.first() instanceof Outcome.Accepted);
        }
    }

    /** Whether {@code sender} comes to wait in a blocking queue's {@code put}, within 30 s. */
    private static boolean awaitWaitingForRoom(Thread sender) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            boolean inPut = Arrays.stream(sender.getStackTrace()).anyMatch(frame -> frame.getMethodName().equals("put")
                    && frame.getClassName().startsWith("java.util.concurrent."));
            if (inPut && sender.getState() == Thread.State.WAITING) {
                return true;
            }
            Thread.yield();
        }
        return false;
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> Ledger.builder().outcomeTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ledger.builder().queueFullWait(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Ledger.builder().queueFullWait(Duration.ZERO)).isNotNull();
        assertThatThrownBy(() -> new Health.Thresholds(Duration.ofSeconds(1), 1.5, 10, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
