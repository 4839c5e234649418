package dev.ledger.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.json.ViewJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code ledger apply FILE}: checks every line's form first and applies nothing if any line is
 * malformed; then applies the commands in file order, reporting business refusals as outcomes.
 */
@Command(name = "apply", description = {
        "Applies commands from a JSON Lines file (- for standard input), in order.",
        "Every line is checked first; if any is malformed, nothing is applied and the exit status is 2. "
                + "Refusals (insufficient funds, ...) are reported with line, id and code; the exit status stays 0 "
                + "unless --strict. When apply returns, every outcome is durable and visible in the read models."})
final class ApplyCommand implements Callable<Integer> {

    /**
     * Commands in flight at once: enough for the writer to commit full groups, few enough that the
     * futures and the chunk stay small whatever the size of the file.
     */
    static final int CHUNK_SIZE = 10_000;

    private static final long NONE = -1;

    @Parameters(paramLabel = "FILE", description = "JSON Lines file of commands, or - for standard input")
    String file;

    @Option(names = "--json", description = "print one JSON document: {\"applied\", \"duplicates\", \"rejected\", \"rejections\"} "
            + "listing every refusal (without it, at most " + BoundedLines.LIMIT + " are listed, then a count); for a file "
            + "with malformed lines, the same with \"malformed\" and \"malformedLines\": [{\"line\", \"message\"}]")
    boolean json;

