package dev.ledger.api.audit;

import org.h2.jdbcx.JdbcDataSource;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/**
 * Runs an export or a verification in a JVM of its own, so that {@link AuditExportMemoryIT} can give it
 * a small heap: {@code export JDBC_URL FILE FORMAT} or {@code verify FILE}. Prints one line with the
 * result, the time taken and the heap's peak use; exits 0 when done, 1 when verification fails.
 */
public final class AuditExportMain {

    private AuditExportMain() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        String outcome;
        int status = 0;
        switch (args[0]) {
            case "export" -> {
                JdbcDataSource dataSource = new JdbcDataSource();
                dataSource.setURL(args[1]);
                dataSource.setUser("sa");
                ExportSummary summary = AuditExport.write(dataSource, ExportFilter.all(), ExportFormat.parse(args[3]),
                        Path.of(args[2]), ExportProgress.NONE);
                outcome = "exported " + summary.describe();
            }
            case "verify" -> {
                VerificationResult result = AuditVerifier.verify(Path.of(args[1]));
                outcome = result.message();
                status = result.ok() ? 0 : 1;
            }
            default -> throw new IllegalArgumentException("usage: export JDBC_URL FILE FORMAT | verify FILE");
        }
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        System.out.println(outcome + " in " + elapsedMs + " ms, heap max " + mib(Runtime.getRuntime().maxMemory())
                + " MiB, heap peak " + mib(peakHeapBytes()) + " MiB (garbage included)");
        System.exit(status);
    }

    private static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
