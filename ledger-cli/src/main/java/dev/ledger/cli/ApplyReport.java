package dev.ledger.cli;

import dev.ledger.api.Outcome;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code apply} did, in the JSON shape of {@code cli.md}: counts of applied, duplicate and
 * rejected commands, and each rejection with its physical line. A duplicate is counted only in
 * {@code duplicates}, whatever its first outcome was.
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
        private long applied;
        private long duplicates;
        private final List<RejectedLine> rejections = new ArrayList<>();

        void record(long line, Outcome outcome) {
            if (outcome instanceof Outcome.Accepted) {
                applied++;
            } else if (outcome instanceof Outcome.Duplicate) {
                duplicates++;
            } else if (outcome instanceof Outcome.Rejected rejected) {
                rejections.add(new RejectedLine(line, rejected.commandId(), rejected.code().name(), rejected.message()));
            } else {
                throw new IllegalStateException("an outcome apply does not know: " + outcome);
            }
        }

        long settled() {
            return applied + duplicates + rejections.size();
        }

        ApplyReport report() {
            return new ApplyReport(applied, duplicates, rejections.size(), rejections);
        }
    }
}