    @Option(names = "--strict", description = "exit with status 1 if any command was refused")
    boolean strict;

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (CommandFile commands = CommandFile.open(file, System.in)) {
            long[] malformed = {0};
            BoundedLines malformedLines = new BoundedLines(err);
            long total = commands.check(bad -> {
                malformed[0]++;
                if (!json) {
                    malformedLines.println(commands.name() + ":" + bad.line() + ": MALFORMED: " + bad.why());
                }
            });
            if (malformed[0] > 0) {
                if (json) {
                    printMalformed(commands, malformed[0], out);
                } else {
                    malformedLines.finish("malformed lines", "apply --json lists them all");
                }
                boolean one = malformed[0] == 1;
                err.println("ledger apply: " + malformed[0] + (one ? " line of " : " lines of ") + commands.name()
                        + (one ? " is" : " are") + " malformed; nothing was applied. Fix " + (one ? "it" : "them")
                        + " and run apply again.");
                err.flush();
                return ExitCodes.BAD_INPUT;
            }
            ApplyRun run = total == 0 ? new ApplyRun(new ApplyReport.Tally().report(), null) : apply(commands, total, err);
            print(run.report(), commands.name(), out);
            if (run.stopReason() != null) {
                err.println(run.stopReason());
                err.flush();
                return ExitCodes.BAD_INPUT;
            }
            return strict && run.report().rejected() > 0 ? ExitCodes.PROBLEM_REPORTED : ExitCodes.DONE;
        }
    }

    /**
     * The {@code --json} report of a file with malformed lines: the report's shape with nothing applied,
     * plus {@code malformed} (how many) and {@code malformedLines} (every one, with its line and why). The
     * file is checked a second time to stream them, so memory stays flat however many there are.
     */
    private static void printMalformed(CommandFile commands, long malformed, PrintWriter out) {
        try (JsonGenerator json = ViewJson.mapper().getFactory().createGenerator(out)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            json.writeStartObject();
            json.writeNumberField("applied", 0);
            json.writeNumberField("duplicates", 0);
            json.writeNumberField("rejected", 0);
            json.writeArrayFieldStart("rejections");
            json.writeEndArray();
            json.writeNumberField("malformed", malformed);
            json.writeArrayFieldStart("malformedLines");
            commands.check(bad -> {
                try {
                    json.writeStartObject();
                    json.writeNumberField("line", bad.line());
                    json.writeStringField("message", bad.why());
                    json.writeEndObject();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to standard output", e);
        }
        out.println();
        out.flush();
    }

    /** What was applied, and why applying stopped early (null when every line was applied). */
    private record ApplyRun(ApplyReport report, String stopReason) {
    }

    private ApplyRun apply(CommandFile commands, long total, PrintWriter err) {
        // People see the first refusals and a count; --json lists them all.
        ApplyReport.Tally tally = json ? new ApplyReport.Tally() : new ApplyReport.Tally(BoundedLines.LIMIT);
        BoundedLines errors = new BoundedLines(err);
        Progress progress = Progress.onTerminal(err);
        String stopReason = null;
        try (Ledger ledger = StoreOptions.open(store.settings());
             CommandFile.Chunks chunks = commands.chunks()) {
            try {
                for (List<CommandFile.NumberedCommand> chunk = chunks.next(CHUNK_SIZE); !chunk.isEmpty();
                     chunk = chunks.next(CHUNK_SIZE)) {
                    long firstFailedLine = applyChunk(ledger, chunk, tally, commands.name(), errors, progress);
                    progress.show("apply: " + tally.settled() + " of " + total + " commands");
                    if (firstFailedLine != NONE) {
                        progress.done();
                        stopReason = "ledger apply: stopped after line " + chunk.get(chunk.size() - 1).line() + " of "
                                + commands.name() + " (the end of the lines in flight) because the command on line "
                                + firstFailedLine + " failed; the report counts what was settled. Fix the cause and run "
                                + "apply again: commands already applied come back as duplicates.";
                        break;
                    }
                }
            } catch (CliFailure changedFile) {
                progress.done();
                err.println(changedFile.getMessage());
                stopReason = "ledger apply: stopped; the report lists what was applied. Run apply again on the final file: "
                        + "commands already applied come back as duplicates.";
            }
            progress.done();
            errors.finish("commands that could not be applied", "the first are listed above");
            // The contract: every outcome is visible in the read models when apply returns.
            ledger.awaitReadModels();
        }
        return new ApplyRun(tally.report(), stopReason);
    }

    /**
     * Sends a chunk in order and collects its outcomes. A command that fails with an error (not a
     * refusal) is reported; the writer still settles the others of its chunk.
     *
     * @return the line of the first command that failed, or {@link #NONE}
     */
    private static long applyChunk(Ledger ledger, List<CommandFile.NumberedCommand> chunk, ApplyReport.Tally tally,
                                   String name, BoundedLines errors, Progress progress) {
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>(chunk.size());
        for (CommandFile.NumberedCommand numbered : chunk) {
            outcomes.add(ledger.submit(numbered.command()));
        }
        long firstFailedLine = NONE;
        for (int i = 0; i < chunk.size(); i++) {
            CommandFile.NumberedCommand numbered = chunk.get(i);
            try {
                tally.record(numbered.line(), outcomes.get(i).join());
            } catch (CompletionException | CancellationException e) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                progress.done();
                errors.println(name + ":" + numbered.line() + ": ERROR: " + numbered.command().type() + " \""
                        + numbered.command().id() + "\" could not be applied: " + ErrorReporter.rootMessage(cause));
                if (firstFailedLine == NONE) {
                    firstFailedLine = numbered.line();
                }
            }
        }
        errors.flush();
        return firstFailedLine;
    }

    private void print(ApplyReport report, String name, PrintWriter out) {
        if (json) {
            out.println(ViewJson.write(report));
        } else {
            BoundedLines refusals = new BoundedLines(out);
            for (ApplyReport.RejectedLine rejection : report.rejections()) {
                refusals.println(name + ":" + rejection.line() + ": " + rejection.id() + " refused " + rejection.code()
                        + ": " + rejection.message());
            }
            refusals.skip(report.rejected() - report.rejections().size());
            refusals.finish("refusals", "apply --json lists them all");
            out.println("applied " + report.applied() + ", duplicates " + report.duplicates()
                    + ", rejected " + report.rejected());
        }
        out.flush();
    }
}
