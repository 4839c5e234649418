package dev.ledger.api.bench;

import dev.ledger.api.rebuild.ProjectionRebuilder;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.projections.ProjectionCatalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The rebuild rate: every read model rebuilt from the event store verify-only (replayed into its shadow
 * tables, compared with the live tables, rolled back), so the live read models are untouched. Each read
 * model replays every event of the store, one read model after the other.
 */
final class RebuildBenchmark {

    private final LedgerStore store;
    private final Consumer<String> progress;

    RebuildBenchmark(LedgerStore store, Consumer<String> progress) {
        this.store = store;
        this.progress = progress;
    }

    /**
     * Rebuilds every read model and compares the rate, events replayed summed over the read models per
     * second of the whole run, with the raw sequential read rate of the event table.
     */
    BenchReport.RebuildRun measure(BenchReport.RawReadRun rawRead) {
        ProjectionRebuilder rebuilder = new ProjectionRebuilder(store);
        List<BenchReport.ReadModelRebuild> perReadModel = new ArrayList<>();
        long eventsReplayed = 0;
        double elapsedSeconds = 0;
        for (String name : ProjectionCatalog.names()) {
            ProjectionRebuilder.Result result = rebuilder.rebuild(name, true, (projection, done, total, rate) ->
                    progress.accept(String.format(Locale.ROOT, "rebuild (verify-only) %s: %,d of %,d events, %,.0f events/s",
                            projection, done, total, rate)));
            double seconds = result.took().toNanos() / 1e9;
            perReadModel.add(new BenchReport.ReadModelRebuild(name, result.events(), Figures.seconds(seconds),
                    Figures.rate(result.events(), seconds)));
            eventsReplayed += result.events();
            elapsedSeconds += seconds;
        }
        double eventsPerSecond = Figures.rate(eventsReplayed, elapsedSeconds);
        return new BenchReport.RebuildRun(perReadModel.size(), eventsReplayed, Figures.seconds(elapsedSeconds),
                eventsPerSecond, Figures.ratio(eventsPerSecond, rawRead.rowsPerSecond()), perReadModel);
    }
}
