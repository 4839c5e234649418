package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.json.ViewJson;
import dev.ledger.api.rebuild.ProjectionRebuilder;
import dev.ledger.projections.ProjectionCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "rebuild", description = {
        "Rebuilds read models from the event store (all by default), or with --verify compares them with the live ones.",
        "Every read model (or those named with --projection) is replayed into shadow tables, all in one pass over the "
                + "events, while the live ones keep serving; then each is switched in one transaction at its live "
                + "position; interrupted, it leaves the live models untouched.",
        "With --verify nothing is switched: the rebuilt model is compared with the live one at the same position and "
                + "the rows that differ are listed (at most 50 per table and side); exit status 1 if any differ.",
        "Other ledger processes may keep running. Progress (events, rate, time left) shows on standard error when it "
                + "is a terminal.",
        "JSON: {\"verify\", \"differences\", \"projections\": [{\"projection\", \"events\", \"position\", \"seconds\", "
                + "\"eventsPerSecond\", \"switched\", \"differences\": [...]}]}."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:rebuilt (or, with --verify, no difference found)",
                "1:--verify found differences between the live and the rebuilt read models",
                "2:bad usage (e.g. an unknown --projection), or the store failed"})
final class RebuildCommand implements Callable<Integer> {

    @Option(names = "--projection", paramLabel = "NAME", completionCandidates = KnownProjections.class,
            description = "a read model to rebuild (repeatable): one of ${COMPLETION-CANDIDATES}; default: all")
    List<String> projections = new ArrayList<>();

    @Option(names = "--verify", description = "compare rebuilt and live read models, list the differences, switch nothing")
    boolean verify;

    @Option(names = "--json", description = "print one JSON document instead of a table")
    boolean json;

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    /** The names --projection accepts, from the one catalogue of read models. */
    static final class KnownProjections implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ProjectionCatalog.names().iterator();
        }
    }

    /** What the run did, per read model, in the order they were rebuilt. */
    record Report(boolean verify, int differences, List<Rebuilt> projections) {
        Report {
            projections = List.copyOf(projections);
        }
    }

    /**
     * One read model: events replayed, the event position it was rebuilt up to (-1: no event yet), how long it
     * took, and whether it was switched in; {@code differences} are the rows live and rebuilt disagreed on.
     */
    record Rebuilt(String projection, long events, long position, double seconds, double eventsPerSecond,
                   boolean switched, List<String> differences) {
        Rebuilt {
            differences = List.copyOf(differences);
        }
    }

    @Override
    public Integer call() {
        List<String> names = chosen();
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = Progress.onTerminal(err);
        List<Rebuilt> rebuilt = new ArrayList<>();
        // The live processors stay off in this process: a read model that is being repaired may be one whose
        // processor fails, and the rebuild must not wait for it. The rebuild reads their committed positions.
        try (Ledger ledger = StoreOptions.builder(store.settings()).startReadModels(false).build()) {
            ProjectionRebuilder rebuilder = new ProjectionRebuilder(ledger.store());
            // One pass over the events for all the chosen read models; then each switches on its own.
            List<ProjectionRebuilder.Result> results = rebuilder.rebuildAll(names, verify,
                    (projection, done, total, rate) -> progress.show(status(projection, done, total, rate)));
            progress.done();
            for (ProjectionRebuilder.Result result : results) {
                double seconds = result.took().toNanos() / 1e9;
                rebuilt.add(new Rebuilt(result.projection(), result.events(), result.position(), round(seconds, 3),
                        round(result.events() / Math.max(seconds, 1e-9), 0), result.switched(), result.differences()));
            }
        } finally {
            progress.done();
        }
        int differences = rebuilt.stream().mapToInt(r -> r.differences().size()).sum();
        Report report = new Report(verify, differences, rebuilt);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ViewJson.write(report));
        } else {
            print(report, out);
        }
        out.flush();
        return verify && differences > 0 ? ExitCodes.PROBLEM_REPORTED : ExitCodes.DONE;
    }

    /** The named read models in the catalogue's order, or all; an unknown name stops the run before it starts. */
    private List<String> chosen() {
        List<String> known = ProjectionCatalog.names();
        if (projections.isEmpty()) {
            return known;
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String name : projections) {
            if (!known.contains(name)) {
                throw new CliFailure(spec.qualifiedName() + ": --projection " + name + ": no read model of that name; "
                        + "known: " + String.join(", ", known));
            }
            wanted.add(name);
        }
        return known.stream().filter(wanted::contains).toList();
    }

    /**
     * "rebuild balance: 40,000 of 72,000 events (55%), 20,000 events/s, about 2s left". Events are counted by
     * their position in the event store, so gaps in the index count as done.
     */
    static String status(String projection, long done, long total, double eventsPerSecond) {
        long left = Math.max(total - done, 0);
        long secondsLeft = eventsPerSecond > 0 ? Math.round(left / eventsPerSecond) : -1;
        String eta = left == 0 ? "done" : secondsLeft < 0 ? "time left unknown"
                : secondsLeft == 0 ? "less than 1s left" : "about " + MigrateStatusCommand.waited(secondsLeft) + " left";
        return String.format(Locale.ROOT, "rebuild %s: %,d of %,d events (%d%%), %,.0f events/s, %s",
                projection, done, total, total == 0 ? 100 : done * 100 / total, eventsPerSecond, eta);
    }

    private static void print(Report report, PrintWriter out) {
        TextTable table = TextTable.withLabelColumn("read model", "events", "position", "seconds", "events/s", "result");
        for (Rebuilt r : report.projections()) {
            table.row(r.projection(), String.format(Locale.ROOT, "%,d", r.events()), Long.toString(r.position()),
                    String.format(Locale.ROOT, "%.3f", r.seconds()), String.format(Locale.ROOT, "%,.0f", r.eventsPerSecond()),
                    result(r, report.verify()));
        }
        table.print(out, "");
        BoundedLines rows = new BoundedLines(out);
        for (Rebuilt r : report.projections()) {
            if (!r.differences().isEmpty()) {
                if (!rows.hasRoom()) {
                    rows.skip(r.differences().size());
                    continue;
                }
                out.println();
                out.println(r.projection() + (report.verify() ? ": live and rebuilt differ in these rows" + ":"
                        : ": the live model differed in these rows (now replaced by the rebuilt ones):"));
                r.differences().forEach(d -> rows.println("  " + d));
            }
        }
        rows.finish("differing rows", "--json lists them all");
        out.println();
        if (report.verify()) {
            out.println(report.differences() == 0
                    ? "verified " + report.projections().size() + " read model(s): no differences; nothing was switched"
                    : "verify found " + report.differences() + " differing row(s); nothing was switched. Run 'ledger rebuild"
                    + " --projection NAME' for the read models listed to replace them with the rebuilt ones.");
        } else {
            out.println("rebuilt and switched " + report.projections().size() + " read model(s)");
        }
    }

    private static String result(Rebuilt r, boolean verify) {
        int n = r.differences().size();
        if (verify) {
            return n == 0 ? "no differences" : n + (n == 1 ? " difference" : " differences");
        }
        return r.switched() ? "switched" + (n == 0 ? "" : " (replaced " + n + " differing row" + (n == 1 ? ")" : "s)"))
                : "not switched";
    }

    private static double round(double value, int decimals) {
        return new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).doubleValue();
    }
}
