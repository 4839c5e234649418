package dev.ledger.cli;

import dev.ledger.api.read.ReadModelLagException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;

/**
 * Turns every failure into one line on standard error and an exit status: bad usage and failures
 * exit 2 ({@link ExitCodes#BAD_INPUT}). The line says what was wrong, where (the path, the host, the file,
 * the account) and what to do. With {@code --verbose}, or the environment variable {@code LEDGER_DEBUG}
 * set, the stack trace follows the line.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {

    static final String DEBUG_VARIABLE = "LEDGER_DEBUG";

    /** The global option that adds stack traces (see {@link LedgerCommandLine}). */
    static final String VERBOSE_OPTION = "--verbose";

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        PrintWriter err = command.getErr();
        err.println(name + ": " + ex.getMessage() + "; run '" + name + " --help' for usage");
        err.flush();
        return ExitCodes.BAD_INPUT;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        String name = command.getCommandSpec().qualifiedName();
        PrintWriter err = command.getErr();
        int exitCode = ExitCodes.BAD_INPUT;
        Throwable trace = ex;
        if (ex instanceof CliFailure failure) {
            err.println(failure.getMessage());
            exitCode = failure.exitCode();
            trace = failure.getCause();
        } else if (ex instanceof ReadModelLagException) {
            String advice = "the commands are durable, query again once the read models catch up";
            err.println(name + ": " + ex.getMessage() + (ex.getMessage().contains(advice) ? "" : "; " + advice));
        } else if (StoreProblem.isStoreFailure(ex)) {
            StoreOptions store = storeOptions(command.getCommandSpec());
            err.println(name + ": " + StoreProblem.describe(ex, store == null ? null : store.used(),
                    store == null ? null : store.where()));
        } else {
            err.println(name + ": failed: " + ex.getClass().getSimpleName() + ": " + rootMessage(ex)
                    + "; run again with " + VERBOSE_OPTION + " to see the stack trace");
        }
        if (trace != null && verbose(parseResult)) {
            trace.printStackTrace(err);
        }
        err.flush();
        return exitCode;
    }

    /** Whether stack traces were asked for: {@code --verbose} on any command of the line, or {@code LEDGER_DEBUG}. */
    static boolean verbose(ParseResult parseResult) {
        if (System.getenv(DEBUG_VARIABLE) != null) {
            return true;
        }
        for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption(VERBOSE_OPTION)) {
                return true;
            }
        }
        return false;
    }

    /** The store options of a command, when it has them (they name the store in messages). */
    private static StoreOptions storeOptions(CommandSpec command) {
        for (CommandSpec mixin : command.mixins().values()) {
            if (mixin.userObject() instanceof StoreOptions store) {
                return store;
            }
        }
        return null;
    }

    /** The message of the deepest cause, which usually says what the database or the JVM objected to. */
    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
