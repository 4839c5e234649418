package dev.ledger.api.audit;

import dev.ledger.api.support.MutableClock;

import dev.ledger.api.Ledger;
import dev.ledger.api.store.StoreSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The third-party verifier printed in {@code docs/audit-export.md}, run as it stands in the document
 * with {@code python3}: it accepts real exports with the same words as {@link AuditVerifier} and names
 * the same first bad line for damaged ones. Skipped where there is no python3. The exports it checks
 * are left in {@code target/audit-example/} for the document's worked example.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditDocsTest {

    private static final Path DOC = Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("audit-export.md");
    private static final Path EXAMPLES = Path.of("target", "audit-example");
    private static final int DAMAGED_FILES = 24;

    private final long seed = Long.getLong("audit.seed", System.nanoTime());
    private Ledger ledger;
    private Path script;

    @BeforeAll
    void setUp() throws Exception {
        assumeTrue(python3Available(), "python3 is not installed");
        String doc = Files.readString(DOC);
        Matcher block = Pattern.compile("```python\n(#!/usr/bin/env python3\n.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(block.find()).as("a python block starting with #!/usr/bin/env python3 in " + DOC).isTrue();
        Files.createDirectories(EXAMPLES);
        script = EXAMPLES.resolve("verify_audit_export.py");
        Files.writeString(script, block.group(1));
        System.out.println("AuditDocsTest seed=" + seed);
        MutableClock clock = new MutableClock(AuditScenario.DAY_1);
        ledger = Ledger.builder().store(StoreSettings.inMemory("docs-" + UUID.randomUUID())).clock(clock).build();
        AuditScenario.populate(ledger, clock);
    }

    @AfterAll
    void close() {
        if (ledger != null) {
            ledger.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void thePythonVerifierAgreesWithTheJavaOne(ExportFormat format) throws Exception {
        Path export = EXAMPLES.resolve(format == ExportFormat.CLOUDEVENTS ? "export.cloudevents.jsonl" : "export.jsonl");
        AuditExport.write(ledger.store(), ExportFilter.all(), format, export, null);
        VerificationResult java = AuditVerifier.verify(export);
        assertThat(java.ok()).isTrue();
        assertThat(python(export)).isEqualTo(new Outcome(0, java.message()));

        byte[] original = Files.readAllBytes(export);
        List<String> lines = Exports.lines(new String(original, StandardCharsets.UTF_8));
        Random random = new Random(seed + format.ordinal());
        Path damaged = EXAMPLES.resolve("damaged-" + format.cliName() + ".jsonl");
        for (int i = 0; i < DAMAGED_FILES; i++) {
            byte[] bytes;
            String what;
            switch (i % 4) {
                case 0 -> {
                    bytes = original.clone();
                    int at = random.nextInt(bytes.length);
                    bytes[at] = (byte) (bytes[at] ^ (1 << random.nextInt(8)));
                    what = "bit flipped in byte " + at;
                }
                case 1 -> {
                    List<String> edited = new ArrayList<>(lines);
                    int removed = random.nextInt(edited.size());
                    edited.remove(removed);
                    what = "line " + (removed + 1) + " removed";
                    bytes = Exports.join(edited);
                }
                case 2 -> {
                    List<String> edited = new ArrayList<>(lines);
                    int a = random.nextInt(edited.size() - 1);
                    edited.set(a, lines.get(a + 1));
                    edited.set(a + 1, lines.get(a));
                    bytes = Exports.join(edited);
                    what = "lines " + (a + 1) + " and " + (a + 2) + " swapped";
                }
                default -> {
                    List<String> edited = new ArrayList<>(lines);
                    int at = random.nextInt(edited.size() + 1);
                    edited.add(at, lines.get(random.nextInt(lines.size())));
                    bytes = Exports.join(edited);
                    what = "a copy inserted at line " + (at + 1);
                }
            }
            Files.write(damaged, bytes);
            VerificationResult expected = AuditVerifier.verify(damaged);
            Outcome actual = python(damaged);
            assertThat(expected.ok()).as(what).isFalse();
            assertThat(actual.status()).as(what + ": " + actual.output()).isEqualTo(1);
            assertThat(actual.output()).as("seed " + seed + ", " + what + "; Java says " + expected.message())
                    .startsWith("line " + expected.firstBadLine() + ": ");
        }
    }

    record Outcome(int status, String output) {
    }

    private Outcome python(Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("python3", script.toString(), file.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Outcome(process.exitValue(), output);
    }

    private static boolean python3Available() {
        try {
            Process process = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
