package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.bench.BenchHtmlReport;
import dev.ledger.api.bench.BenchReport;
import dev.ledger.api.bench.LedgerBenchmark;
import dev.ledger.api.bench.WritersBenchmark;
import dev.ledger.api.json.ViewJson;
import dev.ledger.api.store.StoreSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", description = {
        "Measures the ledger beside the raw limits of the same store, in one run.",
        "Write side: plain JDBC inserts of the rows a transfer stores (its three events, serialized as the ledger "
                + "serializes them), one per commit and batched at 100, 1000 and 5000 per commit (the fastest is the "
                + "baseline), then durable transfers from 1 caller and from " + LedgerBenchmark.CALLERS
                + " concurrent callers.",
        "Read side, on the events just written: plain JDBC reads of the whole event table (the columns a rebuild "
                + "reads, in index order; one cursor at two fetch sizes and pages by index at two sizes, the fastest is "
                + "the baseline), then every read model rebuilt from it verify-only (the live read models "
                + "are untouched), each alone and then all in one pass; a rebuild's rate is the events it replayed per "
                + "second, shown beside the raw read rate.",
        "Uses a fresh embedded store under ./ledger-data/bench (deleted first) unless --db names one; on a named "
                + "database it writes a scratch table (dropped at the end) and users with a unique prefix, and the "
                + "read side reads every event in that database."})
final class BenchCommand implements Callable<Integer> {

    static final Path BENCH_DIRECTORY = StoreSettings.DEFAULT_DIRECTORY.resolve("bench");

    @Option(names = "--transfers", paramLabel = "N", defaultValue = "20000",
            description = "transfers by the " + LedgerBenchmark.CALLERS + " concurrent callers (default ${DEFAULT-VALUE}); "
                    + "the single caller sends a tenth as many, the raw runs insert as many rows as those transfers append events")
    int transfers;

    @Option(names = "--positions", paramLabel = "N", defaultValue = "2000",
            description = "open positions on the symbol whose mark ticks are timed beside a symbol with none "
                    + "(default ${DEFAULT-VALUE}; each costs three commands to set up)")
    int positions;

    @Option(names = "--fanout", paramLabel = "N[,N...]", split = ",", defaultValue = "1000,10000,100000",
            description = "copy trading: one lead fill mirrored to each of these numbers of copiers (default "
                    + "${DEFAULT-VALUE}; 0 leaves the fan-out out); the copiers are opened, funded and made to follow "
                    + "first, which takes a while for 100,000")
    int[] fanOut;

    @Option(names = "--events", paramLabel = "N", defaultValue = "0",
            description = "scale: after the other sections, fill the store with N more events by durable transfers "
                    + "(progress and latency per million events, or per tenth below 2 million), time point-in-time "
                    + "queries on the account with the longest history, and rebuild every read model in a JVM with a "
                    + LedgerBenchmark.SMALL_HEAP_MIB + " MiB heap (default 0: no scale section; 10000000 for the full "
                    + "test, which takes a while)")
    long events;

