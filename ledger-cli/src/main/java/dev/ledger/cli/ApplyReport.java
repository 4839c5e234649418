package dev.ledger.cli;

import dev.ledger.api.Outcome;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code apply} did, in the JSON shape of {@code cli.md}: counts of applied, duplicate and
 * rejected commands, and each rejection with its physical line. A duplicate is counted only in
 * {@code duplicates}, whatever its first outcome was. {@code rejections} may hold fewer than
 * {@code rejected} when the tally kept only the first ones (for people, who see at most
 * {@link BoundedLines#LIMIT}); for {@code --json} it keeps them all.
 */
public record ApplyReport(long applied, long duplicates, long rejected, List<RejectedLine> rejections) {

    public ApplyReport {
        rejections = List.copyOf(rejections);
    }

    /** One refused command: its line in the file, its id, its code and the ledger's message. */
    public record RejectedLine(long line, String id, String code, String message) {
    }

    /** Counts outcomes as they arrive. */
    static final class Tally {
        private final long keep;
        private long applied;
        private long duplicates;
        private long rejected;
        private final List<RejectedLine> rejections = new ArrayList<>();

        /** A tally that keeps every rejection. */
        Tally() {
            this(Long.MAX_VALUE);
        }

        /** A tally that keeps the first {@code keep} rejections and counts the rest. */
        Tally(long keep) {
            this.keep = keep;
        }

        void record(long line, Outcome outcome) {
            if (outcome instanceof Outcome.Accepted) {
                applied++;
            } else if (outcome instanceof Outcome.Duplicate) {
                duplicates++;
            } else if (outcome instanceof Outcome.Rejected refused) {
                rejected++;
                if (rejections.size() < keep) {
                    rejections.add(new RejectedLine(line, refused.commandId(), refused.code().name(), refused.message()));
                }
            } else {
                throw new IllegalStateException("an outcome apply does not know: " + outcome);
            }
        }

        long settled() {
            return applied + duplicates + rejected;
        }

        ApplyReport report() {
            return new ApplyReport(applied, duplicates, rejected, rejections);
        }
    }
}
