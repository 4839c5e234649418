package dev.ledger.api.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.api.rebuild.ProjectionRebuilder;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.projections.ProjectionCatalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Rebuilds every read model (verify-only, in one pass) in a JVM of its own whose heap is capped, to show the
 * rebuild's memory does not grow with the store. {@link #run} starts that JVM on the bench's own class path;
 * {@link #main} is what runs in it and prints one JSON line: the events replayed, the seconds, the peak heap
 * used. On an embedded H2 store the child reaches the database through H2's server in the bench's process, so
 * the database's own cache is not in the child's heap; on PostgreSQL it is in the server anyway.
 */
public final class HeapBoundRebuildProbe {

    private static final String PASSWORD_VARIABLE = "LEDGER_DB_PASSWORD";

    private HeapBoundRebuildProbe() {
    }

    /** Runs the rebuild in a child JVM with {@code -Xmx<heapMiB>m} on {@code settings}' store. */
    static BenchReport.HeapBoundRebuild run(StoreSettings settings, int heapMiB, long timeoutMinutes) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx" + heapMiB + "m",
                "-cp", System.getProperty("java.class.path"), HeapBoundRebuildProbe.class.getName(),
                settings.jdbcUrl(), settings.user() == null ? "" : settings.user()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, settings.password() == null ? "" : settings.password());
        try {
            Process child = builder.start();
            List<String> output = new ArrayList<>();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                }
            }
            if (!child.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                child.destroyForcibly();
                return failed(heapMiB, "did not finish within " + timeoutMinutes + " minutes");
            }
            String last = output.isEmpty() ? "" : output.get(output.size() - 1);
            if (child.exitValue() != 0 || !last.startsWith("{")) {
                String tail = String.join(" | ", output.subList(Math.max(0, output.size() - 3), output.size()));
                return failed(heapMiB, "exit " + child.exitValue() + ": " + tail);
            }
            JsonNode result = new ObjectMapper().readTree(last);
            double seconds = result.get("seconds").asDouble();
            long events = result.get("events").asLong();
            return new BenchReport.HeapBoundRebuild(heapMiB, true, events, Figures.seconds(seconds),
                    Figures.rate(events, seconds), result.get("peakHeapBytes").asLong(), null);
        } catch (IOException e) {
            return failed(heapMiB, "could not start the child JVM: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(heapMiB, "interrupted");
        }
    }

    private static BenchReport.HeapBoundRebuild failed(int heapMiB, String why) {
        return new BenchReport.HeapBoundRebuild(heapMiB, false, 0, 0, 0, 0, why);
    }

    /** In the child: {@code JDBC_URL USER}, the password in {@value #PASSWORD_VARIABLE}. */
    public static void main(String[] args) throws IOException {
        String password = System.getenv().getOrDefault(PASSWORD_VARIABLE, "");
        StoreSettings settings = StoreSettings.of(args[0], args[1].isEmpty() ? null : args[1], password);
        long started = System.nanoTime();
        long events;
        try (LedgerStore store = LedgerStore.open(settings)) {
            List<ProjectionRebuilder.Result> results = new ProjectionRebuilder(store)
                    .rebuildAll(ProjectionCatalog.names(), true, ProjectionRebuilder.Progress.NONE);
            events = results.stream().mapToLong(ProjectionRebuilder.Result::events).max().orElse(0);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println(new ObjectMapper().writeValueAsString(Map.of("events", events, "seconds", seconds,
                "peakHeapBytes", peak)));
        System.exit(0);
    }
}
