package dev.ledger.api.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.sql.DataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: export to memory, split into lines, read lines as JSON, verify bytes. */
final class Exports {

    static final ObjectMapper JSON = new ObjectMapper();

    record Export(byte[] bytes, ExportSummary summary) {

        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** The lines without their newlines; the last is the trailer. */
        List<String> lines() {
            return Exports.lines(text());
        }

        List<ObjectNode> eventLines() {
            List<String> lines = lines();
            List<ObjectNode> events = new ArrayList<>();
            for (String line : lines.subList(0, lines.size() - 1)) {
                events.add(json(line));
            }
            return events;
        }

        ObjectNode trailer() {
            List<String> lines = lines();
            return json(lines.get(lines.size() - 1));
        }

        /** Global positions of the event lines, from either format. */
        List<Long> positions() {
            return eventLines().stream()
                    .map(line -> line.has("position") ? line.get("position").asLong()
                            : Long.parseLong(line.get("ledgerposition").textValue()))
                    .toList();
        }
    }

    private Exports() {
    }

    static Export export(DataSource dataSource, ExportFilter filter, ExportFormat format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ExportSummary summary = AuditExport.write(dataSource, filter, format, out, ExportProgress.NONE);
            return new Export(out.toByteArray(), summary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static VerificationResult verify(byte[] bytes) {
        try {
            return AuditVerifier.verify(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    static byte[] join(List<String> lines) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    static ObjectNode json(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
