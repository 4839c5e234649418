package dev.ledger.api;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Micrometer is an optional dependency: a ledger built without {@code meterRegistry(...)} must build and run
 * with neither micrometer-core nor axon-micrometer on the class path (no NoClassDefFoundError). The test class
 * path has them, so the ledger runs here in a class loader over the same class path without them.
 */
class MicrometerAbsentTest {

    private static boolean isMicrometer(String entry) {
        String path = entry.replace(File.separatorChar, '/');
        return path.contains("/io/micrometer/") || path.contains("/org/axonframework/axon-micrometer/")
                || path.contains("/org/hdrhistogram/") || path.contains("/org/latencyutils/");
    }

    @Test
    void aLedgerWithoutARegistryBuildsRunsAndClosesWithoutMicrometerOnTheClassPath() throws Exception {
        List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        assertThat(entries).as("the test class path names its jars").anyMatch(MicrometerAbsentTest::isMicrometer);

        List<URL> withoutMicrometer = new ArrayList<>();
        for (String entry : entries) {
            if (!entry.isBlank() && !isMicrometer(entry)) {
                withoutMicrometer.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader loader = new URLClassLoader(withoutMicrometer.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            Class<?> probe = loader.loadClass(NoMicrometerProbe.class.getName());
            assertThat(probe.getClassLoader()).isSameAs(loader);
            @SuppressWarnings("unchecked")
            Callable<String> run = (Callable<String>) probe.getConstructor().newInstance();

            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(loader);
            try {
                assertThat(run.call()).isEqualTo("Accepted Accepted 10.00000000 UP");
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }
    }
}
