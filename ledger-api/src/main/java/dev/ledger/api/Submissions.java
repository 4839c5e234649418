package dev.ledger.api;

import dev.ledger.api.metrics.LedgerMetrics;
import dev.ledger.api.write.GroupCommitWriter;
import dev.ledger.domain.command.LedgerCommand;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The facade's side of sending a command: the queue-full policy, the timeout of the caller's future, and the
 * latency from submit to the durable outcome. The writer's own future is never timed out, so the latency is
 * measured to the real outcome even when the caller stopped waiting.
 */
final class Submissions implements AutoCloseable {

    private final GroupCommitWriter writer;
    private final LedgerMetrics metrics;
    private final Duration queueFullWait;
    private final Duration defaultTimeout;
    private volatile ScheduledThreadPoolExecutor alarms;
    private boolean closed;

    /**
     * @param queueFullWait  how long a submit waits for room in a full queue; null: as long as it takes
     * @param defaultTimeout the timeout of the futures of {@code submit(command)}; null: none
     */
    Submissions(GroupCommitWriter writer, LedgerMetrics metrics, Duration queueFullWait, Duration defaultTimeout) {
        this.writer = writer;
        this.metrics = metrics;
        this.queueFullWait = queueFullWait;
        this.defaultTimeout = defaultTimeout;
    }

    CompletableFuture<Outcome> submit(LedgerCommand command) {
        return submit(command, defaultTimeout);
    }

    /** {@code timeout} null: the future waits as long as the outcome takes. */
    CompletableFuture<Outcome> submit(LedgerCommand command, Duration timeout) {
        long started = System.nanoTime();
        CompletableFuture<Outcome> durable;
        try {
            durable = writer.submit(command, queueFullWait);
        } catch (LedgerBusyException busy) {
            metrics.commandBusy(command.type());
            throw busy;
        }
        if (metrics != LedgerMetrics.NONE) {
            // The caller's future is the stage after the sample: whoever sees the outcome also sees it counted.
            CompletableFuture<Outcome> writers = durable;
            durable = writers.whenComplete((outcome, failure) ->
                    metrics.commandCompleted(command.type(), outcomeName(outcome, failure), System.nanoTime() - started));
        }
        return timeout == null ? durable : withTimeout(durable, command, timeout);
    }

    private CompletableFuture<Outcome> withTimeout(CompletableFuture<Outcome> durable, LedgerCommand command,
                                                   Duration timeout) {
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        // Completions of the answer are serialised on it, so that a timeout is counted before a caller can see
        // it, and only if the outcome did not come first.
        ScheduledFuture<?> alarm = alarms().schedule(() -> {
            synchronized (answer) {
                if (!answer.isDone()) {
                    metrics.commandTimedOut(command.type());
                    answer.completeExceptionally(new TimeoutException(command.type() + " " + command.id()
                            + ": no durable outcome within " + timeout + "; it may still commit: send it again with the"
                            + " same id to learn its outcome"));
                }
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        durable.whenComplete((outcome, failure) -> {
            alarm.cancel(false);
            synchronized (answer) {
                if (failure == null) {
                    answer.complete(outcome);
                } else {
                    answer.completeExceptionally(failure);
                }
            }
        });
        return answer;
    }

    static String outcomeName(Outcome outcome, Throwable failure) {
        if (failure != null || outcome == null) {
            return "failed";
        }
        if (outcome instanceof Outcome.Accepted) {
            return "accepted";
        }
        if (outcome instanceof Outcome.Rejected) {
            return "rejected";
        }
        return "duplicate";
    }

    /** One daemon thread that times the futures out, started on first use. */
    private ScheduledThreadPoolExecutor alarms() {
        ScheduledThreadPoolExecutor started = alarms;
        if (started != null) {
            return started;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the ledger is shut down");
            }
            if (alarms == null) {
                ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(1, runnable -> {
                    Thread thread = new Thread(runnable, "ledger-timeouts");
                    thread.setDaemon(true);
                    return thread;
                });
                created.setRemoveOnCancelPolicy(true);
                alarms = created;
            }
            return alarms;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (alarms != null) {
            alarms.shutdownNow();
        }
    }
}
