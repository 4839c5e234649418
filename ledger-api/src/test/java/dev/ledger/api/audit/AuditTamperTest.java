package dev.ledger.api.audit;

import dev.ledger.api.support.MutableClock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.api.Ledger;
import dev.ledger.api.store.StoreSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ledger.api.audit.Exports.export;
import static dev.ledger.api.audit.Exports.join;
import static dev.ledger.api.audit.Exports.verify;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tampering with an export in any of thousands of seeded random ways is detected, and the verifier
 * names the line where the damage starts. Set {@code -Daudit.seed=N} to replay a run; the seed is
 * printed and in every failure message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditTamperTest {

    private static final int BYTE_MUTATIONS = 3000;
    private static final int INSERTIONS = 500;
    private static final int SWAPS = 500;
    private static final int TRUNCATIONS = 300;
    private static final int RESEALED_EDITS = 200;
    private static final Pattern HASH_VALUE =
            Pattern.compile("\"(?:hash|prevHash|headHash|ledgerhash|ledgerprevhash)\":\"([0-9a-f]{64})\"");

    private final long seed = Long.getLong("audit.seed", System.nanoTime());
    private Ledger ledger;

    /** Where a mutated byte sits; the mutations are spread evenly over these. */
    enum ByteClass { NEWLINE, HASH_HEX, TRAILER, DIGIT, STRUCTURE, STRING_TEXT }

    @BeforeAll
    void populate() {
        System.out.println("AuditTamperTest seed=" + seed + " (replay with -Daudit.seed=" + seed + ")");
        MutableClock clock = new MutableClock(AuditScenario.DAY_1);
        ledger = Ledger.builder().store(StoreSettings.inMemory("tamper-" + UUID.randomUUID())).clock(clock).build();
        AuditScenario.populate(ledger, clock);
    }

    @AfterAll
    void close() {
        ledger.close();
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void everySingleByteChangeIsDetectedOnItsLine(ExportFormat format) {
        byte[] original = exportAll(format);
        assertThat(verify(original).ok()).isTrue();
        Map<ByteClass, List<Integer>> positions = classify(original);
        Random random = new Random(seed);
        Map<ByteClass, Integer> tried = new EnumMap<>(ByteClass.class);
        List<ByteClass> classes = positions.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        assertThat(classes).containsExactlyInAnyOrder(ByteClass.values());
        for (int i = 0; i < BYTE_MUTATIONS; i++) {
            ByteClass byteClass = classes.get(random.nextInt(classes.size()));
            List<Integer> candidates = positions.get(byteClass);
            int position = candidates.get(random.nextInt(candidates.size()));
            byte[] mutated = original.clone();
            mutated[position] = replacement(original[position], random);
            long line = lineOf(original, position);
            VerificationResult result = verify(mutated);
            String what = "seed " + seed + ", " + byteClass + " byte " + position + " (line " + line + ") "
                    + (char) original[position] + " -> 0x" + Integer.toHexString(mutated[position] & 0xFF);
            assertThat(result.ok()).as(what).isFalse();
            assertThat(result.firstBadLine()).as(what + ": " + result.message()).isEqualTo(line);
            tried.merge(byteClass, 1, Integer::sum);
        }
        System.out.println(format + " byte mutations per class: " + tried);
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void removingAnyLineIsDetectedWhereItWas(ExportFormat format) {
        List<String> lines = Exports.lines(new String(exportAll(format), StandardCharsets.UTF_8));
        for (int removed = 0; removed < lines.size(); removed++) {
            List<String> edited = new ArrayList<>(lines);
            edited.remove(removed);
            VerificationResult result = verify(join(edited));
            assertThat(result.ok()).as("line %d removed", removed + 1).isFalse();
            assertThat(result.firstBadLine()).as(result.message()).isEqualTo(removed + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void insertingAnyLineAnywhereIsDetected(ExportFormat format) {
        List<String> lines = Exports.lines(new String(exportAll(format), StandardCharsets.UTF_8));
        List<String> foreign = new ArrayList<>();
        for (ExportFormat other : ExportFormat.values()) {
            foreign.addAll(export(ledger.store().dataSource(), ExportFilter.all().withUser("alice"), other).lines());
            foreign.addAll(export(ledger.store().dataSource(), ExportFilter.all(), other).lines());
        }
        foreign.add("");
        foreign.add("{}");
        Random random = new Random(seed + 1);
        for (int i = 0; i < INSERTIONS; i++) {
            int at = random.nextInt(lines.size() + 1);
            String inserted = random.nextBoolean() ? lines.get(random.nextInt(lines.size())) : foreign.get(random.nextInt(foreign.size()));
            List<String> edited = new ArrayList<>(lines);
            edited.add(at, inserted);
            VerificationResult result = verify(join(edited));
            String what = "seed " + seed + ", inserted at line " + (at + 1) + ": " + inserted;
            assertThat(result.ok()).as(what).isFalse();
            // A foreign line that could have been there (a first line of another export, inserted first)
            // only shows as wrong at the next line.
            assertThat(result.firstBadLine()).as(what + " -> " + result.message()).isBetween(at + 1L, at + 2L);
        }
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void swappingAnyTwoLinesIsDetectedAtTheFirst(ExportFormat format) {
        List<String> lines = Exports.lines(new String(exportAll(format), StandardCharsets.UTF_8));
        Random random = new Random(seed + 2);
        for (int i = 0; i < SWAPS; i++) {
            int a = random.nextInt(lines.size());
            int b = random.nextInt(lines.size() - 1);
            b = b >= a ? b + 1 : b;
            List<String> edited = new ArrayList<>(lines);
            edited.set(a, lines.get(b));
            edited.set(b, lines.get(a));
            VerificationResult result = verify(join(edited));
            assertThat(result.ok()).as("seed %d, lines %d and %d swapped", seed, a + 1, b + 1).isFalse();
            assertThat(result.firstBadLine()).as(result.message()).isEqualTo(Math.min(a, b) + 1L);
        }
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void truncatingTheFileAnywhereIsDetected(ExportFormat format) {
        byte[] original = exportAll(format);
        Random random = new Random(seed + 3);
        for (int i = 0; i < TRUNCATIONS; i++) {
            int length = random.nextInt(original.length);
            byte[] truncated = java.util.Arrays.copyOf(original, length);
            VerificationResult result = verify(truncated);
            assertThat(result.ok()).as("seed %d, cut to %d bytes", seed, length).isFalse();
            assertThat(result.firstBadLine()).as(result.message()).isEqualTo(lineOf(original, length));
        }
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void anEditedLineWithARecomputedHashBreaksTheLinkToTheNextLine(ExportFormat format) {
        List<String> lines = Exports.lines(new String(exportAll(format), StandardCharsets.UTF_8));
        String payload = format == ExportFormat.CLOUDEVENTS ? "data" : "payload";
        Random random = new Random(seed + 4);
        for (int i = 0; i < RESEALED_EDITS; i++) {
            int at = random.nextInt(lines.size() - 1);
            List<String> edited = new ArrayList<>(lines);
            edited.set(at, reseal(lines.get(at), format, line -> ((ObjectNode) line.get(payload)).put("forged", random.nextInt())));
            VerificationResult result = verify(join(edited));
            assertThat(result.ok()).as("seed %d, line %d forged", seed, at + 1).isFalse();
            assertThat(result.firstBadLine()).as(result.message()).isEqualTo(at + 2L);
            assertThat(result.reason()).contains("does not match the hash of line " + (at + 1));
        }
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void aChangedMissingOrRepeatedTrailerIsDetected(ExportFormat format) {
        List<String> lines = Exports.lines(new String(exportAll(format), StandardCharsets.UTF_8));
        int trailer = lines.size() - 1;
        Consumer<ObjectNode> moreEvents = format == ExportFormat.CLOUDEVENTS
                ? line -> ((ObjectNode) line.get("data")).put("count", lines.size())
                : line -> line.put("count", lines.size());
        Consumer<ObjectNode> otherHead = format == ExportFormat.CLOUDEVENTS
                ? line -> ((ObjectNode) line.get("data")).put("headHash", "1".repeat(64))
                : line -> line.put("headHash", "1".repeat(64));

        expectBad(replaceLine(lines, trailer, reseal(lines.get(trailer), format, moreEvents)), trailer + 1, "the trailer counts");
        expectBad(replaceLine(lines, trailer, reseal(lines.get(trailer), format, otherHead)), trailer + 1, "headHash");
        expectBad(lines.subList(0, trailer), trailer + 1, "missing trailer");
        List<String> twice = new ArrayList<>(lines);
        twice.add(lines.get(trailer));
        expectBad(twice, trailer + 2, "data after the trailer");
        String otherTrailer = export(ledger.store().dataSource(), ExportFilter.all().withUser("alice"), format).trailer().toString();
        expectBad(replaceLine(lines, trailer, otherTrailer), trailer + 1, "");
        expectBad(List.of(), 1, "the file is empty");
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void aLineThatMeansTheSameButIsNotCanonicalIsDetected(ExportFormat format) {
        List<String> lines = Exports.lines(new String(exportAll(format), StandardCharsets.UTF_8));
        String line = lines.get(3);
        ObjectNode parsed = Exports.json(line);
        expectBad(replaceLine(lines, 3, line.replaceFirst(",", ", ")), 4, "not in canonical form");
        expectBad(replaceLine(lines, 3, parsed.toPrettyString()), 4, "not valid JSON"); // a line break inside
        expectBad(replaceLine(lines, 3, line + "\r"), 4, "not in canonical form");
        int withAsset = lines.indexOf(lines.stream().filter(l -> l.contains("\"USDT\"")).findFirst().orElseThrow());
        String escaped = lines.get(withAsset).replace("\"USDT\"", "\"\\u0055SDT\"");
        assertThat(escaped).isNotEqualTo(lines.get(withAsset));
        expectBad(replaceLine(lines, withAsset, escaped), withAsset + 1, "not in canonical form");
        ObjectNode reordered = Exports.JSON.createObjectNode();
        List<String> names = new ArrayList<>();
        parsed.fieldNames().forEachRemaining(names::add);
        java.util.Collections.reverse(names);
        names.forEach(name -> reordered.set(name, parsed.get(name)));
        expectBad(replaceLine(lines, 3, reordered.toString()), 4, "not in canonical form");
        byte[] withoutFinalNewline = join(lines);
        expectBad(java.util.Arrays.copyOf(withoutFinalNewline, withoutFinalNewline.length - 1), lines.size(),
                "does not end with a newline");
    }

    private void expectBad(List<String> lines, long line, String reason) {
        expectBad(join(lines), line, reason);
    }

    private void expectBad(byte[] file, long line, String reason) {
        VerificationResult result = verify(file);
        assertThat(result.ok()).as(result.message()).isFalse();
        assertThat(result.firstBadLine()).as(result.message()).isEqualTo(line);
        assertThat(result.reason()).contains(reason);
        assertThat(result.message()).startsWith("line " + line + ": ");
    }

    private byte[] exportAll(ExportFormat format) {
        return export(ledger.store().dataSource(), ExportFilter.all(), format).bytes();
    }

    /** Edits a line and gives it a correct hash for its new content (what a careful forger would do). */
    private static String reseal(String line, ExportFormat format, Consumer<ObjectNode> edit) {
        String hashMember = format == ExportFormat.CLOUDEVENTS ? "ledgerhash" : "hash";
        String prevMember = format == ExportFormat.CLOUDEVENTS ? "ledgerprevhash" : "prevHash";
        ObjectNode node = Exports.json(line);
        edit.accept(node);
        node.remove(hashMember);
        return new AuditLines().seal(node, hashMember, node.get(prevMember).textValue()).text();
    }

    private static List<String> replaceLine(List<String> lines, int index, String replacement) {
        List<String> edited = new ArrayList<>(lines);
        edited.set(index, replacement);
        return edited;
    }

    /** The 1-based line that byte {@code position} belongs to (a newline belongs to the line it ends). */
    private static long lineOf(byte[] file, int position) {
        long line = 1;
        for (int i = 0; i < position; i++) {
            if (file[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private static byte replacement(byte original, Random random) {
        int value;
        do {
            switch (random.nextInt(3)) {
                case 0 -> value = (original ^ (1 << random.nextInt(8))) & 0xFF;
                case 1 -> value = random.nextInt(256);
                default -> {
                    // Something plausible: a digit for a digit, a hex digit for a hex digit, a letter for a letter.
                    String alphabet = Character.isDigit(original) ? "0123456789"
                            : (original >= 'a' && original <= 'f') ? "0123456789abcdef"
                            : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
                    value = alphabet.charAt(random.nextInt(alphabet.length()));
                }
            }
        } while (value == (original & 0xFF));
        return (byte) value;
    }

    private static Map<ByteClass, List<Integer>> classify(byte[] file) {
        Map<ByteClass, List<Integer>> classes = new EnumMap<>(ByteClass.class);
        for (ByteClass byteClass : ByteClass.values()) {
            classes.put(byteClass, new ArrayList<>());
        }
        // One char per byte, so regex offsets are byte offsets.
        String bytes = new String(file, StandardCharsets.ISO_8859_1);
        boolean[] hashHex = new boolean[file.length];
        Matcher matcher = HASH_VALUE.matcher(bytes);
        while (matcher.find()) {
            for (int i = matcher.start(1); i < matcher.end(1); i++) {
                hashHex[i] = true;
            }
        }
        int trailerStart = bytes.lastIndexOf('\n', file.length - 2) + 1;
        for (int i = 0; i < file.length; i++) {
            char c = bytes.charAt(i);
            ByteClass byteClass;
            if (c == '\n') {
                byteClass = ByteClass.NEWLINE;
            } else if (hashHex[i]) {
                byteClass = ByteClass.HASH_HEX;
            } else if (i >= trailerStart) {
                byteClass = ByteClass.TRAILER;
            } else if (c >= '0' && c <= '9') {
                byteClass = ByteClass.DIGIT;
            } else if ("{}[]:,\"".indexOf(c) >= 0) {
                byteClass = ByteClass.STRUCTURE;
            } else {
                byteClass = ByteClass.STRING_TEXT;
            }
            classes.get(byteClass).add(i);
        }
        return classes;
    }
}
