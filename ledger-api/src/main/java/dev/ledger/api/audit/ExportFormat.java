package dev.ledger.api.audit;

import java.util.Locale;

/** The two shapes of an audit export; both carry the same hash chain (see {@code docs/audit-export.md}). */
public enum ExportFormat {
    /** One ledger-specific JSON object per event, then a trailer object. The default. */
    JSON_LINES("jsonl"),
    /** One CloudEvents 1.0 event per line (JSON format, structured mode), then a trailer event. */
    CLOUDEVENTS("cloudevents");

    private final String cliName;

    ExportFormat(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line: {@code jsonl} or {@code cloudevents}. */
    public String cliName() {
        return cliName;
    }

    /** Parses a command-line name ({@code jsonl} or {@code cloudevents}, any case). */
    public static ExportFormat parse(String name) {
        if (name != null) {
            String lower = name.trim().toLowerCase(Locale.ROOT);
            for (ExportFormat format : values()) {
                if (format.cliName.equals(lower)) {
                    return format;
                }
            }
        }
        throw new IllegalArgumentException("unknown export format '" + name + "': use jsonl or cloudevents");
    }
}
