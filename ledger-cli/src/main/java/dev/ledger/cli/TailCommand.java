package dev.ledger.cli;

import dev.ledger.api.feed.EventFeed;
import dev.ledger.api.feed.FeedCursor;
import dev.ledger.api.feed.FeedEvent;
import dev.ledger.api.store.LedgerStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ledger tail}: the event feed on standard output, one CloudEvents line per event, as
 * {@code ledger export --format cloudevents} writes them; from a position, optionally following new events.
 * Reads the store directly ({@link EventFeed} on a {@link LedgerStore}): no writer, no read models.
 */
@Command(name = "tail", description = {
        "Prints the events of the store from a position on, one CloudEvents 1.0 line each, the same lines as",
        "'ledger export --format cloudevents' (without its trailer). From position 0 the lines are the export's",
        "byte for byte; from N the hash chain (ledgerprevhash, ledgerhash) starts at N unless --prev-hash",
        "continues it. Without --follow it stops at the head of the store as it was when it started."})
final class TailCommand implements Callable<Integer> {

    /** How often {@code --follow} looks for new events. */
    static final long FOLLOW_POLL_MILLIS = 200;

    @Mixin
    StoreOptions store;

    @Option(names = "--from", paramLabel = "N", defaultValue = "0",
            description = "the first position (global index) to print; default 0, every event")
    long from;

    @Option(names = "--follow", description = "after the last event, keep waiting for new ones until interrupted")
    boolean follow;

    @Option(names = "--limit", paramLabel = "N", description = "print at most N events, then stop")
    Long limit;

    @Option(names = "--prev-hash", paramLabel = "HASH",
            description = "the ledgerhash of the line before position N, to go on with that chain "
                    + "(default: the chain starts at N)")
    String prevHash;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        FeedCursor cursor = cursor();
        if (limit != null && limit < 1) {
            throw new CliFailure(spec.qualifiedName() + ": --limit must be at least 1, got " + limit);
        }
        long left = limit == null ? Long.MAX_VALUE : limit;
        PrintWriter out = spec.commandLine().getOut();
        try (LedgerStore ledgerStore = LedgerStore.open(store.settings())) {
            EventFeed feed = EventFeed.on(ledgerStore);
            long stopAfter = follow ? Long.MAX_VALUE : feed.head();
            while (left > 0 && cursor.position() <= stopAfter) {
                List<FeedEvent> batch = feed.read(cursor, (int) Math.min(left, EventFeed.DEFAULT_BATCH_SIZE));
                if (batch.isEmpty()) {
                    if (!follow || !pause()) {
                        break;
                    }
                    continue;
                }
                for (FeedEvent event : batch) {
                    if (event.position() > stopAfter) {
                        break;
                    }
                    out.println(event.cloudEvent());
                    cursor = event.next();
                    left--;
                }
                out.flush();
                if (out.checkError()) {
                    // The reader went away (tail ... | head): nothing more to do.
                    break;
                }
            }
        }
        out.flush();
        return ExitCodes.DONE;
    }

    private FeedCursor cursor() {
        if (from < 0) {
            throw new CliFailure(spec.qualifiedName() + ": --from must be a position >= 0, got " + from);
        }
        if (prevHash == null) {
            return FeedCursor.at(from);
        }
        try {
            return new FeedCursor(from, prevHash.strip());
        } catch (IllegalArgumentException e) {
            throw new CliFailure(spec.qualifiedName() + ": --prev-hash: " + e.getMessage());
        }
    }

    /** Waits for new events; false when interrupted. */
    private static boolean pause() {
        try {
            Thread.sleep(FOLLOW_POLL_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
