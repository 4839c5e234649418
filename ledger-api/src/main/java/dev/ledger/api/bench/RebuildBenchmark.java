package dev.ledger.api.bench;

import dev.ledger.api.rebuild.ProjectionRebuilder;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.projections.ProjectionCatalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The rebuild rate: read models rebuilt from the event store verify-only (replayed into their shadow tables,
 * compared with the live tables, rolled back), so the live read models are untouched: each one alone, then all
 * of them together in one pass over the events.
 */
final class RebuildBenchmark {

    private final LedgerStore store;
    private final Consumer<String> progress;
    private JitWarmUp.Result warmUp;

    RebuildBenchmark(LedgerStore store, Consumer<String> progress) {
        this.store = store;
        this.progress = progress;
    }

    /** How the warm-up of the last {@link #measure} ended. */
    JitWarmUp.Result warmUp() {
        return Objects.requireNonNull(warmUp, "measure first");
    }

    /**
     * After warm-up rounds (all read models rebuilt in one pass, until the JIT compiler has settled), rebuilds
     * each read model alone, then all of them in one pass, and sets each rate beside the raw sequential
     * read rate of the event table. A read model's rate is the events it replayed per second; the all-together
     * rate is the events of the store per second of the one pass (each event applied to every read model).
     */
    BenchReport.RebuildRun measure(BenchReport.RawReadRun rawRead) {
        ProjectionRebuilder rebuilder = new ProjectionRebuilder(store);
        progress.accept("rebuild: warming up, all read models in one pass until the JIT compiler settles");
        warmUp = new JitWarmUp().run(() ->
                rebuilder.rebuildAll(ProjectionCatalog.names(), true, ProjectionRebuilder.Progress.NONE));
        List<BenchReport.ReadModelRebuild> perReadModel = new ArrayList<>();
        for (String name : ProjectionCatalog.names()) {
            ProjectionRebuilder.Result result = rebuilder.rebuild(name, true, (projection, done, total, rate) ->
                    progress.accept(String.format(Locale.ROOT, "rebuild (verify-only) %s: %,d of %,d events, %,.0f events/s",
                            projection, done, total, rate)));
            double seconds = result.took().toNanos() / 1e9;
            double eventsPerSecond = Figures.rate(result.events(), seconds);
            perReadModel.add(new BenchReport.ReadModelRebuild(name, result.events(), Figures.seconds(seconds),
                    eventsPerSecond, Figures.ratio(eventsPerSecond, rawRead.rowsPerSecond())));
        }
        long started = System.nanoTime();
        List<ProjectionRebuilder.Result> all = rebuilder.rebuildAll(ProjectionCatalog.names(), true,
                (projection, done, total, rate) -> progress.accept(String.format(Locale.ROOT,
                        "rebuild (verify-only) of all read models in one pass: %,d of %,d events, %,.0f events/s",
                        done, total, rate)));
        double seconds = (System.nanoTime() - started) / 1e9;
        long events = all.stream().mapToLong(ProjectionRebuilder.Result::events).max().orElse(0);
        double eventsPerSecond = Figures.rate(events, seconds);
        return new BenchReport.RebuildRun(perReadModel.size(), events, Figures.seconds(seconds), eventsPerSecond,
                Figures.ratio(eventsPerSecond, rawRead.rowsPerSecond()), perReadModel);
    }
}
