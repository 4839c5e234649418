package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.json.ViewJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
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

    @Option(names = "--json", description = "print one JSON document: {\"applied\", \"duplicates\", \"rejected\", \"rejections\"}")
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
            long total = commands.check(bad -> {
                malformed[0]++;
                err.println(commands.name() + ":" + bad.line() + ": MALFORMED: " + bad.why());
            });
            if (malformed[0] > 0) {
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

    /** What was applied, and why applying stopped early (null when every line was applied). */
    private record ApplyRun(ApplyReport report, String stopReason) {
    }

    private ApplyRun apply(CommandFile commands, long total, PrintWriter err) {
        ApplyReport.Tally tally = new ApplyReport.Tally();
        Progress progress = Progress.onTerminal(err);
        String stopReason = null;
        try (Ledger ledger = StoreOptions.open(store.settings());
             CommandFile.Chunks chunks = commands.chunks()) {
            try {
                for (List<CommandFile.NumberedCommand> chunk = chunks.next(CHUNK_SIZE); !chunk.isEmpty();
                     chunk = chunks.next(CHUNK_SIZE)) {
                    long firstFailedLine = applyChunk(ledger, chunk, tally, commands.name(), err, progress);
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
                                   String name, PrintWriter err, Progress progress) {
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
                err.println(name + ":" + numbered.line() + ": ERROR: " + numbered.command().type() + " \""
                        + numbered.command().id() + "\" could not be applied: " + ErrorReporter.rootMessage(cause));
                if (firstFailedLine == NONE) {
                    firstFailedLine = numbered.line();
                }
            }
        }
        err.flush();
        return firstFailedLine;
    }

    private void print(ApplyReport report, String name, PrintWriter out) {
        if (json) {
            out.println(ViewJson.write(report));
        } else {
            for (ApplyReport.RejectedLine rejection : report.rejections()) {
                out.println(name + ":" + rejection.line() + ": " + rejection.id() + " refused " + rejection.code()
                        + ": " + rejection.message());
            }
            out.println("applied " + report.applied() + ", duplicates " + report.duplicates()
                    + ", rejected " + report.rejected());
        }
        out.flush();
    }
}
