package dev.ledger.cli;

import dev.ledger.api.audit.AuditVerifier;
import dev.ledger.api.audit.VerificationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ledger verify FILE}: checks an audit export offline; no store is opened. */
@Command(name = "verify", description = {
        "Checks an audit export offline: every line's hash, the chain, the trailer.",
        "Exit 0 and 'OK N events, head HASH' when intact; exit 1 naming the first bad line otherwise."})
final class VerifyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "the export to check")
    Path file;

    @Option(names = "--head", paramLabel = "HASH",
            description = "the head hash you kept from the export; the file must end in it")
    String expectedHead;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        VerificationResult result;
        try {
            result = expectedHead == null ? AuditVerifier.verify(file) : AuditVerifier.verify(file, expectedHead);
        } catch (IOException e) {
            throw new CliFailure(spec.qualifiedName() + ": cannot read " + file + ": " + e.getMessage()
                    + "; check the path");
        }
        if (result.ok()) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(result.message());
            out.flush();
            return ExitCodes.DONE;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println(file + ":" + result.firstBadLine() + ": " + result.reason()
                + "; the file is not the export the ledger wrote (changed, cut or reordered)");
        err.flush();
        return ExitCodes.PROBLEM_REPORTED;
    }
}