    @Option(names = "--writers", paramLabel = "N[,N...]", split = ",",
            description = "several writers: after the other sections, time durable transfers from 1 and from each of "
                    + "these numbers of writer processes (child JVMs, each a ledger with " + LedgerBenchmark.CALLERS
                    + " callers) on one PostgreSQL, on users of their own and on shared users; --transfers transfers per "
                    + "configuration, split between its writers (default: no such section; needs --db jdbc:postgresql:...)")
    int[] writers;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "also write the figures to FILE.html: one self-contained page (tables, and plots of "
                    + "throughput and latency against events stored as inline SVG; nothing loaded from the network)")
    Path htmlReport;

    @Option(names = "--json", description = "print the report as one JSON document")
    boolean json;

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (transfers < LedgerBenchmark.MIN_TRANSFERS || transfers > LedgerBenchmark.MAX_TRANSFERS) {
            throw new CliFailure("ledger bench: --transfers " + transfers + " is out of range; use "
                    + LedgerBenchmark.MIN_TRANSFERS + " to " + LedgerBenchmark.MAX_TRANSFERS);
        }
        if (positions < 0 || positions > LedgerBenchmark.Sizes.MAX_OPEN_POSITIONS) {
            throw new CliFailure("ledger bench: --positions " + positions + " is out of range; use 0 to "
                    + LedgerBenchmark.Sizes.MAX_OPEN_POSITIONS);
        }
        int[] fanOutCopiers = java.util.Arrays.stream(fanOut).filter(n -> n != 0).toArray();
        for (int n : fanOutCopiers) {
            if (n < 1 || n > LedgerBenchmark.Sizes.MAX_FAN_OUT_COPIERS) {
                throw new CliFailure("ledger bench: --fanout " + n + " is out of range; use 1 to "
                        + LedgerBenchmark.Sizes.MAX_FAN_OUT_COPIERS + " (or 0 for no fan-out)");
            }
        }
        if (events < 0 || events > LedgerBenchmark.MAX_SCALE_EVENTS) {
            throw new CliFailure("ledger bench: --events " + events + " is out of range; use 0 to "
                    + LedgerBenchmark.MAX_SCALE_EVENTS);
        }
        if (writers != null) {
            for (int n : writers) {
                if (n < 1 || n > LedgerBenchmark.MAX_WRITERS) {
                    throw new CliFailure("ledger bench: --writers " + n + " is out of range; use 1 to "
                            + LedgerBenchmark.MAX_WRITERS);
                }
            }
        }
        if (htmlReport != null) {
            Path parent = htmlReport.toAbsolutePath().getParent();
            if (parent == null || !java.nio.file.Files.isDirectory(parent)) {
                throw new CliFailure("ledger bench: --report " + htmlReport + ": the directory " + parent
                        + " does not exist");
            }
            if (java.nio.file.Files.isDirectory(htmlReport)) {
                throw new CliFailure("ledger bench: --report " + htmlReport + " is a directory; name a file");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = Progress.onTerminal(spec.commandLine().getErr());
        StoreSettings settings = store.given() ? store.named() : FreshStore.embedded(BENCH_DIRECTORY);
        BenchReport report;
        // Read models off: the figures are the write path's, not shared with projection work.
        try {
            try (Ledger ledger = StoreOptions.builder(settings).startReadModels(false).build()) {
                report = new LedgerBenchmark(ledger, settings.describe(), LedgerBenchmark.Sizes.forTransfers(transfers)
                        .withOpenPositions(positions).withFanOutCopiers(fanOutCopiers),
                        step -> progress.show("bench: " + step)).run();
            }
            if (events > 0) {
                try (Ledger ledger = StoreOptions.builder(settings).startReadModels(false).build()) {
                    report = report.withScale(LedgerBenchmark.scale(ledger, settings, events,
                            step -> progress.show("bench: " + step)));
                }
            }
            if (!report.fanOuts().isEmpty()) {
                // The queries need the read models: a ledger that runs them catches up on everything written above.
                progress.show("bench: read models catching up for the copy-trading queries");
                try (Ledger ledger = StoreOptions.builder(settings).build()) {
                    report = LedgerBenchmark.withFollowQueries(report, ledger);
                }
            }
            if (writers != null && writers.length > 0) {
                report = report.withWriters(WritersBenchmark.run(settings, writers, transfers, report.rawBatched(),
                        step -> progress.show("bench: " + step)));
            }
        } finally {
            progress.done();
        }
        if (json) {
            out.println(ViewJson.write(report));
        } else {
            printTable(report, out);
        }
        if (htmlReport != null) {
            try {
                java.nio.file.Files.writeString(htmlReport, BenchHtmlReport.render(report));
            } catch (java.io.IOException e) {
                throw new CliFailure("ledger bench: cannot write --report " + htmlReport + ": " + e.getMessage());
            }
            if (!json) {
                out.println();
                out.println("report written to " + htmlReport);
            }
        }
        out.flush();
        return ExitCodes.DONE;
    }

    /**
     * What bounds the ledger with concurrent callers: each waits for its transfer to be durable, so a group holds at
     * most one transfer per caller; the raw insert at the batch size nearest that group's rows is its fair mark.
     */
    private static void groupBound(BenchReport report, PrintWriter out) {
        BenchReport.TransferRun ledger = report.ledgerConcurrentCallers();
        if (ledger.transfers() == 0 || report.rawBatchSizes().isEmpty()) {
            return;
        }
        long rowsPerGroup = Math.round(ledger.callers() * (double) ledger.events() / ledger.transfers());
        BenchReport.RawInsertRun nearest = report.rawBatchSizes().stream()
                .min(Comparator.comparingLong(run -> Math.abs(run.rowsPerCommit() - rowsPerGroup))).orElseThrow();
        out.println("  groups: " + ledger.callers() + " callers, each waiting for its transfer to be durable, make groups"
                + " of at most " + ledger.callers() + " transfers (" + rowsPerGroup + " rows); raw inserts at "
                + nearest.rowsPerCommit() + " rows per commit reach " + ratio(nearest.rowsPerSecond()
                / report.rawBatched().rowsPerSecond()) + " of the baseline, and the ledger "
                + ratio(ledger.eventsPerSecond() / nearest.rowsPerSecond()) + " of them");
        BenchReport.TransferRun inFlight = report.ledgerCallersWithOutcomesInFlight();
        if (inFlight.transfers() > 0) {
            long transfersPerGroup = (long) inFlight.callers() * inFlight.inFlightPerCaller();
            out.println("  in flight: with up to " + inFlight.inFlightPerCaller() + " transfers each not yet durable, the "
                    + inFlight.callers() + " callers make groups of up to " + transfersPerGroup + " transfers ("
                    + Math.round(transfersPerGroup * (double) inFlight.events() / inFlight.transfers()) + " rows), as "
                    + "large as the raw batches; the ledger then reaches " + ratio(inFlight.eventsVsRawBatched())
                    + " of the baseline");
        }
    }

    private static void printTable(BenchReport report, PrintWriter out) {
        out.println("ledger bench on " + report.store());
        out.println("(" + report.conditions() + ")");
        out.println();
        out.println("write side");
        TextTable table = TextTable.withLabelColumn("run", "rows or transfers", "events", "seconds", "rows or events/s",
                "transfers/s", "events/s vs raw batched", "events/s vs raw 1 row/commit");
        raw(table, "raw insert, 1 row per commit", report.rawOneRowPerCommit());
        for (BenchReport.RawInsertRun run : report.rawBatchSizes()) {
            raw(table, "raw insert, " + run.rowsPerCommit() + " rows per commit"
                    + (run.equals(report.rawBatched()) ? " (fastest: the baseline)" : ""), run);
        }
        ledger(table, report.ledgerOneCaller());
        ledger(table, report.ledgerConcurrentCallers());
        ledger(table, report.ledgerCallersWithOutcomesInFlight());
        BenchReport.NaiveAxonRun naive = report.naiveAxon();
        table.row("naive Axon, " + naive.callers() + " callers", Long.toString(naive.transfers()),
                Long.toString(naive.events()), seconds(naive.elapsedSeconds()), rate(naive.eventsPerSecond()),
                rate(naive.transfersPerSecond()), ratio(naive.eventsPerSecond() / report.rawBatched().rowsPerSecond()),
                ratio(naive.eventsPerSecond() / report.rawOneRowPerCommit().rowsPerSecond()));
        table.print(out, "  ");
        out.println("  naive Axon: Axon's JdbcEventStorageEngine as it comes, one command per transaction, no aggregate "
                + "cache, no command log; the ledger with " + naive.callers() + " callers does " + ratio(naive.ledgerTimes())
                + " times its events per second");
        groupBound(report, out);

        out.println();
        out.println("read side");
        BenchReport.RawReadRun rawRead = report.rawRead();
        BenchReport.RebuildRun rebuild = report.rebuild();
        TextTable read = TextTable.withLabelColumn("run", "rows or events", "seconds", "rows or events/s", "vs raw read");
        for (BenchReport.RawReadMethod method : rawRead.methods()) {
            read.row("raw read, " + method.method() + (method.method().equals(rawRead.method())
                    ? " (fastest: the baseline)" : ""), count(rawRead.rows()), seconds(method.elapsedSeconds()),
                    rate(method.rowsPerSecond()), "-");
        }
        for (BenchReport.ReadModelRebuild one : rebuild.perReadModel()) {
            read.row("  rebuild " + one.readModel() + " alone (verify-only)", count(one.events()),
                    seconds(one.elapsedSeconds()), rate(one.eventsPerSecond()), ratio(one.vsRawRead()));
        }
        read.row("rebuild, all " + rebuild.readModels() + " read models in one pass", count(rebuild.eventsReplayed()),
                seconds(rebuild.elapsedSeconds()), rate(rebuild.eventsPerSecond()), ratio(rebuild.rebuildVsRawRead()));
        read.print(out, "  ");

        out.println();
        out.println("mark-price ticks (each sent alone and awaited)");
        BenchReport.MarkTickRun ticks = report.markTicks();
        TextTable tickTable = TextTable.withLabelColumn("symbol", "open positions", "ticks", "µs per durable tick",
                "vs symbol with none");
        tickTable.row("with open positions", count(ticks.openPositions()), count(ticks.ticks()),
                String.format(Locale.ROOT, "%.0f", ticks.busySymbolTickMicros()), ratio(ticks.busyVsQuiet()));
        tickTable.row("with none", "0", count(ticks.ticks()),
                String.format(Locale.ROOT, "%.0f", ticks.quietSymbolTickMicros()), "1");
        tickTable.print(out, "  ");

        if (!report.fanOuts().isEmpty()) {
            out.println();
            out.println("copy trading: one lead fill mirrored to N copiers, durable (one row per copier)");
            TextTable fan = TextTable.withLabelColumn("copiers", "fan-outs", "median ms", "fastest ms",
                    "mirrored events/s", "µs per copier", "payload bytes", "raw insert rows/s", "vs raw insert");
            for (BenchReport.FanOutRun run : report.fanOuts()) {
                fan.row(count(run.copiers()), Integer.toString(run.fanOuts()), String.format(Locale.ROOT, "%.0f", run.medianMillis()),
                        String.format(Locale.ROOT, "%.0f", run.fastestMillis()), rate(run.mirroredEventsPerSecond()),
                        String.format(Locale.ROOT, "%.1f", run.microsPerCopier()), Integer.toString(run.payloadBytes()),
                        rate(run.rawRowsPerSecond()), ratio(run.vsRawInsert()));
            }
            fan.print(out, "  ");
            if (!report.followQueries().isEmpty()) {
                out.println();
                out.println("copy-trading queries, read models caught up (median of 5)");
                TextTable queries = TextTable.withLabelColumn("followers", "query followers ms", "query follows ms");
                for (BenchReport.FollowQueryRun run : report.followQueries()) {
                    queries.row(count(run.followers()), String.format(Locale.ROOT, "%.1f", run.followersQueryMillis()),
                            String.format(Locale.ROOT, "%.1f", run.followsQueryMillis()));
                }
                queries.print(out, "  ");
            }
        }
        if (report.scale() != null) {
            printScale(report.scale(), report.rawBatched(), out);
        }
        if (report.writers() != null) {
            printWriters(report.writers(), out);
        }
    }

    private static void printWriters(BenchReport.WritersSection section, PrintWriter out) {
        out.println();
        out.println("several writer processes on one PostgreSQL (durable transfers; writers lock per aggregate)");
        if (section.note() != null) {
            out.println("  not measured: " + section.note());
            return;
        }
        TextTable table = TextTable.withLabelColumn("writers", "users", "callers each", "transfers", "events", "seconds",
                "events/s", "vs 1 writer", "vs raw batched");
        for (BenchReport.WritersRun run : section.runs()) {
            table.row(Integer.toString(run.writers()), run.users(), Integer.toString(run.callersPerWriter()),
                    count(run.transfers()), count(run.events()), seconds(run.elapsedSeconds()), rate(run.eventsPerSecond()),
                    ratio(run.vsOneWriter()), ratio(run.vsRawBatched()));
        }
        table.print(out, "  ");
    }

    private static void printScale(BenchReport.ScaleRun scale, BenchReport.RawInsertRun rawBatched, PrintWriter out) {
        out.println();
        out.println("scale: the store filled with " + count(scale.targetEvents()) + " more events by " + scale.callers()
                + " callers (latency: submit to durable outcome)");
        TextTable steps = TextTable.withLabelColumn("events stored", "commands", "seconds", "events/s",
                "vs raw batched", "p50 ms", "p99 ms", "max ms", "heap used MiB");
        for (BenchReport.ScaleStep step : scale.steps()) {
            steps.row(count(step.eventsStored()), count(step.commands()), seconds(step.seconds()),
                    rate(step.eventsPerSecond()), ratio(step.eventsPerSecond() / rawBatched.rowsPerSecond()),
                    String.format(Locale.ROOT, "%.2f", step.p50Millis()), String.format(Locale.ROOT, "%.2f", step.p99Millis()),
                    String.format(Locale.ROOT, "%.1f", step.maxMillis()), count(step.heapUsedBytes() >> 20));
        }
        steps.print(out, "  ");
        BenchReport.PointInTimeRun pit = scale.pointInTime();
        out.println("  point-in-time balance of " + pit.account() + " (" + count(pit.accountEvents()) + " events): "
                + String.format(Locale.ROOT, "%.0f ms halfway through the fill, %.0f ms at its end", pit.halfwayMillis(),
                pit.endMillis()));
        BenchReport.HeapBoundRebuild rebuild = scale.rebuildInSmallHeap();
        if (rebuild != null) {
            out.println("  rebuild of every read model in a JVM with -Xmx" + rebuild.heapMiB() + "m: " + (rebuild.completed()
                    ? String.format(Locale.ROOT, "%,d events in %.1f s (%,.0f events/s), heap pools' peaks summed %d MiB",
                    rebuild.events(), rebuild.seconds(), rebuild.eventsPerSecond(), rebuild.peakHeapBytes() >> 20)
                    : "FAILED: " + rebuild.failure()));
        }
    }

    private static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static void raw(TextTable table, String label, BenchReport.RawInsertRun run) {
        table.row(label, Long.toString(run.rows()), "-", seconds(run.elapsedSeconds()), rate(run.rowsPerSecond()),
                "-", "-", "-");
    }

    private static void ledger(TextTable table, BenchReport.TransferRun run) {
        table.row(run.label(), Long.toString(run.transfers()),
                Long.toString(run.events()), seconds(run.elapsedSeconds()), rate(run.eventsPerSecond()),
                rate(run.transfersPerSecond()), ratio(run.eventsVsRawBatched()), ratio(run.eventsVsRawOneRowPerCommit()));
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String rate(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
    }
}
