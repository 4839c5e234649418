package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.json.ViewJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ledger compact --before T}: bounds the command log through {@link Ledger#compactCommandLog}
 * (operations.md, Command-log retention).
 */
@Command(name = "compact", description = {
        "Bounds the command log: forgets the command ids recorded before T. Every id recorded at or after T keeps its "
                + "idempotency (sent again: a duplicate, or IDEMPOTENCY_CONFLICT with other content); a command sent "
                + "again with a forgotten id is applied again as a new one. Events are never touched.",
        "T must be at least 7 days ago (the command log always keeps the last 7 days); a later T is refused and "
                + "nothing is removed. Safe while ledgers run on the store, from any node.",
        "JSON: {\"removed\", \"before\"}."})
final class CompactCommand implements Callable<Integer> {

    @Option(names = "--before", required = true, paramLabel = "T", converter = IsoInstant.class,
            description = "forget the ids recorded before T (ISO-8601 instant, or a date: its start in UTC); "
                    + "at least 7 days ago")
    Instant before;

    @Option(names = "--json", description = "print one JSON document instead of a line")
    boolean json;

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    /** What the command did. */
    record Compaction(long removed, Instant before) {
    }

    @Override
    public Integer call() {
        // Checked before the store is opened, so that a refused cut touches nothing; the ledger checks again.
        refuseInsideMinimum(Clock.systemUTC().instant());
        long removed;
        Progress progress = Progress.onTerminal(spec.commandLine().getErr());
        try (Ledger ledger = StoreOptions.builder(store.settings()).startReadModels(false).build()) {
            removed = ledger.compactCommandLog(before, (walked, removedSoFar) -> progress.show(String.format(Locale.ROOT,
                    "compacting the command log: %,d ids walked, %,d records removed", walked, removedSoFar)));
        } catch (IllegalArgumentException insideMinimum) {
            throw new CliFailure(spec.qualifiedName() + ": --before " + before + ": " + insideMinimum.getMessage()
                    + "; nothing was removed");
        }
        progress.done();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ViewJson.write(new Compaction(removed, before)));
        } else {
            out.println("removed " + removed + " command-log " + (removed == 1 ? "record" : "records")
                    + " recorded before " + before + "; ids recorded since then stay idempotent");
        }
        out.flush();
        return ExitCodes.DONE;
    }

    private void refuseInsideMinimum(Instant now) {
        Instant latest = now.minus(Ledger.MINIMUM_COMMAND_LOG_RETENTION);
        if (before.isAfter(latest)) {
            throw new CliFailure(spec.qualifiedName() + ": --before " + before + " is inside the last "
                    + Ledger.MINIMUM_COMMAND_LOG_RETENTION.toDays() + " days, which the command log always keeps; "
                    + "choose T at or before " + latest.truncatedTo(ChronoUnit.SECONDS) + "; nothing was removed");
        }
    }
}
